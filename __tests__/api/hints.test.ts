import { refusalKind } from '../../src/api/hints.js'
import { apiUrl } from '../../src/api/url.js'

describe('refusalKind: what a refusal points at', () => {
  test.each([
    [80001, 'Invalid token: Your token is not valid.', 'key'],
    [1800, "user hasn't authenticated", 'key'],
    [200, 'The token is illegal.', 'key'],
    [21119, 'The apikey is illegal.', 'key'],
    [1, 'wrong API-key', 'key'],
    [1, 'bad credentials', 'key'],
    [1, 'password mismatch', 'key'],
    [2100, 'import job does not exist, jobID=1: importing data failed', 'unknown-job'],
    [2100, 'parse job id failed', 'unknown-job'],
    [1, 'job not found', 'unknown-job'],
    [1, "job doesn't exist", 'unknown-job'],
    [1, 'job doesnt exist', 'unknown-job'],
    [1, 'job does not exist', 'unknown-job'],
    [1, 'unknown job', 'unknown-job'],
    [1, 'invalid jobId', 'unknown-job'],
    [1, 'job is running', 'other'],
    [1, 'not found', 'other'],
    [1, 'cluster in03-x is stopped', 'cluster'],
    [1, 'database not found: analytics', 'database'],
    [1, 'internal error', 'other'],
    [100, 'collection not found[database=default][collection=books]', 'collection'],
    [100, 'anything', 'collection'],
    [1, 'collection books not found', 'collection'],
    [1, 'collection books does not exist', 'collection'],
    [1, "collection books doesn't exist", 'collection'],
    [1, 'collection books doesnt exist', 'collection'],
    [1, 'collection books dont exist', 'other'],
    [1, 'collection books is loading', 'other'],
  ])('code %d, %j: %s', (code, message, kind) => {
    expect(refusalKind(code, message)).toBe(kind)
  })
})

describe('apiUrl', () => {
  test.each([
    ['https://h.example.com', 'https://h.example.com/v1/x'],
    ['https://h.example.com/', 'https://h.example.com/v1/x'],
    ['https://h.example.com/prefix', 'https://h.example.com/prefix/v1/x'],
    ['https://h.example.com/prefix//', 'https://h.example.com/prefix/v1/x'],
  ])('%s + /v1/x = %s', (base, expected) => {
    expect(apiUrl(new URL(base), '/v1/x').href).toBe(expected)
  })
})
