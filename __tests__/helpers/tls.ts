/**
 * The TLS fixtures (scripts/make-test-certs.sh), the host names their server
 * certificate covers, and the bundle run through a proxy to that host.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { DEFAULT_API_KEY, DEFAULT_CLUSTER_ID } from '../../scripts/simulator.mjs'
import { ROOT, type RunResult, runAction } from '../../scripts/run-action.mjs'
import { node } from './e2e.js'

export const TLS_DIR = path.join(ROOT, '__tests__', 'fixtures', 'tls')
/** The test CA: give it to the bundle as NODE_EXTRA_CA_CERTS. */
export const CA = path.join(TLS_DIR, 'ca.pem')
export const pem = (name: string): string => readFileSync(path.join(TLS_DIR, name), 'utf8')
/** The host the action asks for by default with region gcp-us-west1 (the test certificate covers it). */
export const ZILLIZ_HOST = 'controller.api.gcp-us-west1.zillizcloud.com'

export interface ProxyRun {
  inputs?: Record<string, string>
  env?: Record<string, string>
  signal?: { signal: NodeJS.Signals; when: (stdout: string) => boolean; delayMs?: number }
}

/** The bundle with its default Zilliz Cloud host, reached only through `proxyUrl`. */
export function runViaProxy(proxyUrl: string, options: ProxyRun = {}): Promise<RunResult> {
  return runAction({
    node,
    inputs: {
      'job-id': 'job-p',
      'cluster-id': DEFAULT_CLUSTER_ID,
      region: 'gcp-us-west1',
      'api-key': DEFAULT_API_KEY,
      'poll-interval': '1s',
      timeout: '6s',
      ...options.inputs,
    },
    env: { https_proxy: proxyUrl, NODE_EXTRA_CA_CERTS: CA, ...options.env },
    ...(options.signal ? { sendSignal: options.signal } : {}),
  })
}
