/**
 * @module homeserver/webdav-path
 * Turns the raw request path of a tenant route into a normalised entry path, refusing anything
 * ambiguous. The reference (`webdav_path.rs`) normalises `.`/`..` and limits segments to 255 bytes
 * and paths to 4096; this is stricter: `.`/`..` segments, encoded slashes or backslashes, backslashes,
 * NUL and other control characters are refused outright, so no spelling of a path can reach another.
 */
import { HttpError } from '../pkarr/http'

export const MAX_SEGMENT_BYTES = 255
export const MAX_PATH_BYTES = 4096

const bad = (why: string): HttpError => new HttpError(400, `Invalid path: ${why}`)

/** Normalises a raw (still percent-encoded) path; a trailing `/` marks a directory. Throws 400. */
export function normalizePath(raw: string): string {
  if (!raw.startsWith('/')) throw bad("path must start with '/'")
  if (raw.includes('\\')) throw bad('backslashes are not allowed')
  if (/%(2f|5c|00)/i.test(raw)) throw bad('encoded slashes, backslashes and NUL are not allowed')
  let decoded: string
  try {
    decoded = decodeURIComponent(raw)
  } catch {
    throw bad('malformed percent-encoding')
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (/[\u0000-\u001f\u007f-\u009f]/.test(decoded)) throw bad('control characters are not allowed')
  const segments = decoded.split('/').filter((s) => s.length > 0)
  for (const s of segments) {
    if (s === '.' || s === '..') throw bad("'.' and '..' segments are not allowed")
    if (Buffer.byteLength(s, 'utf8') > MAX_SEGMENT_BYTES) {
      throw bad(`a segment exceeds the maximum length of ${MAX_SEGMENT_BYTES} bytes`)
    }
  }
  const isDir = decoded.endsWith('/')
  const path = `/${segments.join('/')}${isDir && segments.length > 0 ? '/' : ''}`
  if (Buffer.byteLength(path, 'utf8') > MAX_PATH_BYTES) {
    throw bad(`total path length exceeds the maximum of ${MAX_PATH_BYTES} bytes`)
  }
  return path
}

export const isDirectory = (path: string): boolean => path.endsWith('/')
