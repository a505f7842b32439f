/** What the bundle (dist/index.js) contains, and does not. */
import { describe, expect, test } from '@jest/globals'
import { readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { BUNDLE } from '../scripts/run-action.mjs'

const source = readFileSync(BUNDLE, 'utf8')

describe('dist/index.js', () => {
  test("leaves out @actions/http-client's HttpClient, with tunnel and undici behind it (a stub stands in)", () => {
    expect(source).toContain('bundles no @actions/http-client HttpClient')
    // An error code every real undici build carries, and tunnel's agent.
    expect(source).not.toContain('UND_ERR_CONNECT_TIMEOUT')
    expect(source).not.toContain('TunnelingAgent')
    // assert was loaded only for tunnel.
    expect(source).not.toMatch(/\("(node:)?assert"\)/)
    // The proxy rules themselves are bundled: proxy.ts reads them from lib/proxy.
    expect(source).toContain("process.env['no_proxy']")
  })

  test('leaves out @actions/exec and child_process (a build-time stub stands in for it)', () => {
    expect(source).not.toContain('("child_process")')
    expect(source).toContain('bundles no @actions/exec')
  })

  test('loads node:zlib only on the first compressed answer, not at start-up', () => {
    const zlibModule =
      /\/\*\*\*\/ (\d+):\s*\/\*\*\*\/ \(function \(module\) \{\s*module\.exports = [^;]*\("node:zlib"\)/.exec(
        source,
      )
    expect(zlibModule).not.toBeNull()
    // Required lazily (an import() that webpack turns into __nccwpck_require__.t), never eagerly.
    expect(source).toContain(
      `__nccwpck_require__.t.bind(__nccwpck_require__, ${zlibModule?.[1] ?? '?'}, 23)`,
    )
    expect(source).not.toContain(`= __nccwpck_require__(${zlibModule?.[1] ?? '?'})`)
  })

  test('wraps its modules in function expressions, which V8 compiles on the first pass', () => {
    // build/eager-compile.mjs, run by npm run build: no arrow wrapper is left.
    expect(source).not.toMatch(/^\/\*\*\*\/ \(\([\w, ]*\) => \{$/m)
    expect(source).toMatch(
      /^\/\*\*\*\/ \(function \(__unused_webpack_module, __webpack_exports__, __nccwpck_require__\) \{$/m,
    )
  })

  test('loads node:https and node:tls (first https:// request) and node:v8 (a large run) only when needed', () => {
    for (const name of ['node:https', 'node:tls', 'node:v8']) {
      const found = new RegExp(
        `/\\*\\*\\*/ (\\d+):\\s*/\\*\\*\\*/ \\(function \\(module\\) \\{\\s*module\\.exports = [^;]*\\("${name}"\\)`,
      ).exec(source)
      expect(found).not.toBeNull()
      const id = found?.[1] ?? '?'
      expect(source).toContain(`__nccwpck_require__.t.bind(__nccwpck_require__, ${id}, 23)`)
      expect(source).not.toContain(`= __nccwpck_require__(${id})`)
    }
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
