// RingLink validation, the cookie-jar round trip (a real tough-cookie jar, the one fetch-cookie
// uses) and the /noise `patterns` metadata a Ring-linked till publishes. No SDK in this process.
import { describe, expect, it } from 'vitest'
import { CookieJar } from 'tough-cookie'
import {
  checkRingLink,
  coversTill,
  needsIdentityKey,
  putSessionCookie,
  readSessionCookie,
  RING_CAPABILITIES,
  type CookieJarLike,
  type RingLink,
} from '../../../electron/main/core/pubky/ring-link'
import {
  formatNoiseEndpointRecord,
  offeredPatterns,
  parseNoiseEndpointRecord,
  RING_NOISE_PATTERNS,
} from '../../../electron/main/core/directory/noise-endpoint'

const user = 'o1gg96ewuojmopcjbz8895478wdtxtzzber7aezq6ror5a91j7dy'
const good: RingLink = {
  publicKey: user,
  capabilities: [RING_CAPABILITIES],
  exported: 'AAAA',
  sessionCookie: `${user}=SECRETVALUE123`,
  cookieUrl: 'http://localhost/',
}

describe('checkRingLink', () => {
  it('accepts a good link and returns a frozen copy', () => {
    const l = checkRingLink(good)
    expect(l).toEqual(good)
    expect(Object.isFrozen(l)).toBe(true)
    expect(l).not.toBe(good)
  })
  it.each([
    ['not an object', null],
    ['bad key', { ...good, publicKey: 'abc' }],
    ['caps not a list', { ...good, capabilities: 'x' }],
    ['no export', { ...good, exported: '' }],
    ['cookie without =', { ...good, sessionCookie: 'novalue' }],
    ['cookie with ;', { ...good, sessionCookie: `${user}=a;b` }],
    ['cookie for another user', { ...good, sessionCookie: 'someone=abc' }],
    ['non-http url', { ...good, cookieUrl: 'file:///etc/passwd' }],
    ['not a url', { ...good, cookieUrl: 'localhost' }],
  ])('refuses %s with ring-invalid-link', (_what, v) => {
    expect(() => checkRingLink(v)).toThrow(expect.objectContaining({ code: 'ring-invalid-link' }))
  })
  it('knows which grants cover a till', () => {
    expect(coversTill([RING_CAPABILITIES])).toBe(true)
    expect(coversTill(['/:rw'])).toBe(true)
    expect(coversTill(['/pub/paykit.app/v0/:r'])).toBe(false)
    expect(coversTill(['/pub/other.app/:rw'])).toBe(false)
    expect(coversTill([])).toBe(false)
  })
  it('needs-identity-key says what to do', () => {
    const e = needsIdentityKey('Subscriptions are signed', 'propose plans')
    expect(e.code).toBe('needs-identity-key')
    expect(e.message).toBe(
      "Subscriptions are signed with the shop's identity key, which stays in Pubky Ring. Open this till with the recovery phrase to propose plans.",
    )
  })
})

describe('session cookie in the jar', () => {
  it('reads what a homeserver set and puts it back into a fresh jar that then sends it', async () => {
    const jar = new CookieJar()
    await jar.setCookie(
      `${user}=s3cr3t; Path=/; HttpOnly; Max-Age=31536000`,
      'http://localhost:15411/session',
    )
    await jar.setCookie('other=zzz; Path=/', 'http://localhost:15411/')
    const got = await readSessionCookie(jar as unknown as CookieJarLike, user)
    expect(got).toEqual({ sessionCookie: `${user}=s3cr3t`, cookieUrl: 'http://localhost/' })
    expect(await readSessionCookie(jar as unknown as CookieJarLike, 'nobody')).toBeUndefined()

    const fresh = new CookieJar()
    await putSessionCookie(fresh as unknown as CookieJarLike, checkRingLink({ ...good, ...got! }))
    // Any port on that host (the embedded node may come back on another port).
    expect(await fresh.getCookieString('http://localhost:40123/pub/paykit.app/v0/x')).toBe(`${user}=s3cr3t`)
    expect(await fresh.getCookieString('http://example.com/')).toBe('')
  })
  it('keeps Secure for an https homeserver', async () => {
    const jar = new CookieJar()
    await jar.setCookie(`${user}=tls; Path=/; Secure; HttpOnly`, 'https://homeserver.example/session')
    const got = (await readSessionCookie(jar as unknown as CookieJarLike, user))!
    expect(got.cookieUrl).toBe('https://homeserver.example/')
    const fresh = new CookieJar()
    await putSessionCookie(fresh as unknown as CookieJarLike, checkRingLink({ ...good, ...got }))
    expect(await fresh.getCookieString('https://homeserver.example/pub/')).toBe(`${user}=tls`)
    expect(await fresh.getCookieString('http://homeserver.example/pub/')).toBe('')
  })
})

describe('/noise patterns metadata', () => {
  const key = new Uint8Array(32).fill(7)
  it('round-trips the Ring till list next to ws_port', () => {
    const text = formatNoiseEndpointRecord({
      host: '127.0.0.1',
      port: 9000,
      publicKey: key,
      metadata: JSON.stringify({ ws_port: 9001, patterns: RING_NOISE_PATTERNS }),
    })
    expect(offeredPatterns(parseNoiseEndpointRecord(text))).toEqual(['IK', 'IK-raw', 'N'])
  })
  it('says nothing for absent, unreadable or odd metadata, and drops unknown names', () => {
    expect(offeredPatterns({})).toBeUndefined()
    expect(offeredPatterns({ metadata: '{"ws_port":1}' })).toBeUndefined()
    expect(offeredPatterns({ metadata: 'patterns: IK' })).toBeUndefined()
    expect(offeredPatterns({ metadata: '{"patterns":"IK"}' })).toBeUndefined()
    expect(offeredPatterns({ metadata: '["patterns"]' })).toBeUndefined()
    expect(offeredPatterns({ metadata: '{"patterns":["IK-raw","KK",3,"IK-raw","N"]}' })).toEqual([
      'IK-raw',
      'N',
    ])
  })
})
