/** What the bundle (dist/index.js) contains, and does not. */
import { describe, expect, test } from '@jest/globals'
import { readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { BUNDLE } from '../scripts/run-action.mjs'

const source = readFileSync(BUNDLE, 'utf8')

describe('dist/index.js', () => {
  test('leaves out undici (a build-time stub stands in for it)', () => {
    // Error codes every real undici build carries.
    expect(source).not.toContain('UND_ERR_CONNECT_TIMEOUT')
    expect(source).toContain('bundles no undici')
  })

  test('leaves out @actions/exec and child_process (a build-time stub stands in for it)', () => {
    expect(source).not.toContain('("child_process")')
    expect(source).toContain('bundles no @actions/exec')
  })

  test('loads node:zlib only on the first compressed answer, not at start-up', () => {
    const zlibModule =
      /\/\*\*\*\/ (\d+):\s*\/\*\*\*\/ \(\(module\) => \{\s*module\.exports = [^;]*\("node:zlib"\)/.exec(
        source,
      )
    expect(zlibModule).not.toBeNull()
    // Required lazily (an import() that webpack turns into __nccwpck_require__.t), never eagerly.
    expect(source).toContain(
      `__nccwpck_require__.t.bind(__nccwpck_require__, ${zlibModule?.[1] ?? '?'}, 23)`,
    )
    expect(source).not.toContain(`= __nccwpck_require__(${zlibModule?.[1] ?? '?'})`)
  })

  test('stays small: it is loaded on every CI run', () => {
    expect(statSync(BUNDLE).size).toBeLessThan(400 * 1024)
  })

  test('is ESM, as @actions/core 3 requires', () => {
    const pkg = JSON.parse(
      readFileSync(path.join(path.dirname(BUNDLE), 'package.json'), 'utf8'),
    ) as { type: string }
    expect(pkg.type).toBe('module')
  })
})
