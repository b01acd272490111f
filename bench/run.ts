/**
 * `npm run bench [-- --quick] [-- group...]`: runs every bench/*.bench.ts module in this one
 * process, prints a Markdown table (the README's performance section is pasted from it) and writes
 * test-artifacts/bench.json. Exits non-zero when a target is missed.
 */
import { readdirSync, mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { join } from 'node:path'
import type { BenchModule, BenchRow } from './types'

const here = fileURLToPath(new URL('.', import.meta.url))
const args = process.argv.slice(2)
const quick = args.includes('--quick')
const only = args.filter((a) => !a.startsWith('--'))

const fmt = (n: number): string =>
  n >= 1000 ? Math.round(n).toLocaleString('en-US') : n >= 10 ? n.toFixed(1) : n.toFixed(2)

async function main(): Promise<void> {
  const files = readdirSync(here)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
    .sort()
  const rows: BenchRow[] = []
  for (const f of files) {
    console.error(`[bench] ${f}`)
    try {
      const mod = (await import(pathToFileURL(join(here, f)).href)) as BenchModule
      rows.push(...(await mod.run({ quick })))
    } catch (e) {
      // One broken module must not discard every other module's measurements; it shows as a miss.
      console.error(`[bench] ${f} failed:`, e)
      rows.push({
        group: f.replace('.bench.ts', ''),
        metric: `FAILED: ${(e as Error).message}`,
        value: 0,
        unit: '',
        met: false,
      })
    }
  }
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'cpu'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`
  const date = new Date().toISOString().slice(0, 10)
  const lines = [
    `Measured ${date} on ${machine}${quick ? ' (quick run)' : ''}.`,
    '',
    '| group | metric | ours | baseline | ratio | target | met |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.group} | ${r.metric} | ${fmt(r.value)} ${r.unit} | ${r.baseline ? `${r.baseline.name}: ${fmt(r.baseline.value)} ${r.unit}` : ''} | ${r.ratio !== undefined ? `${r.ratio.toFixed(2)}x` : ''} | ${r.target ?? ''} | ${r.met === undefined ? '' : r.met ? 'yes' : '**no**'} |`,
    ),
  ]
  console.log(lines.join('\n'))
  mkdirSync('test-artifacts', { recursive: true })
  writeFileSync('test-artifacts/bench.json', JSON.stringify({ date, machine, quick, rows }, null, 2))
  if (rows.some((r) => r.met === false)) process.exitCode = 1
}

await main()
