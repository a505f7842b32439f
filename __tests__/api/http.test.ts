import { networkFault } from '../../src/api/http.js'
import { PermanentError, TransientError } from '../../src/errors.js'

const url = new URL('https://controller.api.gcp-us-wset1.zillizcloud.com')
const fault = (code: string): Error => Object.assign(new Error(`getaddrinfo ${code}`), { code })

describe('networkFault', () => {
  test.each([
    'ENOTFOUND',
    'CERT_HAS_EXPIRED',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'ERR_TLS_CERT_ALTNAME_INVALID',
  ])('%s means a wrong host or certificate: permanent, pointing at region/endpoint', (code) => {
    const error = networkFault(fault(code), url)
    expect(error).toBeInstanceOf(PermanentError)
    expect(error.message).toBe(
      `cannot reach controller.api.gcp-us-wset1.zillizcloud.com (${code}: getaddrinfo ${code}); check the "region" or "endpoint" input`,
    )
  })
  test.each(['ECONNRESET', 'ECONNREFUSED', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE'])(
    '%s is transient',
    (code) => {
      expect(networkFault(fault(code), url)).toBeInstanceOf(TransientError)
    },
  )
  test('an error without a code is transient and still described', () => {
    const error = networkFault(new Error('socket hang up'), url)
    expect(error).toBeInstanceOf(TransientError)
    expect(error.message).toBe(
      'network error talking to controller.api.gcp-us-wset1.zillizcloud.com (socket hang up)',
    )
  })
})
