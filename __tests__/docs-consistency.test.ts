/**
 * The README's "## Inputs" and "## Outputs" tables, its "## Outcomes" table and
 * action.yml say the same things: the same inputs (with the same defaults, and
 * "yes" in the README's required column exactly where action.yml has
 * `required: true`), the same outputs, and the same list of states as
 * OUTCOME_STATES in src/job.ts. Each disagreement is one line that says which
 * side is missing what; the last block proves each check fails on a broken copy.
 */
import { describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { OUTCOME_STATES } from '../src/job.js'
import { ROOT } from '../scripts/run-action.mjs'

interface Metadata {
  inputs: Record<string, { required?: boolean; default?: string | number | boolean }>
  outputs: Record<string, { description: string }>
}

const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8')
const ACTION = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as Metadata

const INPUTS = 'the README "## Inputs" table'
const OUTPUTS = 'the README "## Outputs" table'
const OUTCOMES = 'the README "## Outcomes" table'
const STATE_ROW = 'the README `state` output row'
const STATE_DESCRIPTION = 'the action.yml `state` description'
const SOURCE = 'OUTCOME_STATES in src/job.ts'

/** The text of a "## " section, up to the next "## " heading. */
function section(readme: string, heading: string): string {
  const start = readme.indexOf(`\n## ${heading}\n`)
  if (start === -1) throw new Error(`the README has no "## ${heading}" section`)
  const end = readme.indexOf('\n## ', start + 1)
  return readme.slice(start, end === -1 ? undefined : end)
}

/** A table row's cells, split at unescaped pipes and trimmed. */
const cells = (line: string): string[] =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim())

/** The first table of a README section: each row as { column name: cell }. */
function table(readme: string, heading: string, columns: string[]): Record<string, string>[] {
  const lines = section(readme, heading).split('\n')
  const first = lines.findIndex((line) => line.startsWith('|'))
  const end = lines.findIndex((line, index) => index > first && !line.startsWith('|'))
  const [header = [], , ...rows] = lines.slice(first, end === -1 ? undefined : end).map(cells)
  const missing = columns.filter((column) => !header.includes(column))
  if (first === -1 || missing.length > 0) {
    throw new Error(`"## ${heading}" has no table with the columns ${missing.join(', ')}`)
  }
  return rows.map((row) => Object.fromEntries(header.map((column, i) => [column, row[i] ?? ''])))
}

/** The name in a cell that is one code span (`job-id`), or the cell itself when it is not. */
const name = (cell: string): string => /^`([^`]+)`$/.exec(cell)?.[1] ?? cell

/** Every code span in a text. */
const codeSpans = (text: string): string[] =>
  [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '')

/**
 * The two lists name the same things, each once. Problems read
 * "<what> <name>: in <one side>, missing from <the other>".
 */
function sameNames(
  what: string,
  [leftLabel, left]: [string, readonly string[]],
  [rightLabel, right]: [string, readonly string[]],
): string[] {
  const twice = (label: string, names: readonly string[]) =>
    names
      .filter((item, index) => names.indexOf(item) !== index)
      .map((item) => `${what} ${item}: listed twice in ${label}`)
  return [
    ...left
      .filter((item) => !right.includes(item))
      .map((item) => `${what} ${item}: in ${leftLabel}, missing from ${rightLabel}`),
    ...right
      .filter((item) => !left.includes(item))
      .map((item) => `${what} ${item}: in ${rightLabel}, missing from ${leftLabel}`),
    ...twice(leftLabel, left),
    ...twice(rightLabel, right),
  ]
}

function inputProblems(readme: string, action: Metadata): string[] {
  const rows = table(readme, 'Inputs', ['input', 'required', 'default'])
  const readmeInputs = rows.map((row) => name(row.input ?? ''))
  const problems = sameNames(
    'input',
    ['action.yml', Object.keys(action.inputs)],
    [INPUTS, readmeInputs],
  )
  for (const row of rows) {
    const input = name(row.input ?? '')
    const declared = action.inputs[input]
    if (declared === undefined) continue
    const yml = declared.default === undefined ? '' : String(declared.default)
    const cell = row.default ?? ''
    const isCode = /^`[^`]+`$/.test(cell)
    if (yml !== name(cell) || (cell !== '' && !isCode)) {
      const shown = cell === '' ? 'none' : isCode ? cell : `${cell} (a default is one code span)`
      problems.push(
        `default of ${input}: action.yml has ${yml === '' ? 'none' : `"${yml}"`}, ` +
          `${INPUTS} shows ${shown}`,
      )
    }
    const requiredInYml = declared.required === true
    const requiredInReadme = row.required === 'yes'
    if (requiredInYml !== requiredInReadme) {
      problems.push(
        `required ${input}: action.yml has required: ${String(requiredInYml)}, ` +
          `${INPUTS} says "${row.required ?? ''}" (required: true goes with exactly "yes")`,
      )
    }
  }
  return problems
}

function outputProblems(readme: string, action: Metadata): string[] {
  const readmeOutputs = table(readme, 'Outputs', ['output']).map((row) => name(row.output ?? ''))
  return sameNames('output', ['action.yml', Object.keys(action.outputs)], [OUTPUTS, readmeOutputs])
}

/** The states the action.yml `state` description lists: "one of: a, b, ... or z." */
function describedStates(action: Metadata): string[] {
  const description = action.outputs.state?.description ?? ''
  const list = /one of: ((?:[a-z-]+, )*[a-z-]+) or ([a-z-]+)\./i.exec(description)
  if (list === null) {
    throw new Error(`${STATE_DESCRIPTION} does not list the states as "one of: a, b or c."`)
  }
  return [...(list[1] ?? '').split(', '), list[2] ?? '']
}

/** The states each text names, in the order it names them. */
function stateLists(readme: string, action: Metadata): [string, string[]][] {
  const row = table(readme, 'Outputs', ['output', 'value']).find((r) => r.output === '`state`')
  if (row === undefined) throw new Error(`${OUTPUTS} has no \`state\` row`)
  const outcomes = table(readme, 'Outcomes', ['`state`']).map((r) => name(r['`state`'] ?? ''))
  return [
    [STATE_ROW, codeSpans((row.value ?? '').split('(see')[0] ?? '')],
    [OUTCOMES, outcomes],
    [STATE_DESCRIPTION, describedStates(action)],
  ]
}

function stateProblems(readme: string, action: Metadata): string[] {
  return stateLists(readme, action).flatMap(([label, states]) =>
    sameNames('state', [SOURCE, OUTCOME_STATES], [label, states]),
  )
}

/** The Outcomes table ("the first in this table wins") and action.yml list states in rank order. */
function rankProblems(readme: string, action: Metadata): string[] {
  return stateLists(readme, action)
    .filter(([label]) => label !== STATE_ROW)
    .flatMap(([label, states]) => {
      const ranked = OUTCOME_STATES.filter((state) => states.includes(state))
      const listed = states.filter((state) => ranked.includes(state as (typeof ranked)[number]))
      return listed.join() === ranked.join()
        ? []
        : [`rank: ${label} lists ${listed.join(', ')}; ${SOURCE} ranks ${ranked.join(', ')}`]
    })
}

describe('README.md and action.yml agree', () => {
  test('on the inputs, their defaults and which are required', () => {
    expect(inputProblems(README, ACTION)).toEqual([])
  })

  test('on the outputs', () => {
    expect(outputProblems(README, ACTION)).toEqual([])
  })

  test('on the states, with src/job.ts: the `state` row, the Outcomes table, action.yml', () => {
    expect(stateProblems(README, ACTION)).toEqual([])
  })

  test('on the rank of the states, where a text lists them in rank order', () => {
    expect(rankProblems(README, ACTION)).toEqual([])
  })
})

describe('each check fails on a broken copy', () => {
  /** A copy of `text` with `from` replaced; throws if `from` is not there (a vacuous case). */
  function broken(text: string, from: string | RegExp, to: string): string {
    const changed = text.replace(from, to)
    if (changed === text) throw new Error(`the case does not apply any more: no ${String(from)}`)
    return changed
  }
  /** A copy of action.yml as parsed, changed by `change`. */
  function action(change: (copy: Metadata) => void): Metadata {
    const copy = structuredClone(ACTION)
    change(copy)
    return copy
  }
  const input = (copy: Metadata, name: string) => {
    const found = copy.inputs[name]
    if (found === undefined) throw new Error(`action.yml has no input ${name}`)
    return found
  }
  const stateDescribed = (from: string, to: string): Metadata =>
    action((copy) => {
      const state = copy.outputs.state
      if (state === undefined) throw new Error('action.yml has no state output')
      state.description = broken(state.description, from, to)
    })

  type Check = (readme: string, action: Metadata) => string[]
  /** What is checked, the check, the broken copies (README, action.yml), and the problem expected. */
  const cases: [string, Check, () => [string, Metadata], string][] = [
    [
      'an input renamed in the README',
      inputProblems,
      () => [broken(README, '| `db-name` ', '| `db-nam`  '), ACTION],
      `input db-name: in action.yml, missing from ${INPUTS}`,
    ],
    [
      'an input missing from action.yml',
      inputProblems,
      () => [README, action((copy) => delete copy.inputs['client-key'])],
      `input client-key: in ${INPUTS}, missing from action.yml`,
    ],
    [
      'an input listed twice in the README',
      inputProblems,
      () => [broken(README, /^(\| `timeout` .*)$/m, '$1\n$1'), ACTION],
      `input timeout: listed twice in ${INPUTS}`,
    ],
    [
      'a default that differs',
      inputProblems,
      () => [broken(README, '| `30m`   |', '| `20m`   |'), ACTION],
      `default of timeout: action.yml has "30m", ${INPUTS} shows \`20m\``,
    ],
    [
      'a default the README leaves out',
      inputProblems,
      () => [broken(README, '| `5s`    |', '|         |'), ACTION],
      `default of poll-interval: action.yml has "5s", ${INPUTS} shows none`,
    ],
    [
      'a default only the README has',
      inputProblems,
      () => [broken(README, /^(\| `db-name` +\| no +\|) +\|/m, '$1 `default` |'), ACTION],
      `default of db-name: action.yml has none, ${INPUTS} shows \`default\``,
    ],
    [
      'a default only action.yml has',
      inputProblems,
      () => [README, action((copy) => (input(copy, 'db-name').default = 'default'))],
      `default of db-name: action.yml has "default", ${INPUTS} shows none`,
    ],
    [
      'a default not in backticks',
      inputProblems,
      () => [broken(README, '| `v1`    |', '| v1      |'), ACTION],
      `default of api-version: action.yml has "v1", ${INPUTS} shows v1 (a default is one code span)`,
    ],
    [
      'a required input the README calls optional',
      inputProblems,
      () => [broken(README, /^(\| `api-key` +\| )yes/m, '$1no '), ACTION],
      `required api-key: action.yml has required: true, ${INPUTS} says "no"`,
    ],
    [
      'an optional input the README calls required',
      inputProblems,
      () => [README, action((copy) => (input(copy, 'api-key').required = false))],
      `required api-key: action.yml has required: false, ${INPUTS} says "yes"`,
    ],
    [
      'an output renamed in the README',
      outputProblems,
      () => [broken(README, '| `jobs`            |', '| `job`             |'), ACTION],
      `output jobs: in action.yml, missing from ${OUTPUTS}`,
    ],
    [
      'an output missing from action.yml',
      outputProblems,
      () => [README, action((copy) => delete copy.outputs['elapsed-seconds'])],
      `output elapsed-seconds: in ${OUTPUTS}, missing from action.yml`,
    ],
    [
      'a state left out of the README `state` row',
      stateProblems,
      () => [broken(README, '`failed`, `error`, ', '`failed`, '), ACTION],
      `state error: in ${SOURCE}, missing from ${STATE_ROW}`,
    ],
    [
      'a state renamed in the Outcomes table',
      stateProblems,
      () => [broken(README, /^\| `timed-out` /m, '| `timeout`   '), ACTION],
      `state timeout: in ${OUTCOMES}, missing from ${SOURCE}`,
    ],
    [
      'a state left out of action.yml',
      stateProblems,
      () => [README, stateDescribed('failed, error, ', 'failed, ')],
      `state error: in ${SOURCE}, missing from ${STATE_DESCRIPTION}`,
    ],
    [
      'a state only action.yml has',
      stateProblems,
      () => [README, stateDescribed('cancelled or timed-out.', 'cancelled, skipped or timed-out.')],
      `state skipped: in ${STATE_DESCRIPTION}, missing from ${SOURCE}`,
    ],
    [
      'the Outcomes table out of rank order',
      rankProblems,
      () => [broken(README, /^(\| `failed` .*)\n(\| `error` .*)$/m, '$2\n$1'), ACTION],
      `rank: ${OUTCOMES} lists error, failed, uncommitted`,
    ],
    [
      'action.yml out of rank order',
      rankProblems,
      () => [README, stateDescribed('cancelled or timed-out.', 'timed-out or cancelled.')],
      `rank: ${STATE_DESCRIPTION} lists failed, error, uncommitted, completed, timed-out, cancelled`,
    ],
  ]

  test.each(cases)('%s', (_, check, copies, expected) => {
    const problems = check(...copies())
    expect(problems).toEqual(expect.arrayContaining([expect.stringContaining(expected)]))
  })

  test('a missing section, and an action.yml state list in another form, say so', () => {
    expect(() => inputProblems(broken(README, '## Inputs', '## Settings'), ACTION)).toThrow(
      'the README has no "## Inputs" section',
    )
    expect(() => stateProblems(README, stateDescribed('one of: ', 'one of '))).toThrow(
      'does not list the states as "one of: a, b or c."',
    )
  })
})
