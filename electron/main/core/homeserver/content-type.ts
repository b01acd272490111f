/**
 * @module homeserver/content-type
 * Content-Type is inferred, never taken from the request (as the reference does with `infer` then
 * `mime_guess`): first magic bytes, then the file extension, else application/octet-stream.
 */

const MAGIC: Array<[number[], string]> = [
  [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'image/png'],
  [[0xff, 0xd8, 0xff], 'image/jpeg'],
  [[0x47, 0x49, 0x46, 0x38], 'image/gif'],
  [[0x25, 0x50, 0x44, 0x46, 0x2d], 'application/pdf'],
  [[0x50, 0x4b, 0x03, 0x04], 'application/zip'],
  [[0x1f, 0x8b], 'application/gzip'],
  [[0x00, 0x61, 0x73, 0x6d], 'application/wasm'],
]

const EXT: Record<string, string> = {
  json: 'application/json',
  txt: 'text/plain',
  md: 'text/markdown',
  html: 'text/html',
  htm: 'text/html',
  css: 'text/css',
  js: 'text/javascript',
  csv: 'text/csv',
  xml: 'text/xml',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  pdf: 'application/pdf',
  wasm: 'application/wasm',
  zip: 'application/zip',
}

export function inferContentType(path: string, body: Uint8Array): string {
  for (const [sig, type] of MAGIC) {
    if (body.length >= sig.length && sig.every((b, i) => body[i] === b)) return type
  }
  if (body.length >= 12 && body[0] === 0x52 && body[1] === 0x49 && body[2] === 0x46 && body[3] === 0x46) {
    if (String.fromCharCode(...body.subarray(8, 12)) === 'WEBP') return 'image/webp'
  }
  const name = path.slice(path.lastIndexOf('/') + 1)
  const dot = name.lastIndexOf('.')
  if (dot > 0) {
    const type = EXT[name.slice(dot + 1).toLowerCase()]
    if (type) return type
  }
  return 'application/octet-stream'
}
