// Loaded with --import by the scale benchmark: reports the process's peak RSS on exit.
process.on('exit', () => {
  process.stderr.write(`maxRSS_KiB=${process.resourceUsage().maxRSS}\n`)
})
