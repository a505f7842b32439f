#!/usr/bin/env node
/**
 * Rewrites the module wrappers ncc (webpack) writes into dist/index.js, from
 * arrow functions to parenthesised function expressions. See build/README.md.
 *
 * Why: ncc puts the whole action (about 280 kB) inside one module function.
 * V8 compiles a function lazily: it skims it when it loads the file, then
 * parses it again in full when the function is first called, and for this one
 * function that second parse cost about 3.5 ms of every start. A function
 * expression in parentheses is V8's hint that it is called at once: V8 then
 * compiles it on the first pass, and the second parse goes away. Arrow
 * functions do not get that treatment, so the wrappers become functions.
 * Nothing in a wrapper uses `this` or `arguments`, so the two mean the same.
 *
 * Usage: node build/eager-compile.mjs dist/index.js (npm run build runs it).
 */
import { readFileSync, writeFileSync } from 'node:fs'

const file = process.argv[2] ?? 'dist/index.js'
const source = readFileSync(file, 'utf8')
/** webpack's wrapper line, e.g. "/***\/ ((module, __webpack_exports__, __nccwpck_require__) => {". */
const ARROW_WRAPPER = /^\/\*\*\*\/ \(\(([\w, ]*)\) => \{$/gm
let rewritten = 0
const output = source.replace(ARROW_WRAPPER, (_line, params) => {
  rewritten += 1
  return `/***/ (function (${params}) {`
})
if (rewritten === 0) {
  // A new ncc or webpack writes its wrappers differently: say so, rather than lose the gain quietly.
  console.error(`eager-compile: no webpack module wrapper found in ${file}; see build/README.md`)
  process.exit(1)
}
writeFileSync(file, output)
