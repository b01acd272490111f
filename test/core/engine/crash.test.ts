// Crash safety of receipt intake: a child process runs the listener + ledger, a payer hammers it
// with RequestReceipts over several sessions, and the child is SIGKILLed at a random moment. After
// every round the database (reopened, WAL recovered) must hold every receipt the payer got a
// ConfirmReceipt for — nothing acknowledged is lost — and never two receipts for one checkout.
// Acknowledged receipts from earlier rounds are replayed after each restart and must be answered
// from the stored record.
import { afterAll, describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { openMerchantDb } from '../../../electron/main/core/storage/schema'
import { fromHex, toHex } from '../../../electron/main/core/util/bytes'
import { systemRng } from '../../../electron/main/core/util/rng'
import type { Receipt } from '../../../electron/main/core/interactive/receipt'
import { connectPayer, newPayer, receiptFor, requestReceipt, type PayerConnection } from './payer'

// PAYKIT_CRASH_ROUNDS raises the count for the long-run soak (npm run soak); the suite runs 50.
const ROUNDS = Number(process.env['PAYKIT_CRASH_ROUNDS'] ?? 50)
const SESSIONS = 6
const dir = mkdtempSync(join(tmpdir(), 'pos-crash-'))
const dbPath = join(dir, 'merchant.db')
const child = fileURLToPath(new URL('./fixtures/crash-child.ts', import.meta.url))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface Ready {
  port: number
  noisePubkey: string
  merchant: string
  checkouts: string[]
}

function startChild(): Promise<{ proc: ChildProcess; ready: Ready }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, dbPath, '48'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let err = ''
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()))
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: proc.stdout! })
    rl.once('line', (line) => resolve({ proc, ready: JSON.parse(line) as Ready }))
    proc.once('exit', (code) => reject(new Error(`child exited early (${code}): ${err.slice(0, 2000)}`)))
  })
}

describe('receipt intake survives SIGKILL', () => {
  it(
    `loses no acknowledged receipt and duplicates none over ${ROUNDS} rounds`,
    { timeout: Math.max(600_000, ROUNDS * 12_000) },
    async () => {
      const payer = newPayer()
      const acked = new Map<string, { receipt: Receipt; endpoint: string }>()
      let totalAcked = 0
      let replayed = 0
      for (let round = 0; round < ROUNDS; round++) {
        const { proc, ready } = await startChild()
        const exited = new Promise<void>((r) => proc.once('exit', () => r()))
        const merchant = fromHex(ready.merchant)
        const to = { host: '127.0.0.1', port: ready.port, noisePubkey: ready.noisePubkey }
        const conns: PayerConnection[] = []
        try {
          // Replays of earlier acknowledgements are answered from the stored record.
          const first = await connectPayer(payer, to)
          conns.push(first)
          for (const [, a] of [...acked].slice(-3)) {
            const reply = await first.ask(requestReceipt(a.receipt, 'rust'))
            expect(reply.message.type).toBe('ConfirmReceipt')
            if (reply.message.type === 'ConfirmReceipt') {
              const md = reply.message.receipt.metadata as Record<string, unknown>
              expect(md['endpoint']).toBe(a.endpoint)
            }
            replayed++
          }
          for (let i = 1; i < SESSIONS; i++) conns.push(await connectPayer(payer, to))
        } catch (e) {
          proc.kill('SIGKILL')
          throw e
        }
        const queue = [...ready.checkouts]
        const hammer = conns.map(async (conn) => {
          for (;;) {
            const checkoutId = queue.shift()
            if (!checkoutId) return
            const receipt = receiptFor(payer, merchant, {
              receiptId: `rcpt_${round}_${toHex(systemRng(6))}`,
              methodId: 'onchain',
              amount: '1000',
              metadata: { checkout_id: checkoutId },
            })
            const reply = await conn.ask(requestReceipt(receipt, 'rust'), 2_000)
            if (reply.message.type === 'ConfirmReceipt') {
              const md = reply.message.receipt.metadata as Record<string, unknown>
              acked.set(receipt.receiptId, { receipt, endpoint: md['endpoint'] as string })
              totalAcked++
            } else throw new Error(`unexpected reply ${JSON.stringify(reply.message)}`)
          }
        })
        const killAfter = 5 + Math.floor(Math.random() * 60)
        await new Promise((r) => setTimeout(r, killAfter))
        proc.kill('SIGKILL')
        await Promise.allSettled(hammer)
        await exited
        for (const c of conns) c.close()

        const db = openMerchantDb(dbPath)
        try {
          const rows = db.all<{ receipt_id: string }>('SELECT receipt_id FROM receipts')
          const stored = new Set(rows.map((r) => r.receipt_id))
          const lost = [...acked.keys()].filter((id) => !stored.has(id))
          expect(lost).toEqual([])
          const dup = db.all(
            'SELECT checkout_id, COUNT(*) AS n FROM receipts GROUP BY checkout_id HAVING n > 1',
          )
          expect(dup).toEqual([])
        } finally {
          db.close()
        }
      }
      expect(totalAcked).toBeGreaterThan(ROUNDS)
      expect(replayed).toBeGreaterThan(0)
    },
  )
})
