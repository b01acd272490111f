/**
 * @module store/listing
 * Checks on what a homeserver says is in a directory, and the cursor-following pager shared by the
 * reader implementations.
 *
 * A listing is untrusted text: each line must be `pubky://{owner}{dir}{name}` (plus `/` for a
 * directory) for the owner and directory that were asked for, with a single harmless path segment as
 * the name when shallow. Anything else is counted as malformed and skipped, never followed. Paging
 * stops at `maxEntries`, and also when a page does not move past the cursor (a server that repeats
 * itself would otherwise keep us looping).
 */
import { StoreError } from './errors'
import {
  DEFAULT_MAX_ENTRIES,
  DEFAULT_PAGE_SIZE,
  MAX_ENTRY_CHARS,
  MAX_PAGE_SIZE,
  type ListEntry,
  type ListOptions,
  type ListResult,
} from './types'

const Z32_KEY_RE = /^[ybndrfg8ejkmcpqxot1uwisza345h769]{52}$/
const MAX_PATH = 4096

/** Throws `store-invalid-owner` unless `owner` is a bare canonical-alphabet z32 key. */
export function assertOwner(owner: string): string {
  if (typeof owner !== 'string' || !Z32_KEY_RE.test(owner)) {
    throw new StoreError(
      'store-invalid-owner',
      `"${String(owner).slice(0, 60)}" is not a z-base-32 public key`,
    )
  }
  return owner
}

/**
 * Throws `store-invalid-path` unless `path` is an absolute `/pub/…` path we are willing to send: no
 * `.`/`..` segments, no empty segments, no control characters, `?`, `#` or `%`, at most 4096 chars.
 */
export function assertPubPath(path: string, what = 'path'): string {
  if (typeof path !== 'string' || !path.startsWith('/pub/')) {
    throw new StoreError(
      'store-invalid-path',
      `${what} must start with /pub/, got "${String(path).slice(0, 80)}"`,
    )
  }
  if (path.length > MAX_PATH)
    throw new StoreError('store-invalid-path', `${what} is longer than ${MAX_PATH} characters`)
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (/[\u0000-\u001f\u007f?#%\\]/.test(path)) {
    throw new StoreError('store-invalid-path', `${what} contains a control character, "?", "#", "%" or "\\"`)
  }
  const segments = path.slice(1).split('/')
  const last = segments.length - 1
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!
    if (s === '.' || s === '..')
      throw new StoreError('store-invalid-path', `${what} contains a "${s}" segment`)
    if (s === '' && i !== last)
      throw new StoreError('store-invalid-path', `${what} contains an empty segment`)
  }
  return path
}

/** Throws unless `dir` is a valid `/pub/…/` directory path (trailing slash). */
export function assertPubDir(dir: string): string {
  assertPubPath(dir, 'directory')
  if (!dir.endsWith('/'))
    throw new StoreError('store-invalid-path', `directory "${dir.slice(0, 80)}" must end with "/"`)
  return dir
}

/**
 * Parses one listing line for `owner`/`dir`. Returns null when the line is not an entry of that
 * directory (wrong owner, outside the directory, deeper than one level when `shallow`).
 */
export function parseListEntry(line: string, owner: string, dir: string, shallow: boolean): ListEntry | null {
  if (typeof line !== 'string' || line.length > MAX_ENTRY_CHARS) return null
  const prefix = `pubky://${owner}${dir}`
  if (!line.startsWith(prefix)) return null
  const rest = line.slice(prefix.length)
  if (rest.length === 0) return null
  const isDir = rest.endsWith('/')
  const inner = isDir ? rest.slice(0, -1) : rest
  if (inner.length === 0) return null
  if (shallow && inner.includes('/')) return null
  const path = `${dir}${rest}`
  try {
    assertPubPath(path, 'listed path')
  } catch {
    return null
  }
  const name = inner.slice(inner.lastIndexOf('/') + 1)
  return { url: line, path, name, isDir }
}

/** Fetches one page: the raw entry URLs after `cursor` (or from the start), at most `limit`. */
export type PageFetcher = (cursor: string | undefined, limit: number) => Promise<readonly string[]>

/** Follows cursors from `options.cursor` until a short page, `maxEntries`, or a page that does not advance. */
export async function pagedList(
  owner: string,
  dir: string,
  options: ListOptions,
  fetchPage: PageFetcher,
): Promise<ListResult> {
  assertOwner(owner)
  assertPubDir(dir)
  const limit = Math.min(Math.max(Math.floor(options.limit ?? DEFAULT_PAGE_SIZE), 1), MAX_PAGE_SIZE)
  const maxEntries = Math.max(Math.floor(options.maxEntries ?? DEFAULT_MAX_ENTRIES), 1)
  const shallow = options.shallow ?? true
  const entries: ListEntry[] = []
  let malformed = 0
  let cursor = options.cursor
  for (;;) {
    const want = Math.min(limit, maxEntries - entries.length + 1)
    const page = await fetchPage(cursor, want)
    // A server may not send more than it was asked for; what it adds beyond that is ignored.
    const lines = page.slice(0, want)
    let last: string | undefined
    for (const line of lines) {
      const entry = parseListEntry(line, owner, dir, shallow)
      // Entries are sorted bytewise after the cursor; one not after it is a server bug or a loop.
      if (
        entry === null ||
        (cursor !== undefined && !(line > cursor)) ||
        (last !== undefined && !(line > last))
      ) {
        malformed++
        continue
      }
      last = line
      if (entries.length === maxEntries) return { entries, truncated: true, malformed }
      entries.push(entry)
    }
    if (page.length < want || last === undefined) return { entries, truncated: false, malformed }
    cursor = last
  }
}
