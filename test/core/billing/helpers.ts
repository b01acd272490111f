/**
 * Shared fixtures for the billing tests: a merchant DB on disk, agreements, and a publisher that
 * stands in for the homeserver (the real one is core/sealed + an HTTP PUT; here it records what
 * would be on the homeserver, which is what the assertions are about).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openMerchantDb } from '../../../electron/main/core/storage/schema'
import type { Database } from '../../../electron/main/core/storage/db'
import type { OutgoingRequest, RequestPublisher } from '../../../electron/main/core/billing/ports'
import type { AgreementMirror } from '../../../electron/main/core/billing/subscribers'
import { z32Encode } from '../../../electron/main/core/keys/z32'

export const DAY = 86_400_000
export const T0 = Date.UTC(2026, 0, 1)

export function keyOf(n: number): string {
  const b = new Uint8Array(32)
  new DataView(b.buffer).setUint32(0, n + 1)
  b[31] = 7
  return z32Encode(b)
}

export const MERCHANT = keyOf(1_000_000)

export function tempDb(): {
  db: Database
  path: string
  dir: string
  reopen: () => Database
  cleanup: () => void
} {
  const dir = mkdtempSync(join(tmpdir(), 'pos-billing-'))
  const path = join(dir, 'merchant.db')
  let db = openMerchantDb(path)
  return {
    get db() {
      return db
    },
    path,
    dir,
    reopen() {
      db.close()
      db = openMerchantDb(path)
      return db
    },
    cleanup() {
      db.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export function mirror(n: number, over: Partial<AgreementMirror> = {}): AgreementMirror {
  const id = `sub_${String(n).padStart(6, '0')}`
  const base: AgreementMirror = {
    subscriptionId: id,
    subscriber: keyOf(n),
    provider: MERCHANT,
    amount: '1000',
    currency: 'SAT',
    frequency: '"Daily"',
    method: 'lightning',
    description: `Plan ${n}`,
    maxAmountPerPeriod: null,
    metadata: '{}',
    createdAt: T0,
    startsAt: T0,
    endsAt: null,
    signedJson: `{"signed":"${id}"}`,
  }
  return {
    ...base,
    ...over,
    signedJson: over.signedJson ?? `{"signed":"${id}","amount":"${over.amount ?? '1000'}"}`,
  }
}

/** Stands in for the homeserver: what is stored at each request path, and every call made. */
export class RecordingPublisher implements RequestPublisher {
  readonly stored = new Map<string, OutgoingRequest>()
  readonly everPublished = new Set<string>()
  readonly removed = new Set<string>()
  publishCalls = 0
  removeCalls = 0
  /** Called before each publish with its 1-based call number; throw to simulate a failure. */
  beforePublish: ((call: number, request: OutgoingRequest) => void) | undefined
  /** Called after the PUT "landed"; throw (or close the DB) to simulate a crash after publishing. */
  afterPublish: ((call: number, request: OutgoingRequest) => void) | undefined

  async publish(request: OutgoingRequest): Promise<void> {
    const call = ++this.publishCalls
    this.beforePublish?.(call, request)
    await Promise.resolve()
    this.stored.set(request.requestId, { ...request, metadata: { ...request.metadata } })
    this.everPublished.add(request.requestId)
    this.afterPublish?.(call, request)
  }

  async remove(_recipient: string, requestId: string): Promise<void> {
    this.removeCalls++
    await Promise.resolve()
    this.stored.delete(requestId)
    this.removed.add(requestId)
  }
}

/**
 * Wraps a Database so that after `crash()` every call throws, as if the process had died at that
 * instruction; the test then closes and reopens the real file. (Calling a closed libsql handle
 * aborts the whole process, so the handle itself is closed only after the engine stopped.)
 */
export function crashable(db: Database): { db: Database; crash: () => void } {
  let crashed = false
  const proxy = new Proxy(db, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown
      if (typeof value !== 'function') {
        if (crashed) throw new Error('simulated crash: the process is gone')
        return value
      }
      return (...args: unknown[]) => {
        if (crashed) throw new Error('simulated crash: the process is gone')
        return (value as (...a: unknown[]) => unknown).apply(target, args)
      }
    },
  })
  return { db: proxy, crash: () => (crashed = true) }
}
