/**
 * The release process: scripts/release.sh tags and pushes vX.Y.Z, then
 * .github/workflows/release.yml tests it, attests dist/index.js, publishes the
 * release and moves the major tag. The script and the workflow's own scripts run
 * in throwaway repositories (a tiny project whose "build" is deterministic, and a
 * bare repository as origin); nothing touches this repo.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parse } from 'yaml'
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

  test('tags v1.0.0 and pushes that tag alone: v1 is left to the release workflow', () => {
    const { code, out } = release('1.0.0', '--push')
    expect(out).toContain('Tagged v1.0.0.')
    expect(out).toContain('the Release workflow now tests it, publishes the release and moves v1')
    expect(code).toBe(0)
    const head = git('rev-parse', 'HEAD')
    expect(git('rev-parse', 'v1.0.0^{commit}')).toBe(head)
    expect(git('tag', '--list', 'v1')).toBe('')
    const remote = execFileSync('git', ['ls-remote', '--tags', origin], { encoding: 'utf8' })
    expect(remote).toMatch(/refs\/tags\/v1\.0\.0\n/)
    expect(remote).not.toMatch(/refs\/tags\/v1\n/)
    expect(release('1.0.0').out).toMatch(/tag v1.0.0 exists already/)
  })

  test('without --push, tags and prints the one push command', () => {
    writeProject('1.1.0')
    commitAll('1.1.0')
    const { code, out } = release('1.1.0')
    expect(code).toBe(0)
    expect(out).toContain('To publish: git push origin refs/tags/v1.1.0 (the Release workflow')
    expect(git('rev-parse', 'v1.1.0^{commit}')).toBe(git('rev-parse', 'HEAD'))
    expect(git('tag', '--list', 'v1')).toBe('')
    const remote = execFileSync('git', ['ls-remote', '--tags', origin], { encoding: 'utf8' })
    expect(remote).not.toContain('v1.1.0')
  })
})

interface Step {
  name?: string
  uses?: string
  run?: string
  with?: Record<string, unknown>
}
interface Job {
  needs?: string | string[]
  permissions?: Record<string, string>
  steps: Step[]
}
interface Workflow {
  on: { push?: { tags?: string[] }; workflow_dispatch?: { inputs?: Record<string, unknown> } }
  permissions?: Record<string, string>
  defaults?: { run?: { shell?: string } }
  jobs: Record<string, Job>
}

const workflowFile = path.join(ROOT, '.github', 'workflows', 'release.yml')
const workflowText = readFileSync(workflowFile, 'utf8')
const workflow = parse(workflowText) as Workflow
const jobs = Object.entries(workflow.jobs)
const allSteps = jobs.flatMap(([job, { steps }]) => steps.map((step) => ({ job, step })))

/** The job (name and body) that has a step matching `has`, failing with `what` if none does. */
function jobWith(what: string, has: (step: Step) => boolean): [string, Job] {
  const found = jobs.find(([, job]) => job.steps.some(has))
  if (found === undefined) throw new Error(`release.yml has no step that ${what}`)
  return found
}

/** The `run:` script of the step named `name`. */
function stepScript(name: string): string {
  const found = allSteps.find(({ step }) => step.name === name)?.step.run
  if (found === undefined) throw new Error(`release.yml has no step "${name}" with a run: script`)
  return found
}

const isAttest = (step: Step): boolean =>
  step.uses?.startsWith('actions/attest-build-provenance@') === true
const runs = (text: string) => (step: Step) => step.run?.includes(text) === true

/** Every permission a job holds: its own, or else the workflow's. */
const permissionsOf = (job: Job): Record<string, string> =>
  job.permissions ?? workflow.permissions ?? {}

describe('.github/workflows/release.yml', () => {
  test('runs on a pushed vX.Y.Z tag, and on demand for a given tag', () => {
    expect(workflow.on.push?.tags).toEqual(['v*.*.*'])
    expect(Object.keys(workflow.on.workflow_dispatch?.inputs ?? {})).toEqual(['tag'])
    // GitHub runs `shell: bash` as bash -eo pipefail: a failing git in a pipeline fails the step.
    expect(workflow.defaults?.run?.shell).toBe('bash')
  })

  test('builds, checks dist/ and tests before anything is published', () => {
    const [name, verify] = jobWith('runs npm ci', runs('npm ci'))
    const order = ['npm ci', 'npm run build', 'git status --porcelain -- dist', 'npm test']
    const at = (text: string): number => verify.steps.findIndex(runs(text))
    expect(order.filter((text) => at(text) === -1)).toEqual([])
    expect([...order].sort((a, b) => at(a) - at(b))).toEqual(order)
    const [, publish] = jobWith('attests', isAttest)
    expect([publish.needs].flat()).toContain(name)
  })

  test('attests dist/index.js, with the permissions that takes, in a job that runs no npm', () => {
    const [, publish] = jobWith('attests', isAttest)
    expect(publish.steps.find(isAttest)?.with).toEqual({ 'subject-path': 'dist/index.js' })
    expect(permissionsOf(publish)).toEqual({
      contents: 'write',
      'id-token': 'write',
      attestations: 'write',
    })
    expect(publish.steps.filter(runs('npm '))).toEqual([])
    // Every job that runs the project's npm code gets a read-only token.
    for (const [name, job] of jobs.filter(([, job]) => job.steps.some(runs('npm ')))) {
      const granted = Object.entries(permissionsOf(job))
      expect([name, granted.filter(([, level]) => level !== 'read')]).toEqual([name, []])
    }
  })

  test('attests, then publishes the release in one go, then moves the major tag', () => {
    const [, publish] = jobWith('attests', isAttest)
    const attest = publish.steps.findIndex(isAttest)
    const create = publish.steps.findIndex(runs('gh release create'))
    const move = publish.steps.findIndex(runs('git push --force'))
    expect([attest >= 0, attest < create, create < move]).toEqual([true, true, true])
    expect(allSteps.filter(({ step }) => runs('gh release create')(step))).toHaveLength(1)
    // Immutable releases: nothing is added or changed after the release is created.
    expect(workflowText).not.toMatch(/gh release (edit|upload)|--draft/)
  })

  test('pins every action by major version tag, as the other workflows do, or by full SHA', () => {
    const uses = allSteps.flatMap(({ step }) => (step.uses === undefined ? [] : [step.uses]))
    expect(uses.length).toBeGreaterThan(0)
    for (const action of uses) {
      expect([action, /^[\w.-]+\/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/.test(action)]).toEqual([
        action,
        true,
      ])
      if (/@[0-9a-f]{40}$/.test(action)) {
        // A SHA says which version it is in a trailing comment: `@<sha> # v1.2.3`.
        expect(workflowText).toMatch(new RegExp(`uses: ${action} # v\\d+`))
      }
    }
  })

  test('accepts only vX.Y.Z tags', () => {
    const check = (tag: string) =>
      spawnSync('bash', ['-eo', 'pipefail', '-c', stepScript('Check the tag name')], {
        env: { ...process.env, TAG: tag },
        encoding: 'utf8',
      })
    expect(check('v1.2.3').status).toBe(0)
    for (const tag of ['v1.2', 'v1.2.3-rc.1', '1.2.3', 'v1.2.3; echo']) {
      const result = check(tag)
      expect([tag, result.status, result.stdout]).toEqual([
        tag,
        1,
        expect.stringContaining('::error::'),
      ])
    }
  })
})

describe("the release workflow's scripts, in a throwaway repository", () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'release-workflow-test-'))
  const work = path.join(scratch, 'work')
  const remote = path.join(scratch, 'origin.git')
  const bin = path.join(scratch, 'bin')
  const ghLog = path.join(scratch, 'gh.log')
  const workGit = (...args: string[]): string =>
    execFileSync('git', args, { cwd: work, encoding: 'utf8' }).trim()
  const remoteCommit = (tag: string): string =>
    execFileSync('git', ['rev-parse', `${tag}^{commit}`], { cwd: remote, encoding: 'utf8' }).trim()

  /** Runs a step's script as GitHub does with `shell: bash`, with TAG set. */
  function step(name: string, tag: string, env: Record<string, string> = {}) {
    const result = spawnSync(
      'bash',
      ['--noprofile', '--norc', '-eo', 'pipefail', '-c', stepScript(name)],
      {
        cwd: work,
        env: {
          ...process.env,
          PATH: `${bin}:${process.env.PATH ?? ''}`,
          GH_LOG: ghLog,
          TAG: tag,
          ...env,
        },
        encoding: 'utf8',
      },
    )
    return { code: result.status, out: result.stdout + result.stderr }
  }

  /** A commit tagged `tag` (annotated, as release.sh makes them), pushed with the tag. */
  function tagged(tag: string): string {
    writeFileSync(path.join(work, 'file.txt'), `${tag}\n`)
    workGit('add', 'file.txt')
    workGit('commit', '-qm', tag)
    workGit('tag', '-a', tag, '-m', `Release ${tag}`)
    workGit('push', '-q', 'origin', `refs/tags/${tag}`)
    return workGit('rev-parse', 'HEAD')
  }

  beforeAll(() => {
    execFileSync('git', ['init', '-q', '--bare', remote])
    mkdirSync(work)
    mkdirSync(bin)
    workGit('init', '-q', '-b', 'main')
    workGit('config', 'user.email', 'test@example.invalid')
    workGit('config', 'user.name', 'test')
    workGit('remote', 'add', 'origin', remote)
    // A stand-in for gh: `release view` finds a release only if RELEASE_EXISTS is set;
    // every call is logged, and `release create` keeps a copy of the notes it was given.
    writeFileSync(
      path.join(bin, 'gh'),
      [
        '#!/usr/bin/env bash',
        'echo "$*" >> "$GH_LOG"',
        'if [ "$1 $2" = "release view" ]; then [ -n "${RELEASE_EXISTS:-}" ]; exit; fi',
        'if [ "$1 $2" = "release create" ]; then cp release-notes.md "$GH_LOG.notes"; fi',
      ].join('\n'),
    )
    chmodSync(path.join(bin, 'gh'), 0o755)
  })

  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true })
  })

  test('moves v1 to the newest v1.x.y, force-pushing that one tag only', () => {
    const first = tagged('v1.0.0')
    expect(step('Move the major tag', 'v1.0.0').code).toBe(0)
    expect(remoteCommit('v1')).toBe(first)
    const second = tagged('v1.1.0')
    workGit('tag', 'unrelated-local-tag')
    const { code, out } = step('Move the major tag', 'v1.1.0')
    expect(code).toBe(0)
    expect(out).toContain(`Moved v1 to v1.1.0 (${second}).`)
    expect(remoteCommit('v1')).toBe(second)
    const remoteTags = execFileSync('git', ['ls-remote', '--tags', '--refs', remote], {
      encoding: 'utf8',
    })
    expect(remoteTags.match(/refs\/tags\/\S+/g)?.sort()).toEqual([
      'refs/tags/v1',
      'refs/tags/v1.0.0',
      'refs/tags/v1.1.0',
    ])
  })

  test('leaves v1 alone for an older v1.x.y (a backport), comparing versions, not text', () => {
    const newest = remoteCommit('v1')
    tagged('v1.0.1')
    const backport = step('Move the major tag', 'v1.0.1')
    expect(backport.code).toBe(0)
    expect(backport.out).toContain('v1 stays where it is: v1.1.0 is newer than v1.0.1.')
    expect(remoteCommit('v1')).toBe(newest)
    // v1.10.0 sorts before v1.9.1 as text: the newer one must still win. A pre-release
    // tag (never released by the workflow) does not count.
    const ten = tagged('v1.10.0')
    tagged('v1.11.0-rc.1')
    expect(step('Move the major tag', 'v1.10.0').code).toBe(0)
    tagged('v1.9.1')
    expect(step('Move the major tag', 'v1.9.1').out).toContain('v1.10.0 is newer than v1.9.1')
    expect(remoteCommit('v1')).toBe(ten)
  })

  test('starts v2 at v2.0.0 and leaves v1 where it is', () => {
    const v1 = remoteCommit('v1')
    const major = tagged('v2.0.0')
    expect(step('Move the major tag', 'v2.0.0').code).toBe(0)
    expect(remoteCommit('v2')).toBe(major)
    expect(remoteCommit('v1')).toBe(v1)
  })

  test('refuses a tag off main, or one its version files do not agree with', () => {
    const check = 'Check that the tag is on main and agrees with the version files'
    mkdirSync(path.join(work, 'src'), { recursive: true })
    writeFileSync(path.join(work, 'package.json'), JSON.stringify({ version: '3.0.0' }))
    writeFileSync(path.join(work, 'src', 'version.ts'), "export const ACTION_VERSION = '3.0.0'\n")
    writeFileSync(path.join(work, 'CHANGELOG.md'), '# Changelog\n\n## [3.0.0]\n\n- Three.\n')
    workGit('add', '-A')
    workGit('commit', '-qm', '3.0.0')
    workGit('push', '-q', 'origin', 'main')
    workGit('fetch', '-q', 'origin')
    expect(step(check, 'v3.0.0')).toEqual({ code: 0, out: '' })
    expect(step(check, 'v3.0.1').out).toContain('::error::package.json does not say 3.0.1.')
    writeFileSync(path.join(work, 'package.json'), JSON.stringify({ version: '3.0.1' }))
    workGit('commit', '-qam', 'package.json only')
    expect(step(check, 'v3.0.1').out).toContain('::error::v3.0.1 is not on main')
    workGit('push', '-q', 'origin', 'main')
    workGit('fetch', '-q', 'origin')
    expect(step(check, 'v3.0.1').out).toContain('::error::src/version.ts does not say 3.0.1.')
    writeFileSync(path.join(work, 'src', 'version.ts'), "export const ACTION_VERSION = '3.0.1'\n")
    workGit('commit', '-qam', 'version.ts too')
    workGit('push', '-q', 'origin', 'main')
    workGit('fetch', '-q', 'origin')
    expect(step(check, 'v3.0.1').out).toContain(
      "::error::CHANGELOG.md has no '## [3.0.1]' section.",
    )
  })

  test('creates the release once, from the tag, with its CHANGELOG section and generated notes', () => {
    writeFileSync(
      path.join(work, 'CHANGELOG.md'),
      '# Changelog\n\n## [1.1.0]\n\n- The new thing.\n\n## [1.0.0]\n\n- The first.\n',
    )
    const { code } = step('Create the release', 'v1.1.0')
    expect(code).toBe(0)
    const calls = readFileSync(ghLog, 'utf8').trim().split('\n')
    expect(calls).toEqual([
      'release view v1.1.0',
      'release create v1.1.0 dist/index.js#index.js (the action bundle) --verify-tag --title v1.1.0 --notes-file release-notes.md --generate-notes',
    ])
    const notes = readFileSync(`${ghLog}.notes`, 'utf8')
    expect(notes).toContain('- The new thing.')
    expect(notes).not.toContain('The first.')
    rmSync(ghLog)
    rmSync(`${ghLog}.notes`)
    expect(step('Create the release', 'v1.1.0', { RELEASE_EXISTS: '1' }).code).toBe(0)
    expect(readFileSync(ghLog, 'utf8').trim()).toBe('release view v1.1.0')
    expect(existsSync(`${ghLog}.notes`)).toBe(false)
  })
})
