/** build/eager-compile.mjs: the post-build step that turns ncc's module wrappers into function expressions. */
import { describe, expect, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ROOT } from '../scripts/run-action.mjs'

const SCRIPT = path.join(ROOT, 'build', 'eager-compile.mjs')

function runOn(text: string): { code: number | null; stderr: string; after: string } {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'eager-')), 'index.js')
  writeFileSync(file, text)
  const result = spawnSync(process.execPath, [SCRIPT, file], { encoding: 'utf8' })
  return { code: result.status, stderr: result.stderr, after: readFileSync(file, 'utf8') }
}

describe('build/eager-compile.mjs', () => {
  test('rewrites every arrow wrapper, and nothing else', () => {
    const bundle = [
      '/***/ 407:',
      '/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {',
      'const inner = (a) => { return a }',
      '/***/ }),',
      '/***/ 708:',
      '/***/ ((module) => {',
      'module.exports = 1',
      '/***/ })',
    ].join('\n')
    const { code, after } = runOn(bundle)
    expect(code).toBe(0)
    expect(after).toBe(
      bundle
        .replace(
          '/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {',
          '/***/ (function (module, __unused_webpack___webpack_exports__, __nccwpck_require__) {',
        )
        .replace('/***/ ((module) => {', '/***/ (function (module) {'),
    )
  })

  test('fails loudly, and leaves the file alone, when ncc writes no wrapper it knows', () => {
    const bundle = 'export const x = () => { return 1 }\n'
    const { code, stderr, after } = runOn(bundle)
    expect(code).toBe(1)
    expect(stderr).toContain('no webpack module wrapper found')
    expect(after).toBe(bundle)
  })
})
