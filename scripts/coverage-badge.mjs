#!/usr/bin/env node
/**
 * Draws badges/coverage.svg from coverage/coverage-summary.json (jest's
 * json-summary reporter): the lower of line and branch coverage, since both are
 * gated. Offline on purpose: badge generators that fetch from a badge service
 * fail on runners without internet access.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { ROOT } from './run-action.mjs'

const summary = JSON.parse(
  readFileSync(path.join(ROOT, 'coverage', 'coverage-summary.json'), 'utf8'),
)
const percent = Math.min(summary.total.lines.pct, summary.total.branches.pct)
const color = percent >= 90 ? '#4c1' : percent >= 80 ? '#dfb317' : '#e05d44'
const value = `${percent.toFixed(1)}%`
const labelWidth = 63
const valueWidth = 8 + value.length * 7
const width = labelWidth + valueWidth

const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" role="img" aria-label="coverage: ${value}">
  <title>coverage: ${value}</title>
  <clipPath id="r"><rect width="${width}" height="20" rx="3" fill="#fff"/></clipPath>
  <g clip-path="url(#r)">
    <rect width="${labelWidth}" height="20" fill="#555"/>
    <rect x="${labelWidth}" width="${valueWidth}" height="20" fill="${color}"/>
  </g>
  <g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">
    <text x="${labelWidth / 2}" y="14">coverage</text>
    <text x="${labelWidth + valueWidth / 2}" y="14">${value}</text>
  </g>
</svg>
`
mkdirSync(path.join(ROOT, 'badges'), { recursive: true })
writeFileSync(path.join(ROOT, 'badges', 'coverage.svg'), svg)
console.log(
  `badges/coverage.svg: ${value} (lowest of lines ${summary.total.lines.pct}% and branches ${summary.total.branches.pct}%)`,
)
