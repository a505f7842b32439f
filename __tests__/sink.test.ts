import { createGuard } from '../src/redact.js'
import { type RunnerLog, createSink, disarm } from '../src/sink.js'

/** A runner log that records what it was asked to write, by function. */
function recorder(debugOn = true) {
  const calls: [string, string, string?][] = []
  const runner: RunnerLog = {
    info: (message) => calls.push(['info', message]),
    warning: (message) => calls.push(['warning', message]),
    error: (message, properties) => calls.push(['error', message, properties?.title]),
    debug: (message) => calls.push(['debug', message]),
    isDebug: () => debugOn,
    setFailed: (message) => calls.push(['fail', message]),
  }
  return { runner, calls }
}

const BREAKS = ['\r', '\n', '\r\n', '\u0085', '\u2028', '\u2029', '\v', '\f']

describe('createSink: every line leaves as one printable line, the key guarded', () => {
  test.each(BREAKS.map((br) => [JSON.stringify(br), br]))(
    'a %s line break never starts a line of its own, at any level',
    (_name, br) => {
      const { runner, calls } = recorder()
      const sink = createSink(runner, (text) => text)
      const text = `x${br}::error::forged`
      sink.info(text)
      sink.warning(text)
      sink.error(text, `t${br}::warning::title`)
      sink.debug(() => text)
      sink.fail(text)
      expect(calls).toEqual([
        ['info', 'x ::error::forged'],
        ['warning', 'x ::error::forged'],
        ['error', 'x ::error::forged', 't ::warning::title'],
        ['debug', 'x ::error::forged'],
        ['fail', 'x ::error::forged'],
      ])
    },
  )

  test('the old ##[command] form is broken wherever it stands, and a line never starts with ::', () => {
    const { runner, calls } = recorder()
    const sink = createSink(runner, (text) => text)
    sink.info('x ##[stop-commands]t and ##[add-mask]k')
    sink.info('  ::add-mask::k')
    sink.info('::error::k')
    sink.error('##[error]m', '##[warning]t')
    const J = '\u2060'
    expect(calls).toEqual([
      ['info', `x #${J}#[stop-commands]t and #${J}#[add-mask]k`],
      ['info', `  ${J}::add-mask::k`],
      ['info', `${J}::error::k`],
      ['error', `#${J}#[error]m`, `#${J}#[warning]t`],
    ])
  })

  test('ordinary text, a lone # or : included, is left as it is', () => {
    expect(disarm('a # [b] ::c:: d#[e] 10:30')).toBe('a # [b] ::c:: d#[e] 10:30')
  })

  test('terminal escapes and control characters are stripped; text of nothing else says so', () => {
    const { runner, calls } = recorder()
    const sink = createSink(runner, (text) => text)
    sink.info('\u001b[31mred\u001b[0m\u0000 text')
    sink.info('\u001b[31m')
    expect(calls).toEqual([
      ['info', 'red text'],
      ['info', '(5 unprintable characters)'],
    ])
  })

  test('the guard runs on the finished line, so a key split by a control character is still found', () => {
    const { runner, calls } = recorder()
    const sink = createSink(runner, createGuard('secret-key-123'))
    sink.info('key secret-\u0007key-123 here')
    sink.error('secret-key-123', 'title secret-key-123')
    expect(calls).toEqual([
      ['info', 'key *** here'],
      ['error', '***', 'title ***'],
    ])
  })

  test('debug text is built only when debug logging is on', () => {
    const { runner, calls } = recorder(false)
    let built = 0
    createSink(runner, (text) => text).debug(() => {
      built += 1
      return 'expensive'
    })
    expect([built, calls]).toEqual([0, []])
  })
})
