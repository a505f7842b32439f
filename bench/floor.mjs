// The floor for the start-up benchmark: the least any such action must do, with no
// dependencies. One GET with node:http, one output line, one summary line.
import { appendFileSync } from 'node:fs'
import http from 'node:http'

const url = new URL(process.env.FLOOR_URL ?? '')
const headers = { authorization: `Bearer ${process.env['INPUT_API-KEY'] ?? ''}` }
http.get(url, { headers }, (res) => {
  /** @type {Buffer[]} */
  const chunks = []
  res.on('data', (/** @type {Buffer} */ chunk) => {
    chunks.push(chunk)
  })
  res.on('end', () => {
    /** @type {{ data: { readyPercentage: number } }} */
    const answer = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    const state = answer.data.readyPercentage >= 1 ? 'completed' : 'running'
    appendFileSync(process.env.GITHUB_OUTPUT ?? '', `state=${state}\n`)
    appendFileSync(process.env.GITHUB_STEP_SUMMARY ?? '', `Import ${state}\n`)
  })
})
