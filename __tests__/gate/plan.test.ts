import {
  abortReasonFor,
  abortTargets,
  autoCommittedJobs,
  commitTargets,
  gateActive,
} from '../../src/gate/plan.js'
import type { GateSettings } from '../../src/inputs.js'
import type { JobState, JobStatus, OutcomeState } from '../../src/job.js'
import { jobStatus } from '../helpers/gate.js'

const status = (jobId: string, state?: JobState, unknownState?: string): JobStatus =>
  jobStatus(jobId, state, unknownState === undefined ? {} : { job: { unknownState } })
const gate = (over: Partial<GateSettings> = {}): GateSettings => ({
  commit: false,
  abortOn: new Set(),
  ...over,
})

describe('gateActive', () => {
  test('only when an input asks: otherwise the action never writes', () => {
    expect(gateActive(gate())).toBe(false)
    expect(gateActive(gate({ commit: true }))).toBe(true)
    expect(gateActive(gate({ abortOn: new Set(['cancel']) }))).toBe(true)
    expect(gateActive(gate({ expectedRows: { count: 1, atLeast: true } }))).toBe(true)
  })
})

describe('abortReasonFor', () => {
  const all = gate({ abortOn: new Set(['cancel', 'timeout', 'failure']) })
  test.each<[OutcomeState, string | undefined]>([
    ['failed', 'failure'],
    ['timed-out', 'timeout'],
    ['cancelled', 'cancel'],
    ['error', undefined],
    ['completed', undefined],
    ['uncommitted', undefined],
  ])('%s -> %s when abort-on lists every reason', (state, reason) => {
    expect(abortReasonFor(state, all)).toBe(reason)
  })
  test('each reason only when listed', () => {
    expect(abortReasonFor('failed', gate({ abortOn: new Set(['timeout', 'cancel']) }))).toBe(
      undefined,
    )
    expect(abortReasonFor('timed-out', gate({ abortOn: new Set(['failure', 'cancel']) }))).toBe(
      undefined,
    )
    expect(abortReasonFor('cancelled', gate({ abortOn: new Set(['failure', 'timeout']) }))).toBe(
      undefined,
    )
  })
})

describe('abortTargets', () => {
  test('running and held jobs in known states; everything else left alone, with why', () => {
    expect(
      abortTargets([
        status('p', 'pending'),
        status('i', 'importing'),
        status('u', 'uncommitted'),
        status('never'),
        status('odd', 'importing', 'Rollbacking'),
        status('f', 'failed'),
        status('c', 'completed'),
        status('g', 'committing'),
      ]),
    ).toEqual({
      targets: ['p', 'i', 'u'],
      leftAlone: [
        { jobId: 'never', why: 'its state was never read' },
        { jobId: 'odd', why: 'its state "Rollbacking" is unknown' },
        { jobId: 'f', why: 'it failed: none of its data is visible' },
        { jobId: 'c', why: 'it completed: its data is visible' },
        { jobId: 'g', why: 'it is committing: its data becomes visible' },
      ],
    })
  })
})

describe('commit and auto-commit', () => {
  const statuses = [
    status('u1', 'uncommitted'),
    status('c', 'completed'),
    status('i', 'importing'),
    status('u2', 'uncommitted'),
    status('none'),
  ]
  test('commits go to the held jobs, in the order given', () => {
    expect(commitTargets(statuses)).toEqual(['u1', 'u2'])
  })
  test('a job seen Completed while the others were held was auto-committed', () => {
    expect(autoCommittedJobs(statuses)).toEqual(['c'])
  })
})
