/** The TLS fixtures (scripts/make-test-certs.sh) and the host names their server certificate covers. */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { ROOT } from '../../scripts/run-action.mjs'

export const TLS_DIR = path.join(ROOT, '__tests__', 'fixtures', 'tls')
/** The test CA: give it to the bundle as NODE_EXTRA_CA_CERTS. */
export const CA = path.join(TLS_DIR, 'ca.pem')
export const pem = (name: string): string => readFileSync(path.join(TLS_DIR, name), 'utf8')
/** The host the action asks for by default with region gcp-us-west1 (the test certificate covers it). */
export const ZILLIZ_HOST = 'controller.api.gcp-us-west1.zillizcloud.com'
