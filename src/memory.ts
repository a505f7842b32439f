/**
 * Keeps V8's young generation at its starting size once a run turns out large.
 *
 * A large run (200 jobs of 1,000 files) keeps every job's file records until
 * the summary is written. While objects keep surviving, V8 grows its young
 * generation, two semi-spaces, up to 16 MiB each, and those 32 MiB stay
 * resident to the end: a quarter of the peak RSS (docs/benchmarks.md, "Scale").
 * A growth factor of 1 keeps each semi-space at its first size (1 MiB); the
 * cost is smaller, more frequent scavenges, which a poller waiting on a 5
 * requests/s cap does not notice. An action cannot pass --max-semi-space-size
 * (Node reads it only at start), but V8 reads the growth factor each time it
 * would grow, and Node supports setting flags at run time (v8.setFlagsFromString).
 *
 * Loading node:v8 costs about 1 ms, so a small run never loads it: the switch is
 * made once the answers have carried LARGE_RUN_FILES file records.
 */

/** File records seen (over every answer) that make a run large. */
export const LARGE_RUN_FILES = 1_000

export const KEEP_YOUNG_GENERATION_SMALL = '--semi-space-growth-factor=1'

/** Sets V8 flags in this process (injected, so tests see the call without changing their own heap). */
export type SetV8Flags = (flags: string) => Promise<void>

export const setV8Flags: SetV8Flags = async (flags) => {
  const v8 = await import('node:v8')
  v8.setFlagsFromString(flags)
}

/**
 * A counter to call with the number of file records in each answer: the first
 * call that brings the total to LARGE_RUN_FILES sets the flag, once.
 */
export function youngGenerationGuard(setFlags: SetV8Flags = setV8Flags): (files: number) => void {
  let seen = 0
  return (files) => {
    const before = seen
    seen += files
    if (before < LARGE_RUN_FILES && seen >= LARGE_RUN_FILES) {
      // Memory tuning is never worth failing a run for: a Node that refuses the flag only uses more memory.
      setFlags(KEEP_YOUNG_GENERATION_SMALL).catch(() => undefined)
    }
  }
}
