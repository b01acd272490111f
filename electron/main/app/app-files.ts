/**
 * @module app/app-files
 * Serves the built renderer (out/renderer) to the app:// protocol and to browser mode. The guard:
 * GET/HEAD only; the path is percent-decoded once, must not contain NUL or backslashes, is
 * normalised, and must resolve (after following symlinks) inside the renderer folder. Anything else
 * is 4xx, never a file from elsewhere on disk.
 */
import { readFile, realpath, stat } from 'node:fs/promises'
import { extname, posix, resolve, sep } from 'node:path'
import { securityHeaders } from './csp'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wav': 'audio/wav',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
}

export type FileResponse = { status: number; headers: Record<string, string>; body: Uint8Array }

const text = (status: number, message: string, csp: string): FileResponse => ({
  status,
  headers: { ...securityHeaders(csp), 'Content-Type': 'text/plain; charset=utf-8' },
  body: new TextEncoder().encode(message),
})

/**
 * Maps a URL pathname to a file inside `root`, or null when it would leave it or is malformed.
 * `/` is `index.html`.
 */
export function resolveAppPath(root: string, pathname: string): string | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return null
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null
  // A ".." segment is refused outright (normalising would only clamp it at the root).
  if (decoded.split('/').includes('..')) return null
  const normalized = posix.normalize(`/${decoded}`)
  const relative = normalized === '/' ? 'index.html' : normalized.slice(1)
  const base = resolve(root)
  const full = resolve(base, relative)
  if (full !== base && !full.startsWith(base + sep)) return null
  return full
}

/** Reads the file for `pathname` under `root` as a response (with the CSP and security headers). */
export async function serveAppFile(
  root: string,
  method: string,
  pathname: string,
  csp: string,
): Promise<FileResponse> {
  if (method !== 'GET' && method !== 'HEAD') return text(405, 'Method not allowed', csp)
  const path = resolveAppPath(root, pathname)
  if (path === null) return text(400, 'Bad path', csp)
  try {
    // Follow symlinks and check again, so a link inside the folder cannot point outside it.
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(path)])
    if (realFile !== realRoot && !realFile.startsWith(realRoot + sep)) return text(404, 'Not found', csp)
    if (!(await stat(realFile)).isFile()) return text(404, 'Not found', csp)
    const body = new Uint8Array(await readFile(realFile))
    const type = CONTENT_TYPES[extname(realFile).toLowerCase()] ?? 'application/octet-stream'
    return {
      status: 200,
      headers: { ...securityHeaders(csp), 'Content-Type': type, 'Cache-Control': 'no-cache' },
      body: method === 'HEAD' ? new Uint8Array(0) : body,
    }
  } catch {
    return text(404, 'Not found', csp)
  }
}
