import { describe, expect, test } from '@jest/globals'
import { randomUUID } from 'node:crypto'
import { runInNewContext } from 'node:vm'
import {
  KEEP_YOUNG_GENERATION_SMALL,
  LARGE_RUN_FILES,
  setV8Flags,
  youngGenerationGuard,
} from '../src/memory.js'

function recorder(): { calls: string[]; setFlags: (flags: string) => Promise<void> } {
  const calls: string[] = []
  return {
    calls,
    setFlags: (flags) => {
      calls.push(flags)
      return Promise.resolve()
    },
  }
}

describe('youngGenerationGuard', () => {
  test('a small run never sets a flag (node:v8 is not even loaded)', () => {
    const { calls, setFlags } = recorder()
    const count = youngGenerationGuard(setFlags)
    count(LARGE_RUN_FILES - 1)
    count(0)
    expect(calls).toEqual([])
  })

  test('the answer that brings the total to the threshold sets the flag, once', () => {
    const { calls, setFlags } = recorder()
    const count = youngGenerationGuard(setFlags)
    count(LARGE_RUN_FILES - 10)
    expect(calls).toEqual([])
    count(10)
    expect(calls).toEqual([KEEP_YOUNG_GENERATION_SMALL])
    count(LARGE_RUN_FILES)
    count(1)
    expect(calls).toEqual([KEEP_YOUNG_GENERATION_SMALL])
  })

  test('one answer past the threshold at once sets it too', () => {
    const { calls, setFlags } = recorder()
    youngGenerationGuard(setFlags)(LARGE_RUN_FILES * 3)
    expect(calls).toEqual(['--semi-space-growth-factor=1'])
  })

  test('a setter that fails costs nothing: no throw, no unhandled rejection', async () => {
    const unhandled: unknown[] = []
    const listener = (reason: unknown): void => {
      unhandled.push(reason)
    }
    process.on('unhandledRejection', listener)
    try {
      const count = youngGenerationGuard(() => Promise.reject(new Error('flags are frozen')))
      expect(() => {
        count(LARGE_RUN_FILES)
      }).not.toThrow()
      await new Promise((resolve) => setImmediate(resolve))
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', listener)
    }
  })
})

describe('setV8Flags', () => {
  test('sets a flag in this process (seen through one that changes what parses)', async () => {
    // V8 parses %-calls only with --allow-natives-syntax.
    // A source never compiled before: V8 caches what it compiled, in this process and a run before.
    const natives = (): unknown => runInNewContext(`%IsSmi(1) // ${randomUUID()}`)
    expect(natives).toThrow(/Unexpected token '%'/)
    await setV8Flags('--allow-natives-syntax')
    try {
      expect(natives()).toBe(true)
    } finally {
      await setV8Flags('--no-allow-natives-syntax')
    }
    expect(natives).toThrow(/Unexpected token '%'/)
  })
})
