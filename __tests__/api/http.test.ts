import {
  describeSystemError,
  networkFault,
  proxyConnectFault,
  requestIdNote,
  statusFault,
} from '../../src/api/faults.js'
import { decodeBody } from '../../src/api/http.js'
import { PermanentError, TransientError } from '../../src/errors.js'
import { promisify } from 'node:util'
import * as zlib from 'node:zlib'

const url = new URL('https://controller.api.gcp-us-wset1.zillizcloud.com')
const fault = (code: string, message = `getaddrinfo ${code}`): Error =>
  Object.assign(new Error(message), { code })

describe('networkFault', () => {
  test('ENOTFOUND: permanent, the host cannot be resolved, check region/endpoint', () => {
    const error = networkFault(fault('ENOTFOUND'), url)
    expect(error).toBeInstanceOf(PermanentError)
    expect(error.message).toBe(
      'cannot resolve controller.api.gcp-us-wset1.zillizcloud.com (ENOTFOUND: getaddrinfo ENOTFOUND); check the "region" or "endpoint" input',
    )
  })

  test.each([
    'CERT_HAS_EXPIRED',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'ERR_TLS_CERT_ALTNAME_INVALID',
  ])('%s: permanent, naming NODE_EXTRA_CA_CERTS for corporate CAs', (code) => {
    const error = networkFault(fault(code, 'certificate trouble'), url)
    expect(error).toBeInstanceOf(PermanentError)
    expect(error.message).toMatch(
      new RegExp(
        `^the TLS certificate of controller\\.api\\.gcp-us-wset1\\.zillizcloud\\.com was not accepted \\(${code}: certificate trouble\\)\\. .*NODE_EXTRA_CA_CERTS`,
      ),
    )
  })

  test.each([
    [
      'Node 20',
      'EPROTO',
      'write EPROTO 80EC41C9BC7F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:\n',
    ],
    [
      'Node 22+',
      'ERR_SSL_WRONG_VERSION_NUMBER',
      'C0A7:error:0A00010B:SSL routines::wrong version number:../deps/openssl/openssl/ssl/record/methods/tlsany_meth.c:80:\n',
    ],
  ])(
    'plain HTTP on an https:// URL (%s): permanent, scheme or port, no OpenSSL internals',
    (_node, code, message) => {
      const error = networkFault(fault(code, message), url)
      expect(error).toBeInstanceOf(PermanentError)
      expect(error.message).toMatch(/did not answer in TLS.*the endpoint's scheme or port is wrong/)
      expect(error.message).not.toMatch(/\n|ssl3|deps|0A00010B|routines/)
    },
  )

  test.each(['ECONNRESET', 'ECONNREFUSED', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE', 'EPROTO'])(
    '%s is transient',
    (code) => {
      expect(networkFault(fault(code), url)).toBeInstanceOf(TransientError)
    },
  )

  describe('TLS alerts from the server are permanent, saying what it wants', () => {
    const host = 'controller.api.gcp-us-wset1.zillizcloud.com'
    test.each([
      [
        'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
        false,
        `${host} requires a client certificate (mutual TLS; TLS alert "certificate required"): pass it in the "client-cert" and "client-key" inputs`,
      ],
      [
        'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
        true,
        `${host} requires a client certificate and did not get one it takes (TLS alert "certificate required"): check the "client-cert" and "client-key" inputs`,
      ],
      [
        'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
        false,
        `${host} refused the TLS handshake (TLS alert "handshake failure"): it may require a client certificate (the "client-cert" and "client-key" inputs), or TLS settings this runner does not offer`,
      ],
      [
        'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
        true,
        `${host} refused the TLS handshake (TLS alert "handshake failure"): check the "client-cert" and "client-key" inputs`,
      ],
      [
        'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
        true,
        `${host} refused the client certificate (TLS alert "bad certificate"): check that "client-cert" is current, signed by a CA the server trusts, and matches "client-key"`,
      ],
      [
        'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
        true,
        `${host} refused the client certificate (TLS alert "unknown ca"): check that "client-cert" is current, signed by a CA the server trusts, and matches "client-key"`,
      ],
      [
        'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
        false,
        `${host} ended the TLS session with TLS alert "unknown ca"`,
      ],
      [
        'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
        true,
        `${host} ended the TLS session with TLS alert "protocol version"`,
      ],
    ])('%s (client certificate offered: %p)', (code, withClientCert, message) => {
      const error = networkFault(fault(code, 'ssl3_read_bytes:alert'), url, withClientCert)
      expect(error).toBeInstanceOf(PermanentError)
      expect(error.message).toBe(message)
    })

    test('"unrecognized name" (SNI): the host name is not served there', () => {
      const error = networkFault(fault('ERR_SSL_TLSV1_UNRECOGNIZED_NAME', 'x'), url)
      expect(error).toBeInstanceOf(PermanentError)
      expect(error.message).toBe(
        `${host} does not serve that host name (TLS alert "unrecognized name"): check the "region" or "endpoint" input`,
      )
    })

    test('"internal error" is passing trouble on the other side: transient', () => {
      const error = networkFault(fault('ERR_SSL_TLSV1_ALERT_INTERNAL_ERROR', 'x'), url, true)
      expect(error).toBeInstanceOf(TransientError)
    })

    test.each(['X_ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA9'])(
      'a code that only contains an alert (%s) is not one',
      (code) => {
        expect(networkFault(fault(code), url, true)).toBeInstanceOf(TransientError)
      },
    )

    test('an SSL error that is not an alert is not read as one', () => {
      expect(networkFault(fault('ERR_SSL_ALERTED_SOMETHING'), url, true)).toBeInstanceOf(
        TransientError,
      )
    })
  })

  test('a reset without a client certificate says nothing of certificates', () => {
    expect(networkFault(fault('ECONNRESET', 'socket hang up'), url).message).toBe(
      'network error talking to controller.api.gcp-us-wset1.zillizcloud.com (ECONNRESET: socket hang up)',
    )
  })

  test('a reset with a client certificate offered says the certificate may be why', () => {
    const error = networkFault(fault('ECONNRESET', 'socket hang up'), url, true)
    expect(error).toBeInstanceOf(TransientError)
    expect(error.message).toBe(
      'network error talking to controller.api.gcp-us-wset1.zillizcloud.com (ECONNRESET: socket hang up); a client certificate was offered, and a server that does not accept it may close the connection like this',
    )
    expect(networkFault(fault('ECONNREFUSED', 'refused'), url, true).message).not.toMatch(
      /client certificate/,
    )
  })

  test('an HTTP parser error is permanent; a header overflow names the bound', () => {
    const overflow = networkFault(fault('HPE_HEADER_OVERFLOW', 'Header overflow'), url)
    expect(overflow).toBeInstanceOf(PermanentError)
    expect(overflow.message).toMatch(/has more than 128 KiB of headers \(HPE_HEADER_OVERFLOW\)/)
    const garbage = networkFault(fault('HPE_INVALID_CONSTANT', 'Expected HTTP/'), url)
    expect(garbage).toBeInstanceOf(PermanentError)
    expect(garbage.message).toBe(
      'the answer from controller.api.gcp-us-wset1.zillizcloud.com is not valid HTTP (HPE_INVALID_CONSTANT: Expected HTTP/): a gateway or proxy on the way may be mangling it',
    )
  })

  test('an error without a code is transient and still described', () => {
    const error = networkFault(new Error('socket hang up'), url)
    expect(error).toBeInstanceOf(TransientError)
    expect(error.message).toBe(
      'network error talking to controller.api.gcp-us-wset1.zillizcloud.com (socket hang up)',
    )
  })

  test('a multi-line error is described on its first line only', () => {
    expect(describeSystemError(fault('EX', 'first\nsecond'))).toBe('EX: first')
  })

  test('a network error that merely mentions an "http request" is not a TLS verdict', () => {
    const error = networkFault(fault('ECONNRESET', 'socket closed during the http request'), url)
    expect(error).toBeInstanceOf(TransientError)
  })
})

describe('describeSystemError', () => {
  test.each([
    [
      'Node 20',
      'EPROTO',
      'write EPROTO 80EC41C9BC7F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:',
      'EPROTO: wrong version number',
    ],
    [
      'Node 22+',
      'ERR_SSL_WRONG_VERSION_NUMBER',
      'C0A7:error:0A00010B:SSL routines::wrong version number:../deps/openssl/openssl/ssl/record/methods/tlsany_meth.c:80:',
      'ERR_SSL_WRONG_VERSION_NUMBER: wrong version number',
    ],
    [
      'no prefix',
      'ERR_SSL_PACKET_LENGTH_TOO_LONG',
      'error:0A0000C6:SSL routines::packet length too long:ssl/record/methods/tls_common.c:650:',
      'ERR_SSL_PACKET_LENGTH_TOO_LONG: packet length too long',
    ],
  ])('an OpenSSL message (%s) is cut down to its reason', (_form, code, message, expected) => {
    expect(describeSystemError(fault(code, message))).toBe(expected)
  })

  test('a message that starts with its code is not prefixed twice', () => {
    expect(describeSystemError(fault('ECONNRESET', 'ECONNRESET by peer'))).toBe(
      'ECONNRESET by peer',
    )
  })
})

describe('proxyConnectFault', () => {
  test('a proxy host that does not resolve: permanent, check https_proxy', () => {
    const error = proxyConnectFault(fault('ENOTFOUND'), 'proxy.corp.example:3128')
    expect(error).toBeInstanceOf(PermanentError)
    expect(error.message).toBe(
      'cannot connect to the proxy proxy.corp.example:3128 set by https_proxy (ENOTFOUND: getaddrinfo ENOTFOUND); check the https_proxy variable',
    )
  })

  test('a proxy certificate not trusted: permanent, naming NODE_EXTRA_CA_CERTS', () => {
    const error = proxyConnectFault(fault('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed'), 'p:443')
    expect(error).toBeInstanceOf(PermanentError)
    expect(error.message).toMatch(/^cannot connect to the proxy p:443 .*NODE_EXTRA_CA_CERTS/)
  })

  test.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT'])('%s: transient', (code) => {
    expect(proxyConnectFault(fault(code), 'p:3128')).toBeInstanceOf(TransientError)
  })

  test("a TLS alert from an https:// proxy is the proxy's decision: permanent", () => {
    const error = proxyConnectFault(fault('ERR_SSL_TLSV1_ALERT_ACCESS_DENIED', 'denied'), 'p:443')
    expect(error).toBeInstanceOf(PermanentError)
    expect(error.message).toBe(
      'cannot connect to the proxy p:443 set by https_proxy (ERR_SSL_TLSV1_ALERT_ACCESS_DENIED: denied)',
    )
  })
})

describe('statusFault', () => {
  const answer = (status: number, statusText = '') => ({ status, statusText, headers: {} })
  const verdict = (status: number, detail = '', statusText = '') =>
    statusFault(answer(status, statusText), url, 0, detail)

  test.each([408, 429, 500, 503, 599])('%i: transient, and the host answered', (status) => {
    const error = verdict(status)
    expect(error).toBeInstanceOf(TransientError)
    expect((error as TransientError).answered).toBe(`HTTP ${status}`)
  })

  test.each([200, 204, 299])('%i is no fault', (status) => {
    expect(verdict(status)).toBeUndefined()
  })

  test.each([300, 301, 399])('%i is a redirect, refused: permanent', (status) => {
    const error = verdict(status)
    expect(error).toBeInstanceOf(PermanentError)
    expect(error?.message).toMatch(/\(a redirect to elsewhere\)\. Redirects are not followed/)
  })

  test.each([199, 400, 418])('%i is permanent and no redirect', (status) => {
    const error = verdict(status)
    expect(error).toBeInstanceOf(PermanentError)
    expect(error?.message).not.toMatch(/redirect/)
  })

  test('the detail follows a colon only when there is one', () => {
    expect(verdict(418)?.message).toBe('HTTP 418 from controller.api.gcp-us-wset1.zillizcloud.com')
    expect(verdict(418, 'code 7', "I'm a teapot")?.message).toBe(
      "HTTP 418 I'm a teapot from controller.api.gcp-us-wset1.zillizcloud.com: code 7",
    )
  })
})

describe('requestIdNote', () => {
  test.each([
    ['requestid', 'abc-123'],
    ['x-request-id', 'f00d'],
    ['x-zilliz-request-id', 'z-9'],
    ['x-amzn-requestid', '1b2c'],
    ['x-trace-id', 't.1'],
    ['x-traceid', 't.2'],
  ])('quotes %s', (name, id) => {
    expect(requestIdNote({ [name]: id })).toBe(` (${name}: ${id})`)
  })
  test('ignores other headers, and IDs that are not tokens', () => {
    expect(requestIdNote({ 'content-type': 'application/json' })).toBe('')
    expect(requestIdNote({ 'x-request-id': 'a\u001b[31mred' })).toBe('')
    expect(requestIdNote({ 'x-request-id': 'x'.repeat(200) })).toBe('')
  })
})

describe('decodeBody', () => {
  const text = JSON.stringify({ code: 200, data: { readyPercentage: 0.5 } })
  const gzip = promisify(zlib.gzip)
  const deflate = promisify(zlib.deflate)
  const deflateRaw = promisify(zlib.deflateRaw)
  const brotli = promisify(zlib.brotliCompress)

  test.each([
    ['gzip', 'gzip', gzip],
    ['x-gzip', 'x-gzip', gzip],
    ['deflate, zlib-wrapped', 'deflate', deflate],
    ['deflate, raw', 'deflate', deflateRaw],
    ['br', 'br', brotli],
    ['GZIP', 'GZIP', gzip],
  ])('%s is decoded', async (_name, encoding, encode) => {
    expect(await decodeBody(await encode(Buffer.from(text)), encoding, 1_000_000)).toBe(text)
  })

  test('raw deflate whose first two bytes happen to pass the zlib header checksum is still raw', async () => {
    // The zlib header is told by its method nibble (8) and its checksum together, not either alone.
    let raw = Buffer.alloc(0)
    let payload = ''
    for (let n = 0; n < 2_000; n++) {
      payload = `${n}${text}`
      raw = await deflateRaw(Buffer.from(payload))
      const [first = 0, second = 0] = raw
      if (((first << 8) | second) % 31 === 0 && (first & 0x0f) !== 8) break
    }
    const [first = 0, second = 0] = raw
    expect(((first << 8) | second) % 31).toBe(0)
    expect(await decodeBody(raw, 'deflate', 1_000_000)).toBe(payload)
  })

  test('an empty body is empty whatever its declared encoding', async () => {
    expect(await decodeBody(Buffer.alloc(0), 'gzip', 1_000)).toBe('')
    expect(await decodeBody(Buffer.alloc(0), 'br, deflate', 1_000)).toBe('')
  })

  test('identity, none and stacked codings', async () => {
    expect(await decodeBody(Buffer.from(text), undefined, 1_000)).toBe(text)
    expect(await decodeBody(Buffer.from(text), 'identity', 1_000)).toBe(text)
    const stacked = await brotli(await gzip(Buffer.from(text)))
    expect(await decodeBody(stacked, 'gzip, br', 1_000)).toBe(text)
  })

  test('an unknown encoding is a clear permanent error', async () => {
    const error = await decodeBody(Buffer.from('\u0028\u00b5\u002f\u00fd'), 'zstd', 1_000).catch(
      (e: unknown) => e as Error,
    )
    expect(error).toBeInstanceOf(PermanentError)
    expect((error as Error).message).toMatch(/encoded as "zstd", which this action cannot decode/)
  })

  test('a body that is not what its encoding says is a transient error', async () => {
    const error = await decodeBody(Buffer.from(text), 'gzip', 1_000).catch(
      (e: unknown) => e as Error,
    )
    expect(error).toBeInstanceOf(TransientError)
    expect((error as Error).message).toMatch(/said it was gzip-encoded but could not be decoded/)
    // The host did answer: only its body was broken.
    expect(error).toMatchObject({ answered: 'answers that could not be decoded' })
  })

  test('the decoded size is capped too: a compression bomb is refused', async () => {
    const bomb = await gzip(Buffer.alloc(10_000_000, 0x20))
    expect(bomb.length).toBeLessThan(20_000)
    const error = await decodeBody(bomb, 'gzip', 1_000_000).catch((e: unknown) => e as Error)
    expect(error).toBeInstanceOf(PermanentError)
    expect((error as Error).message).toMatch(/larger than/)
  })
})
