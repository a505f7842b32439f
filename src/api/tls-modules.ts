/**
 * node:https and node:tls, loaded for the first https:// request rather than
 * at start-up. A Milvus at http://localhost:19530 (a service container in CI)
 * never needs them, and they are the largest built-ins the action would
 * otherwise load: about 2 ms of every start (docs/benchmarks.md).
 */
import type * as Https from 'node:https'
import type * as Tls from 'node:tls'

export interface TlsModules {
  https: typeof Https
  tls: typeof Tls
}

let loaded: Promise<TlsModules> | undefined

export function loadTlsModules(): Promise<TlsModules> {
  return (loaded ??= Promise.all([import('node:https'), import('node:tls')]).then(
    ([https, tls]) => ({ https, tls }),
  ))
}
