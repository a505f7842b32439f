// Bundled in place of undici (tsconfig.json "paths"). See build/README.md.
'use strict'
// A class, because @actions/http-client does `new ProxyAgent(...)`.
// eslint-disable-next-line @typescript-eslint/no-extraneous-class
class ProxyAgent {
  constructor() {
    throw new Error(
      'zilliz-import-wait bundles no undici: HttpClient.getAgentDispatcher() is not available in this action',
    )
  }
}
module.exports = { ProxyAgent }
