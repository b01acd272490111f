// "Sign in with Pubky Ring" in the app services: the pairing state machine (start → wait → finish,
// cancel, expiry, re-pairing the same shop), the credentials in the secret store, and what a
// Ring-linked till refuses (key export, backup) with `needs-identity-key`.
//
// The phone and the link relay are the boundary here: `fakePhone` stands in for what
// `EngineHost.pairRing` hands back (a URL and a promise of the approved RingLink). The real pairing
// through the core, a real Ring stand-in process and the real engine is ring-pairing.test.ts.
import { afterAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../../../electron/main/core/util/clock'
import type { RingLink } from '../../../electron/main/core/pubky/ring-link'
import type { RingPairingHandle } from '../../../electron/main/app/services/engine'
import type { RingEngine } from '../../../electron/main/app/services/identity'
import {
  decodeCredentials,
  encodeCredentials,
  type TillCredentials,
} from '../../../electron/main/app/services/vault'
import type { HomeserverChoice } from '../../../shared/domain/session'
import { createIdentity, makeServices, tempDir } from '../helpers'

const tmp = tempDir()
afterAll(() => tmp.cleanup())
let n = 0
const freshDir = (): string => `${tmp.dir}/case-${++n}`

const SHOP = 'o1gg96ewuojmopcjbz8895478wdtxtzzuxnfjjz8o8e77csa1ngo'
const OTHER = 'pxnu33x7jtpx9ar1ytsi4yxbp6a5o36gwhffs8zoxmbuptici1jy'

/** The homeserver names its session cookie after the user (core/pubky/ring-link checks that). */
function linkFor(publicKey: string, session = 'abc123'): RingLink {
  return {
    publicKey,
    capabilities: ['/pub/paykit.app/v0/:rw'],
    exported: `{"public_key":"${publicKey}"}`,
    sessionCookie: `${publicKey}=${session}`,
    cookieUrl: 'http://127.0.0.1:6286/',
  }
}

/** Boundary stand-in for the phone + relay: approves or refuses when the test says so. */
function fakePhone() {
  const calls: { homeserver: HomeserverChoice; timeoutMs: number | undefined }[] = []
  let approve: (link: RingLink) => void = () => {}
  let refuse: (e: unknown) => void = () => {}
  let cancelled = 0
  let stops = 0
  const engine: RingEngine = {
    pairRing: async (homeserver, timeoutMs): Promise<RingPairingHandle> => {
      calls.push({ homeserver, timeoutMs })
      const approved = new Promise<RingLink>((resolve, reject) => {
        approve = resolve
        refuse = reject
      })
      approved.catch(() => undefined)
      return {
        url: `pubkyauth://signin?caps=/pub/paykit.app/v0/:rw&secret=s${calls.length}&relay=http://127.0.0.1:1/link`,
        approved,
        cancel: async () => {
          cancelled++
          refuse(Object.assign(new Error('the Pubky Ring sign-in was cancelled'), { code: 'ring-cancelled' }))
        },
      }
    },
    stop: async () => {
      stops++
    },
  }
  return {
    engine,
    calls,
    approve: (link: RingLink) => approve(link),
    refuse: (e: unknown) => refuse(e),
    cancelled: () => cancelled,
    stops: () => stops,
  }
}

describe('Ring credentials in the secret store', () => {
  it('round-trips a Ring link with its device secret; a key entry stays 32 raw bytes', () => {
    const deviceSecret = new Uint8Array(32).fill(7)
    const ring: TillCredentials = { kind: 'ring', link: linkFor(SHOP), deviceSecret }
    const back = decodeCredentials(encodeCredentials(ring))
    expect(back.kind).toBe('ring')
    if (back.kind !== 'ring') throw new Error('unreachable')
    expect(back.link).toEqual(linkFor(SHOP))
    expect([...back.deviceSecret]).toEqual([...deviceSecret])

    const secret = new Uint8Array(32).fill(3)
    const entry = encodeCredentials({ kind: 'key', secret })
    expect(entry.length).toBe(32)
    expect(decodeCredentials(entry)).toMatchObject({ kind: 'key' })
  })

  it('a damaged entry is a storage error that says to pair again, not a crash', () => {
    const good = new TextDecoder().decode(
      encodeCredentials({ kind: 'ring', link: linkFor(SHOP), deviceSecret: new Uint8Array(32) }),
    )
    const cases = [
      new Uint8Array(31),
      new TextEncoder().encode('not a ring entry at all, and longer than 32 bytes'),
      new TextEncoder().encode(good.replace('"deviceSecret":"', '"deviceSecret":"zz')),
      new TextEncoder().encode(good.replace(SHOP, 'not-a-key')),
      new TextEncoder().encode(good.slice(0, -5)),
    ]
    for (const bytes of cases) {
      expect(() => decodeCredentials(bytes)).toThrow(expect.objectContaining({ code: 'storage' }))
    }
    expect(cases.length).toBe(5)
  })
})

describe('onboarding with Pubky Ring', () => {
  it('start → approve → PIN makes a Ring-linked till that survives a restart; no key to export', async () => {
    const dir = freshDir()
    const { services } = await makeServices(dir)
    const phone = fakePhone()
    const pairing = await services.identity.ringStart({ kind: 'embedded' }, phone.engine)
    expect(pairing.url.startsWith('pubkyauth://')).toBe(true)
    expect(pairing.pairingId).toMatch(/^[0-9a-f]{32}$/)
    expect(phone.calls).toEqual([{ homeserver: { kind: 'embedded' }, timeoutMs: 600_000 }])
    // Not approved yet: finishing is refused and nothing is stored.
    await expect(services.identity.ringFinish(pairing.pairingId, 'ring-pin-1234')).rejects.toMatchObject({
      code: 'conflict',
    })
    expect(services.repo.get().identity).toBeNull()

    const waiting = services.identity.ringWait(pairing.pairingId)
    phone.approve(linkFor(SHOP))
    expect(await waiting).toEqual({ publicKey: SHOP })
    // A PIN too short for the file store is refused before anything is written.
    await expect(services.identity.ringFinish(pairing.pairingId, '1234')).rejects.toMatchObject({
      code: 'invalid-input',
    })
    expect(services.repo.get().identity).toBeNull()

    const state = await services.identity.ringFinish(pairing.pairingId, 'ring-pin-1234')
    expect(state).toMatchObject({ identityKind: 'ring', ringSession: 'linked', locked: false })
    expect(state.identity?.publicKey).toBe(SHOP)
    const creds = services.session.credentials()
    expect(creds.kind).toBe('ring')
    if (creds.kind !== 'ring') throw new Error('unreachable')
    expect(creds.link.sessionCookie).toBe(`${SHOP}=abc123`)
    expect(creds.deviceSecret.length).toBe(32)
    const deviceSecret = [...creds.deviceSecret]

    // What needs the shop's key is refused with the typed code and changes nothing.
    await expect(
      services.identity.exportRecoveryFile('ring-pin-1234', 'a long passphrase'),
    ).rejects.toMatchObject({
      code: 'needs-identity-key',
      message: expect.stringContaining('Pubky Ring'),
    })
    await expect(services.backup.exportBackup('ring-pin-1234', 'a long passphrase')).rejects.toMatchObject({
      code: 'needs-identity-key',
    })
    // The pairing is used up.
    await expect(services.identity.ringWait(pairing.pairingId)).rejects.toMatchObject({ code: 'not-found' })
    services.dispose()

    // Restart: locked; the PIN brings back the same link and device secret.
    const again = await makeServices(dir)
    expect(again.services.session.status()).toMatchObject({ locked: true, ringSession: null })
    const unlocked = await again.services.session.unlock('ring-pin-1234')
    expect(unlocked).toMatchObject({ identityKind: 'ring', ringSession: 'linked', locked: false })
    const back = again.services.session.credentials()
    if (back.kind !== 'ring') throw new Error('expected a Ring till after restart')
    expect(back.link).toEqual(linkFor(SHOP))
    expect([...back.deviceSecret]).toEqual(deviceSecret)
    await expect(again.services.session.unlock('wrong-pin-000')).rejects.toMatchObject({ code: 'bad-pin' })
    again.services.dispose()
  })

  it('denied, timed out and cancelled pairings explain themselves and leave no identity', async () => {
    const { services } = await makeServices(freshDir())
    const phone = fakePhone()

    const denied = await services.identity.ringStart({ kind: 'embedded' }, phone.engine)
    const w1 = services.identity.ringWait(denied.pairingId)
    phone.refuse(Object.assign(new Error('Pubky Ring granted nothing'), { code: 'ring-denied' }))
    await expect(w1).rejects.toMatchObject({ code: 'forbidden', message: 'Pubky Ring granted nothing' })

    const slow = await services.identity.ringStart({ kind: 'embedded' }, phone.engine)
    const w2 = services.identity.ringWait(slow.pairingId)
    phone.refuse(
      Object.assign(new Error('Pubky Ring did not approve within 600 s'), { code: 'ring-timeout' }),
    )
    await expect(w2).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining('600 s') })

    const third = await services.identity.ringStart({ kind: 'embedded' }, phone.engine)
    const w3 = services.identity.ringWait(third.pairingId)
    await services.identity.ringCancel(third.pairingId)
    expect(phone.cancelled()).toBe(1)
    await expect(w3).rejects.toMatchObject({ code: 'conflict' })
    await expect(services.identity.ringFinish(third.pairingId, 'ring-pin-1234')).rejects.toMatchObject({
      code: 'not-found',
    })

    // A new pairing replaces an open one (cancelling it); an old id is then unknown.
    const a = await services.identity.ringStart({ kind: 'embedded' }, phone.engine)
    const b = await services.identity.ringStart({ kind: 'embedded' }, phone.engine)
    expect(phone.cancelled()).toBe(2)
    await expect(services.identity.ringWait(a.pairingId)).rejects.toMatchObject({ code: 'not-found' })
    expect(b.pairingId).not.toBe(a.pairingId)
    expect(services.repo.get().identity).toBeNull()
    services.dispose()
  })

  it('an approved pairing not finished in time expires', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 22, 9, 0, 0))
    const { services } = await makeServices(freshDir(), { clock })
    const phone = fakePhone()
    const p = await services.identity.ringStart({ kind: 'embedded' }, phone.engine)
    phone.approve(linkFor(SHOP))
    await services.identity.ringWait(p.pairingId)
    clock.advance(10 * 60_000 + 1)
    await expect(services.identity.ringFinish(p.pairingId, 'ring-pin-1234')).rejects.toMatchObject({
      code: 'not-found',
      message: expect.stringContaining('expired'),
    })
    expect(services.repo.get().identity).toBeNull()
    services.dispose()
  })

  it('a till that already has an identity refuses Ring onboarding; a key till cannot be re-paired', async () => {
    const { services } = await makeServices(freshDir())
    await createIdentity(services)
    const phone = fakePhone()
    await expect(services.identity.ringStart({ kind: 'embedded' }, phone.engine)).rejects.toMatchObject({
      code: 'conflict',
    })
    await expect(services.identity.ringRelink(phone.engine)).rejects.toMatchObject({ code: 'conflict' })
    expect(phone.calls.length).toBe(0)
    expect(services.session.status().identityKind).toBe('key')
    services.dispose()
  })
})

describe('re-pairing a Ring-linked till', () => {
  async function linkedTill() {
    const { services } = await makeServices(freshDir())
    const phone = fakePhone()
    const p = await services.identity.ringStart({ kind: 'embedded' }, phone.engine)
    phone.approve(linkFor(SHOP, 'old'))
    await services.identity.ringWait(p.pairingId)
    await services.identity.ringFinish(p.pairingId, 'ring-pin-1234')
    return { services, phone }
  }

  it('an expired session shows as expired; pairing the same shop again renews it and keeps the device key', async () => {
    const { services, phone } = await linkedTill()
    const before = services.session.credentials()
    if (before.kind !== 'ring') throw new Error('unreachable')
    const device = [...before.deviceSecret]
    const expired = services.session.markRingExpired()
    expect(expired.ringSession).toBe('expired')

    const p = await services.identity.ringRelink(phone.engine)
    phone.approve(linkFor(SHOP, 'new'))
    expect(await services.identity.ringWait(p.pairingId)).toEqual({ publicKey: SHOP })
    await expect(
      services.identity.ringRelinkFinish(p.pairingId, 'wrong-pin-000', phone.engine),
    ).rejects.toMatchObject({
      code: 'bad-pin',
    })
    expect(phone.stops()).toBe(0)
    const state = await services.identity.ringRelinkFinish(p.pairingId, 'ring-pin-1234', phone.engine)
    expect(state.ringSession).toBe('linked')
    expect(phone.stops()).toBe(1)
    const after = services.session.credentials()
    if (after.kind !== 'ring') throw new Error('unreachable')
    expect(after.link.sessionCookie).toBe(`${SHOP}=new`)
    expect([...after.deviceSecret]).toEqual(device)
    services.dispose()

    // The renewed session is what the secret store holds.
    const dir = `${tmp.dir}/case-${n}`
    const again = await makeServices(dir)
    await again.services.session.unlock('ring-pin-1234')
    const stored = again.services.session.credentials()
    expect(stored.kind === 'ring' && stored.link.sessionCookie).toBe(`${SHOP}=new`)
    again.services.dispose()
  })

  it('approving as another Pubky user is refused and keeps the old link', async () => {
    const { services, phone } = await linkedTill()
    const p = await services.identity.ringRelink(phone.engine)
    phone.approve(linkFor(OTHER, 'intruder'))
    await expect(services.identity.ringWait(p.pairingId)).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining("shop's profile"),
    })
    await expect(
      services.identity.ringRelinkFinish(p.pairingId, 'ring-pin-1234', phone.engine),
    ).rejects.toMatchObject({
      code: 'not-found',
    })
    const creds = services.session.credentials()
    expect(creds.kind === 'ring' && creds.link.sessionCookie).toBe(`${SHOP}=old`)
    services.dispose()
  })
})
