/**
 * The one way out to the runner's log. Every line the action writes (info,
 * warning, error, debug, annotation titles and the failure message) leaves
 * through here as one printable line: line breaks of every kind flattened,
 * terminal escapes and control characters stripped, then the key guard. The
 * runner reads each line of stdout as a possible workflow command, so text a
 * server sent must never start a line of its own ("::add-mask::",
 * "::stop-commands::" and the rest). The runner also still reads the old
 * "##[command]" form anywhere in a line, and trims a line before it looks for
 * "::": both are broken with an invisible word joiner (U+2060), so the text
 * reads the same. ESLint refuses @actions/core's log functions anywhere else
 * (eslint.config.js).
 */
import type { Redact } from './redact.js'
import { printable } from './text.js'

/** The log functions of @actions/core this sink writes with (main.ts passes core itself). */
export interface RunnerLog {
  info(message: string): void
  warning(message: string, properties?: { title?: string }): void
  error(message: string, properties?: { title?: string }): void
  debug(message: string): void
  isDebug(): boolean
  setFailed(message: string): void
}

export interface Sink {
  info(text: string): void
  /** A warning annotation (main.ts keeps count of GitHub's ten per step). */
  warning(text: string): void
  /** An error annotation, titled. */
  error(text: string, title: string): void
  /** Built only when debug logging is on. */
  debug(text: () => string): void
  /** The step fails with this message (an error annotation). */
  fail(text: string): void
}

const WORD_JOINER = '\u2060'

/** No workflow command can start in this text: see the module comment. */
export function disarm(text: string): string {
  return text.replace(/##\[/g, `#${WORD_JOINER}#[`).replace(/^(\s*)::/, `$1${WORD_JOINER}::`)
}

export function createSink(runner: RunnerLog, guard: Redact): Sink {
  const line = (text: string): string => disarm(guard(printable(text)))
  return {
    info: (text) => {
      runner.info(line(text))
    },
    warning: (text) => {
      runner.warning(line(text))
    },
    error: (text, title) => {
      runner.error(line(text), { title: line(title) })
    },
    debug: (text) => {
      if (runner.isDebug()) runner.debug(line(text()))
    },
    fail: (text) => {
      runner.setFailed(line(text))
    },
  }
}
