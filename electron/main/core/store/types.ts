/**
 * @module store/types
 * The port the Paykit protocol code talks through: an authenticated writer bound to one owner (our
 * own homeserver space) and a public reader for anyone's `/pub/…` files. Implementations: the SDK
 * gateway adapter (`gateway-store.ts`, the product path) and a node:http reader for a known
 * homeserver URL (`http-reader.ts`, the embedded node).
 *
 * Every read is capped: a hostile homeserver can serve anything, so a reader never keeps more than
 * `maxBytes` of a file or more than `maxEntries` listing entries.
 */

/** Default cap on one file read: a Sealed Blob envelope is at most 100 KiB, so 128 KiB fits every record. */
export const DEFAULT_MAX_READ_BYTES = 128 * 1024
/** Default page size asked of the homeserver (its own default; the server caps pages at 1000). */
export const DEFAULT_PAGE_SIZE = 100
/** Largest page size the homeserver honours. */
export const MAX_PAGE_SIZE = 1000
/** Default bound on the entries one `list` call returns, across all pages it follows. */
export const DEFAULT_MAX_ENTRIES = 1000
/** Longest listing line accepted (the homeserver limits paths to 4096 bytes). */
export const MAX_ENTRY_CHARS = 4096 + 64

/** One listed entry. */
export interface ListEntry {
  /** As the homeserver wrote it: `pubky://{owner}{path}`; pass it back as a cursor. */
  readonly url: string
  /** Absolute path on the owner's homeserver. */
  readonly path: string
  /** Last path segment (without the trailing `/` of a directory). */
  readonly name: string
  readonly isDir: boolean
}

export interface ListOptions {
  /** Entries per page asked of the server (1–1000, default 100). */
  limit?: number
  /** Continue after this entry URL (one returned by an earlier list). */
  cursor?: string
  /** First-level entries only (files, plus directories with a trailing `/`). Default true. */
  shallow?: boolean
  /** Stop following pages after this many entries (default 1000). */
  maxEntries?: number
}

export interface ListResult {
  readonly entries: readonly ListEntry[]
  /** True when more entries may exist beyond `maxEntries` (continue from the last entry's url). */
  readonly truncated: boolean
  /** Listing lines that were not well-formed entries of the requested directory (skipped). */
  readonly malformed: number
}

export interface GetOptions {
  /** Largest body accepted (default 128 KiB). Larger bodies fail with `store-too-large`. */
  maxBytes?: number
}

/** Public, unauthenticated reads of anyone's `/pub/…` space. */
export interface PubkyReader {
  /** The file's bytes, or null when absent (404/410 or an empty body, as the reference treats them). */
  get(owner: string, path: string, options?: GetOptions): Promise<Uint8Array | null>
  /** Lists a directory (path ending in `/`); an absent directory lists as empty. */
  list(owner: string, dir: string, options?: ListOptions): Promise<ListResult>
}

/** Authenticated writes to one owner's space (our own homeserver account). */
export interface PubkyWriter {
  /** z32 of the owner whose space this writes. */
  readonly owner: string
  put(path: string, body: Uint8Array | string): Promise<void>
  /** Deletes a file; deleting an absent file succeeds. */
  delete(path: string): Promise<void>
}
