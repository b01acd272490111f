/**
 * @module subscriptions/flow/nonce-store
 * Replay protection for subscription signatures, persisted (the reference's `NonceStore` is an
 * in-memory HashMap, so a restart forgets every nonce: paykit-protocol.md §6.5, §11).
 *
 * Each nonce is stored with the *context* it was first seen in (which record, fingerprinted by its
 * signatures). Seeing the same nonce again in the same context is just the same record read on the
 * next poll; seeing it in another context is a replay. `recordNonces` turns that into a verdict and
 * only writes when no nonce is a replay, so a rejected record leaves no trace.
 *
 * `FileNonceStore` is the implementation: an append-only JSON-lines file, fsynced per append, loaded
 * on open (a torn last line from a crash is skipped). Entries for agreements are kept forever
 * (`expiresAtMs: null`): an agreement's signatures stay verifiable after their 7-day expiry, so its
 * nonces must stay remembered too. A database-backed store implements the same two-method port.
 */
import {
  appendFileSync,
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { InputError, PaykitError } from '../../util/errors'

export interface NonceStore {
  /** The context a nonce was recorded with, or undefined (also once it expired). */
  get(nonceHex: string, nowMs: number): string | undefined | Promise<string | undefined>
  /** Records a nonce; `expiresAtMs` null keeps it forever. */
  put(nonceHex: string, context: string, expiresAtMs: number | null): void | Promise<void>
}

export type NonceVerdict = 'new' | 'same' | 'replay'

const NONCE_RE = /^[0-9a-f]{64}$/

/**
 * Checks all `nonces` against the store for `context`: 'replay' if any is recorded for another
 * context (nothing is written), 'same' if all are already recorded for this context, else 'new'
 * (the missing ones are written).
 */
export async function recordNonces(
  store: NonceStore,
  nonces: readonly string[],
  context: string,
  expiresAtMs: number | null,
  nowMs: number,
): Promise<NonceVerdict> {
  const missing: string[] = []
  for (const n of nonces) {
    if (!NONCE_RE.test(n)) throw new InputError('nonce must be 32 bytes as 64 lowercase hex digits')
    const seen = await store.get(n, nowMs)
    if (seen === undefined) missing.push(n)
    else if (seen !== context) return 'replay'
  }
  if (missing.length === 0) return 'same'
  for (const n of missing) await store.put(n, context, expiresAtMs)
  return 'new'
}

interface Entry {
  context: string
  expiresAtMs: number | null
}

/** Largest nonce file loaded (about 300k entries). */
const MAX_FILE_BYTES = 64 * 1024 * 1024

export class FileNonceStore implements NonceStore {
  private readonly entries = new Map<string, Entry>()

  /** Opens (or creates) the store at `file`, loading what earlier runs recorded. */
  constructor(private readonly file: string) {
    if (!existsSync(file)) {
      writeFileSync(file, '', { mode: 0o600 })
      return
    }
    const size = statSync(file).size
    if (size > MAX_FILE_BYTES) {
      throw new PaykitError(
        'nonce-store-too-large',
        `nonce store ${file} is ${size} bytes; run cleanup or rotate it`,
      )
    }
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.length === 0) continue
      try {
        const o = JSON.parse(line) as { n?: unknown; c?: unknown; e?: unknown }
        if (typeof o.n !== 'string' || !NONCE_RE.test(o.n) || typeof o.c !== 'string') continue
        const e = typeof o.e === 'number' ? o.e : null
        this.entries.set(o.n, { context: o.c, expiresAtMs: e })
      } catch {
        // A line torn by a crash mid-append: the nonce it held was never acknowledged.
      }
    }
  }

  get(nonceHex: string, nowMs: number): string | undefined {
    const e = this.entries.get(nonceHex)
    if (e === undefined) return undefined
    return e.expiresAtMs !== null && e.expiresAtMs <= nowMs ? undefined : e.context
  }

  put(nonceHex: string, context: string, expiresAtMs: number | null): void {
    if (!NONCE_RE.test(nonceHex)) throw new InputError('nonce must be 32 bytes as 64 lowercase hex digits')
    const line = `${JSON.stringify({ n: nonceHex, c: context, e: expiresAtMs })}\n`
    const fd = openSync(this.file, 'a', 0o600)
    try {
      appendFileSync(fd, line)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    this.entries.set(nonceHex, { context, expiresAtMs })
  }

  /** Drops entries that expired at or before `nowMs` and rewrites the file atomically. Returns how many. */
  cleanup(nowMs: number): number {
    let n = 0
    for (const [k, e] of this.entries) {
      if (e.expiresAtMs !== null && e.expiresAtMs <= nowMs) {
        this.entries.delete(k)
        n++
      }
    }
    const tmp = `${this.file}.tmp`
    const text = [...this.entries]
      .map(([k, e]) => `${JSON.stringify({ n: k, c: e.context, e: e.expiresAtMs })}\n`)
      .join('')
    const fd = openSync(tmp, 'w', 0o600)
    try {
      writeFileSync(fd, text)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, this.file)
    return n
  }

  get size(): number {
    return this.entries.size
  }
}
