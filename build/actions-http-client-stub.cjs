// Bundled in place of @actions/http-client's main entry (tsconfig.json "paths"). See build/README.md.
'use strict'
/** Stands in for HttpClient: constructing one (core.getIDToken() would) throws. */
function HttpClient() {
  throw new Error(
    'zilliz-import-wait bundles no @actions/http-client HttpClient: core.getIDToken() is not available in this action',
  )
}
module.exports = { HttpClient }
