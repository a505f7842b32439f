import { readFileSync } from 'node:fs'
import { ACTION_VERSION, USER_AGENT } from '../src/version.js'

test('the User-Agent version is the package version', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
  expect(ACTION_VERSION).toBe(pkg.version)
  expect(USER_AGENT).toBe(`zilliz-import-wait/${pkg.version}`)
})
