/**
 * scripts/release.sh in a throwaway repository: a tiny project whose "build"
 * is deterministic, and a bare repository as origin. Nothing touches this repo.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ROOT } from '../scripts/run-action.mjs'

const base = mkdtempSync(path.join(tmpdir(), 'release-test-'))
const repo = path.join(base, 'repo')
const origin = path.join(base, 'origin.git')
const script = path.join(ROOT, 'scripts', 'release.sh')

const git = (...args: string[]): string =>
  execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim()

function release(...args: string[]) {
  const result = spawnSync('bash', [script, ...args], { cwd: repo, encoding: 'utf8' })
  return { code: result.status, out: result.stdout + result.stderr }
}

function writeProject(version: string, dist = 'built'): void {
  writeFileSync(
    path.join(repo, 'package.json'),
    JSON.stringify({
      name: 'p',
      version,
      scripts: { build: `node -e "require('fs').writeFileSync('dist/index.js', 'built\\\\n')"` },
    }),
  )
  writeFileSync(
    path.join(repo, 'src', 'version.ts'),
    `export const ACTION_VERSION = '${version}'\n`,
  )
  const changelog = path.join(repo, 'CHANGELOG.md')
  let text: string
  try {
    text = readFileSync(changelog, 'utf8')
  } catch {
    text = '# Changelog\n'
  }
  writeFileSync(changelog, `${text}\n## [${version}]\n- changes\n`)
  writeFileSync(path.join(repo, 'dist', 'index.js'), `${dist}\n`)
}

function commitAll(message: string): void {
  git('add', '-A')
  git('commit', '-qm', message)
}

beforeAll(() => {
  execFileSync('git', ['init', '-q', '--bare', origin])
  mkdirSync(path.join(repo, 'src'), { recursive: true })
  mkdirSync(path.join(repo, 'dist'))
  git('init', '-q', '-b', 'main')
  git('config', 'user.email', 'test@example.invalid')
  git('config', 'user.name', 'test')
  git('remote', 'add', 'origin', origin)
  writeProject('1.0.0')
  commitAll('1.0.0')
})

afterAll(() => {
  rmSync(base, { recursive: true, force: true })
})

describe('scripts/release.sh', () => {
  test.each([
    [['1.0'], /usage: scripts\/release.sh X.Y.Z/],
    [['1.0.1'], /package.json says 1.0.0, not 1.0.1/],
    [['1.0.0', '--force'], /unknown option: --force/],
  ])('refuses %j', (args, expected) => {
    const { code, out } = release(...args)
    expect(code).toBe(1)
    expect(out).toMatch(expected)
  })

  test('refuses a dirty tree and a stale dist/', () => {
    writeFileSync(path.join(repo, 'stray.txt'), 'x')
    expect(release('1.0.0').out).toMatch(/uncommitted changes/)
    rmSync(path.join(repo, 'stray.txt'))
    writeFileSync(path.join(repo, 'dist', 'index.js'), 'stale\n')
    commitAll('stale dist')
    expect(release('1.0.0').out).toMatch(/dist\/ differs from a fresh build/)
    git('checkout', '-q', '--', 'dist')
    writeFileSync(path.join(repo, 'dist', 'index.js'), 'built\n')
    commitAll('fresh dist')
  })

  test('tags v1.0.0, points v1 at it, and pushes both', () => {
    const { code, out } = release('1.0.0', '--push')
    expect(out).toContain('Tagged v1.0.0 and moved v1 to it.')
    expect(code).toBe(0)
    const head = git('rev-parse', 'HEAD')
    expect(git('rev-parse', 'v1.0.0^{commit}')).toBe(head)
    expect(git('rev-parse', 'v1^{commit}')).toBe(head)
    const remote = execFileSync('git', ['ls-remote', '--tags', origin], { encoding: 'utf8' })
    expect(remote).toMatch(/refs\/tags\/v1\.0\.0\n/)
    expect(remote).toMatch(/refs\/tags\/v1\n/)
    expect(release('1.0.0').out).toMatch(/tag v1.0.0 exists already/)
  })

  test('the next release moves v1 forward, also on the remote', () => {
    writeProject('1.1.0')
    commitAll('1.1.0')
    const { code } = release('1.1.0', '--push')
    expect(code).toBe(0)
    const head = git('rev-parse', 'HEAD')
    expect(git('rev-parse', 'v1^{commit}')).toBe(head)
    expect(git('rev-parse', 'v1.0.0^{commit}')).not.toBe(head)
    const remoteV1 = execFileSync('git', ['rev-parse', 'v1^{commit}'], {
      cwd: origin,
      encoding: 'utf8',
    }).trim()
    expect(remoteV1).toBe(head)
  })
})
