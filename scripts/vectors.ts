/**
 * `npm run vectors -- FILE` (= `tsx scripts/vectors.ts FILE`): runs every vector of a cacophony-format
 * Noise JSON file through both crypto providers. Prints one line per failing (and skipped) vector,
 * then `N passed, N failed, N skipped`; exits non-zero on any failure or when nothing ran.
 */
import { readFileSync } from 'node:fs'
import { providers } from '../electron/main/core/crypto'
import { formatReport, runCacophony } from '../electron/main/core/noise/cacophony'

const file = process.argv.slice(2).find((a) => !a.startsWith('--'))
if (!file) {
  console.error('usage: npx tsx scripts/vectors.ts FILE.json   (a cacophony-format Noise vector file)')
  process.exit(2)
}
let parsed: unknown
try {
  parsed = JSON.parse(readFileSync(file, 'utf8'))
} catch (e) {
  console.error(`cannot read ${file} as JSON: ${(e as Error).message}`)
  process.exit(2)
}
const all = providers()
console.log(`providers: ${all.map((p) => p.name).join(', ')}`)
const report = runCacophony(parsed, all)
for (const line of formatReport(report)) console.log(line)
if (report.failed > 0 || report.passed === 0) process.exitCode = 1
