// The binary and textual formats the homeserver parses: AuthToken, SessionInfo, capabilities and
// tenant paths. Malformed input gets a typed error.
import { describe, expect, it } from 'vitest'
import { providers } from '../../../electron/main/core/crypto'
import { AuthTokenError, verifyAuthToken } from '../../../electron/main/core/homeserver/auth-token'
import { canWrite, parseCapabilities } from '../../../electron/main/core/homeserver/capabilities'
import { decodeSessionInfo, encodeSessionInfo } from '../../../electron/main/core/homeserver/postcard'
import { PostcardWriter } from '../../../electron/main/core/util/postcard'
import { normalizePath } from '../../../electron/main/core/homeserver/webdav-path'
import { HttpError } from '../../../electron/main/core/pkarr/http'
import { InputError } from '../../../electron/main/core/util/errors'
import { authToken, user } from './helpers'

const errCode = (fn: () => unknown): string => {
  try {
    fn()
  } catch (e) {
    if (e instanceof AuthTokenError) return e.code
    if (e instanceof HttpError) return `http-${e.status}`
    if (e instanceof InputError) return e.code
    return `untyped: ${String(e)}`
  }
  return 'no error'
}

describe('AuthToken v0', () => {
  const u = user(1)
  const now = 1_790_000_000_000_000n
  for (const provider of providers()) {
    it(`verifies layout, window and signature (${provider.name})`, () => {
      const bytes = authToken(u, { caps: '/pub/a/:rw', timestampUs: now })
      expect(bytes.length).toBe(64 + 10 + 1 + 8 + 32 + 1 + '/pub/a/:rw'.length)
      const t = verifyAuthToken(bytes, now + 44_000_000n, provider)
      expect(t.capabilitiesText).toBe('/pub/a/:rw')
      expect(t.capabilities).toEqual([{ scope: '/pub/a/', read: true, write: true }])
      expect(t.id).toEqual(bytes.slice(75, 115))
      expect(
        verifyAuthToken(authToken(u, { caps: '', timestampUs: now }), now, provider).capabilities,
      ).toEqual([])
      expect(authToken(u, { caps: '/:rw' })).toHaveLength(120)
      expect(errCode(() => verifyAuthToken(bytes, now + 46_000_000n, provider))).toBe('auth-token-expired')
      expect(errCode(() => verifyAuthToken(bytes, now - 46_000_000n, provider))).toBe('auth-token-future')
      const tampered = bytes.slice()
      tampered[bytes.length - 1]! ^= 1
      expect(errCode(() => verifyAuthToken(tampered, now, provider))).toBe('auth-token-signature')
      expect(errCode(() => verifyAuthToken(bytes.subarray(0, 115), now, provider))).toBe(
        'auth-token-malformed',
      )
      const trailing = Uint8Array.from([...bytes, 0])
      expect(errCode(() => verifyAuthToken(trailing, now, provider))).toBe('auth-token-malformed')
      const longCaps = bytes.slice()
      longCaps[115] = 0x7f
      expect(errCode(() => verifyAuthToken(longCaps, now, provider))).toBe('auth-token-malformed')
      expect(
        errCode(() => verifyAuthToken(authToken(u, { version: 1, timestampUs: now }), now, provider)),
      ).toBe('auth-token-version')
    })
  }
})

describe('SessionInfo', () => {
  it('encodes version, key, created_at varint, empty name/agent and capabilities', () => {
    const publicKey = new Uint8Array(32).fill(7)
    const bytes = encodeSessionInfo({ publicKey, createdAtUs: 300n, capabilities: ['/:rw'] })
    expect(Array.from(bytes.subarray(0, 1))).toEqual([0])
    expect(Array.from(bytes.subarray(33))).toEqual([0xac, 0x02, 0, 0, 1, 4, ...Buffer.from('/:rw')])
    expect(decodeSessionInfo(bytes)).toEqual({
      publicKey,
      createdAtUs: 300n,
      name: '',
      userAgent: '',
      capabilities: ['/:rw'],
    })
    expect(errCode(() => decodeSessionInfo(bytes.subarray(0, 20)))).toBe('invalid-input')
    expect(errCode(() => decodeSessionInfo(Uint8Array.from([...bytes, 1])))).toBe('invalid-input')
    expect(Array.from(new PostcardWriter().varint(2n ** 64n - 1n).finish())).toHaveLength(10)
  })
})

describe('capabilities', () => {
  it('parse like pubky-common: drop invalid, merge duplicates, remove covered scopes', () => {
    expect(parseCapabilities('/:rw')).toEqual([{ scope: '/', read: true, write: true }])
    expect(parseCapabilities('/a/:r,/a/:w,bad,/b:x,/c:wr')).toEqual([
      { scope: '/a/', read: true, write: true },
      { scope: '/c', read: true, write: true },
    ])
    expect(parseCapabilities('/pub/:rw,/pub/a/:r')).toEqual([{ scope: '/pub/', read: true, write: true }])
  })
  it('grant writes only inside the scope (no sibling-prefix leaks)', () => {
    const caps = parseCapabilities('/pub/paykit.app/v0/:rw,/pub/file:w,/pub/ro/:r')
    expect(canWrite(caps, '/pub/paykit.app/v0/x')).toBe(true)
    expect(canWrite(caps, '/pub/paykit.app/v0x/x')).toBe(false)
    expect(canWrite(caps, '/pub/file')).toBe(true)
    expect(canWrite(caps, '/pub/file/child')).toBe(true)
    expect(canWrite(caps, '/pub/filetwo')).toBe(false)
    expect(canWrite(caps, '/pub/ro/x')).toBe(false)
  })
})

describe('tenant paths', () => {
  it('normalise harmless spellings', () => {
    expect(normalizePath('/pub//a///b')).toBe('/pub/a/b')
    expect(normalizePath('/pub/a/')).toBe('/pub/a/')
    expect(normalizePath('/pub/caf%C3%A9%20x')).toBe('/pub/café x')
  })
  it('refuse traversal, encoded separators, NUL and overlong input with 400', () => {
    for (const p of [
      'pub/a',
      '/pub/..',
      '/pub/./a',
      '/pub/a%2fb',
      '/pub/a%5Cb',
      '/pub/%00',
      '/pub/a\u0000',
      '/pub/a\\b',
      '/pub/%E0%A4%A',
    ]) {
      expect(
        errCode(() => normalizePath(p)),
        p,
      ).toBe('http-400')
    }
    expect(errCode(() => normalizePath(`/pub/${'a'.repeat(256)}`))).toBe('http-400')
    expect(errCode(() => normalizePath(`/pub/${'a/'.repeat(2100)}`))).toBe('http-400')
  })
})
