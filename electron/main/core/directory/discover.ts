/**
 * @module directory/discover
 * Reads another pubky's public Paykit directory and says what can be paid, what was refused and
 * why, and where their Noise server is (paykit-protocol.md §2–3, Appendix C).
 *
 * Tolerant where the reference is: method files as raw text or a JSON `{"endpoint": …}` wrapper, the
 * `supported.json` snapshot, `/noise` with `pubkey` or `public_key`. Strict where it is weak: the
 * reference returns every file in the directory as a method (including `noise` and
 * `supported.json`); here Paykit's own names are never methods, every endpoint goes through the real
 * validators for our network, and a hostile record (not UTF-8, oversize, JSON of the wrong type,
 * failing validation, a method we cannot validate) is listed in `rejected` with the reason, never in
 * `payable`. A method file wins over a snapshot entry of the same id.
 */
import { fromUtf8, toHex } from '../util/bytes'
import { toPaykitError } from '../util/errors'
import { MAX_ENDPOINT_CHARS } from '../methods/endpoint'
import { isPaymentMethodName, PAYKIT_METHODS_DIR, paymentMethodPath, SUPPORTED_SNAPSHOT_PATH } from './paths'
import {
  validateMethodFile,
  validateEndpoint,
  type ValidateOptions,
  type ValidatedEndpoint,
} from './method-validate'
import { readNoiseEndpoint, type NoiseEndpoint } from './noise-endpoint'
import { DirectoryError } from './errors'
import { isKeyBound, readNoiseKeyBindings, type ReadKeyBindingOptions } from './key-binding'
import type { PubkyReader } from '../store/types'

export type MethodSource = 'file' | 'supported.json'

export interface PayableMethod extends ValidatedEndpoint {
  readonly methodId: string
  readonly source: MethodSource
}

export interface RejectedRecord {
  /** File name, or `supported.json#{method_id}` for a snapshot entry. */
  readonly name: string
  /** Stable error code (`invalid-address`, `wrong-network`, `store-too-large`, …). */
  readonly code: string
  readonly reason: string
}

export interface DirectoryResult {
  readonly owner: string
  readonly payable: readonly PayableMethod[]
  readonly rejected: readonly RejectedRecord[]
  /** Names in the directory that are not payment methods (`noise`, `supported.json`, sub-directories…). */
  readonly skipped: readonly string[]
  readonly noise?: NoiseEndpoint
  /** Set when key bindings were checked: whether a verified 0.8.0 binding covers `noise.publicKey`. */
  readonly noiseKeyBound?: boolean
}

export interface DiscoverOptions extends ValidateOptions {
  /** Most method files read (default 64). */
  maxMethods?: number
  /** Read `supported.json` when present (default true). */
  readSnapshot?: boolean
  /** Check `/pub/noise.app/v0/*` key bindings against the `/noise` key. */
  keyBindings?: ReadKeyBindingOptions
}

/** Largest method file read. */
export const MAX_METHOD_FILE_BYTES = MAX_ENDPOINT_CHARS * 2
/** Largest `supported.json` read, and most entries used from it. */
export const MAX_SNAPSHOT_BYTES = 64 * 1024
export const MAX_SNAPSHOT_ENTRIES = 64

function reject(name: string, e: unknown): RejectedRecord {
  const pe = toPaykitError(e)
  return { name, code: pe.code, reason: pe.message }
}

interface SnapshotEntry {
  methodId: string
  endpoint: string
  enabled: boolean
}

/** Parses `supported.json` (a JSON array of entries); throws on the wrong type, reports bad entries. */
export function parseSupportedSnapshot(body: Uint8Array): {
  entries: SnapshotEntry[]
  rejected: RejectedRecord[]
} {
  const bad = (why: string): never => {
    throw new DirectoryError('directory-invalid-record', `supported.json ${why}`)
  }
  let v: unknown
  try {
    v = JSON.parse(fromUtf8(body, 'supported.json'))
  } catch {
    return bad('is not UTF-8 JSON')
  }
  if (!Array.isArray(v)) return bad('must be a JSON array of {method_id, endpoint, enabled, updated_at}')
  const entries: SnapshotEntry[] = []
  const rejected: RejectedRecord[] = []
  for (const [i, item] of v.slice(0, MAX_SNAPSHOT_ENTRIES).entries()) {
    const o = item as Record<string, unknown>
    const id = typeof item === 'object' && item !== null ? o['method_id'] : undefined
    const name = `supported.json#${typeof id === 'string' ? id.slice(0, 64) : String(i)}`
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      rejected.push({ name, code: 'directory-invalid-record', reason: `entry ${i} is not an object` })
      continue
    }
    const endpoint = o['endpoint']
    const enabled = o['enabled']
    if (typeof id !== 'string' || typeof endpoint !== 'string' || endpoint.length > MAX_ENDPOINT_CHARS) {
      rejected.push({
        name,
        code: 'directory-invalid-record',
        reason: `entry ${i} needs string "method_id" and "endpoint"`,
      })
      continue
    }
    if (enabled !== undefined && typeof enabled !== 'boolean') {
      rejected.push({
        name,
        code: 'directory-invalid-record',
        reason: `entry ${i} "enabled" must be a boolean`,
      })
      continue
    }
    entries.push({ methodId: id, endpoint, enabled: enabled ?? true })
  }
  if (v.length > MAX_SNAPSHOT_ENTRIES) {
    rejected.push({
      name: 'supported.json',
      code: 'directory-invalid-record',
      reason: `has ${v.length} entries; only the first ${MAX_SNAPSHOT_ENTRIES} were read`,
    })
  }
  return { entries, rejected }
}

/** Discovers `owner`'s payment methods and Noise endpoint. Throws only when the directory cannot be listed. */
export async function discoverDirectory(
  reader: PubkyReader,
  owner: string,
  options: DiscoverOptions,
): Promise<DirectoryResult> {
  const listing = await reader.list(owner, PAYKIT_METHODS_DIR, { shallow: true, maxEntries: 256 })
  const payable: PayableMethod[] = []
  const rejected: RejectedRecord[] = []
  const skipped: string[] = []
  const fileNames = new Set<string>()
  let hasSnapshot = false
  const maxMethods = options.maxMethods ?? 64

  for (const entry of listing.entries) {
    if (entry.isDir) {
      skipped.push(`${entry.name}/`)
      continue
    }
    if (entry.path === SUPPORTED_SNAPSHOT_PATH) hasSnapshot = true
    if (!isPaymentMethodName(entry.name)) {
      skipped.push(entry.name)
      continue
    }
    fileNames.add(entry.name)
    if (fileNames.size > maxMethods) {
      rejected.push({
        name: entry.name,
        code: 'directory-invalid-record',
        reason: `more than ${maxMethods} method files; not read`,
      })
      continue
    }
    try {
      const body = await reader.get(owner, paymentMethodPath(entry.name), { maxBytes: MAX_METHOD_FILE_BYTES })
      if (body === null) continue
      const validated = validateMethodFile(entry.name, fromUtf8(body, `method file "${entry.name}"`), options)
      payable.push({ ...validated, methodId: entry.name, source: 'file' })
    } catch (e) {
      rejected.push(reject(entry.name, e))
    }
  }

  if (hasSnapshot && (options.readSnapshot ?? true)) {
    try {
      const body = await reader.get(owner, SUPPORTED_SNAPSHOT_PATH, { maxBytes: MAX_SNAPSHOT_BYTES })
      if (body !== null) {
        const snap = parseSupportedSnapshot(body)
        rejected.push(...snap.rejected)
        const done = new Set<string>()
        for (const s of snap.entries) {
          const name = `supported.json#${s.methodId.slice(0, 64)}`
          if (!s.enabled || fileNames.has(s.methodId) || done.has(s.methodId)) continue
          done.add(s.methodId)
          if (!isPaymentMethodName(s.methodId)) {
            rejected.push({
              name,
              code: 'directory-invalid-record',
              reason: `"${s.methodId.slice(0, 64)}" is not a payment method name`,
            })
            continue
          }
          try {
            payable.push({
              ...validateEndpoint(s.methodId, s.endpoint, options),
              methodId: s.methodId,
              source: 'supported.json',
            })
          } catch (e) {
            rejected.push(reject(name, e))
          }
        }
      }
    } catch (e) {
      rejected.push(reject('supported.json', e))
    }
  }

  let noise: NoiseEndpoint | undefined
  try {
    noise = (await readNoiseEndpoint(reader, owner)) ?? undefined
  } catch (e) {
    rejected.push(reject('noise', e))
  }

  let noiseKeyBound: boolean | undefined
  if (noise && options.keyBindings) {
    try {
      noiseKeyBound = isKeyBound(
        await readNoiseKeyBindings(reader, owner, options.keyBindings),
        noise.publicKey,
      )
    } catch (e) {
      rejected.push(reject(`key bindings (${toHex(noise.publicKey).slice(0, 8)}…)`, e))
      noiseKeyBound = false
    }
  }

  const result: DirectoryResult = { owner, payable, rejected, skipped }
  return {
    ...result,
    ...(noise ? { noise } : {}),
    ...(noiseKeyBound !== undefined ? { noiseKeyBound } : {}),
  }
}
