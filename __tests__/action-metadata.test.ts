/**
 * action.yml is the action's public contract: it must declare exactly the
 * inputs the code reads, describe every input and output (with its default),
 * fit the Marketplace's limits, and agree with the README's tables.
 */
import { describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { parseSettings } from '../src/inputs.js'
import { outputValues } from '../src/report/outputs.js'
import { ROOT } from '../scripts/run-action.mjs'

interface Metadata {
  name: string
  description: string
  branding: { icon: string; color: string }
  inputs: Record<string, { description: string; required?: boolean; default?: string }>
  outputs: Record<string, { description: string }>
  runs: { using: string; main: string }
}

const metadata = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as Metadata
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8')

/** Every input name the code asks for, found by running parseSettings on valid inputs. */
function inputsReadByCode(): string[] {
  const asked = new Set<string>()
  const values: Record<string, string> = {
    'job-id': 'job-1',
    'cluster-id': 'in03-1',
    region: 'gcp-us-west1',
    'api-key': 'key-123456',
    'api-version': 'v2',
    'db-name': 'db',
  }
  parseSettings((name) => {
    asked.add(name)
    return values[name] ?? ''
  })
  return [...asked].sort()
}

describe('action.yml', () => {
  test('runs the bundle on node24, with Marketplace name, branding and a short description', () => {
    expect(metadata.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
    expect(metadata.name).toBeTruthy()
    expect(metadata.description.length).toBeLessThan(125)
    expect(metadata.branding.icon).toBeTruthy()
    expect(metadata.branding.color).toBeTruthy()
  })

  test('declares exactly the inputs the code reads', () => {
    expect(Object.keys(metadata.inputs).sort()).toEqual(inputsReadByCode())
  })

  test('declares exactly the outputs the action sets', () => {
    const { values } = outputValues({ state: 'completed', jobs: [], elapsedMs: 0 })
    expect(Object.keys(metadata.outputs).sort()).toEqual(Object.keys(values).sort())
  })

  test('describes every input, and states each default in its description', () => {
    for (const [name, input] of Object.entries(metadata.inputs)) {
      expect([name, input.description.length > 20]).toEqual([name, true])
      if (input.default !== undefined) {
        expect([name, input.description]).toEqual([
          name,
          expect.stringContaining(`efault ${input.default}`),
        ])
      }
    }
    for (const [name, output] of Object.entries(metadata.outputs)) {
      expect([name, output.description.length > 20]).toEqual([name, true])
    }
  })

  test('the README tables list every input (with its default) and every output', () => {
    for (const [name, input] of Object.entries(metadata.inputs)) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${name}\``))
      expect([name, row]).toEqual([name, expect.any(String)])
      if (input.default !== undefined) expect(row).toContain(`\`${input.default}\``)
    }
    for (const name of Object.keys(metadata.outputs)) {
      expect([name, readme.includes(`| \`${name}\``)]).toEqual([name, true])
    }
  })
})
