// Bundled in place of @actions/exec (tsconfig.json "paths"). See build/README.md.
'use strict'
function unavailable() {
  throw new Error(
    'zilliz-import-wait bundles no @actions/exec: core.platform.getDetails() is not available in this action',
  )
}
module.exports = { exec: unavailable, getExecOutput: unavailable }
