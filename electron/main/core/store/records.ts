/**
 * @module store/records
 * Reads every file directly under a directory of someone's homeserver, for the protocol readers
 * (requests, proposals, agreements, cancellations). Each file comes back as its bytes or the reason
 * it could not be read; one bad entry never stops the rest. Directories and malformed listing lines
 * are skipped (counted), and the listing and each body are capped by the reader.
 */
import { toPaykitError } from '../util/errors'
import type { PaykitError } from '../util/errors'
import type { PubkyReader } from './types'

export type FetchedRecord =
  | { readonly id: string; readonly path: string; readonly ok: true; readonly body: Uint8Array }
  | { readonly id: string; readonly path: string; readonly ok: false; readonly error: PaykitError }

export interface FetchRecordsResult {
  readonly records: readonly FetchedRecord[]
  /** Listing lines that were not entries of the directory, plus sub-directories. */
  readonly skipped: number
  /** More entries exist than `maxEntries`. */
  readonly truncated: boolean
  /** Set when the directory itself could not be listed (the records list is then empty). */
  readonly listError?: PaykitError
}

export interface FetchRecordsOptions {
  maxEntries?: number
  maxBytes?: number
}

/** Lists `dir` on `owner`'s homeserver and fetches each file in it. Never throws. */
export async function fetchRecords(
  reader: PubkyReader,
  owner: string,
  dir: string,
  options: FetchRecordsOptions = {},
): Promise<FetchRecordsResult> {
  let listing
  try {
    listing = await reader.list(owner, dir, {
      shallow: true,
      ...(options.maxEntries !== undefined ? { maxEntries: options.maxEntries } : {}),
    })
  } catch (e) {
    return { records: [], skipped: 0, truncated: false, listError: toPaykitError(e) }
  }
  const records: FetchedRecord[] = []
  let skipped = listing.malformed
  for (const entry of listing.entries) {
    if (entry.isDir) {
      skipped++
      continue
    }
    try {
      const body = await reader.get(
        owner,
        entry.path,
        options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {},
      )
      if (body === null) continue // deleted between list and get
      records.push({ id: entry.name, path: entry.path, ok: true, body })
    } catch (e) {
      records.push({ id: entry.name, path: entry.path, ok: false, error: toPaykitError(e) })
    }
  }
  return { records, skipped, truncated: listing.truncated }
}
