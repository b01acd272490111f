import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTestingPinia } from '@pinia/testing'
import { setActivePinia } from 'pinia'
import { useSessionStore, ACTIVITY_THROTTLE_MS } from '@renderer/stores/session'
import { useSettingsStore } from '@renderer/stores/settings'
import { useCheckoutStore } from '@renderer/stores/checkout'
import { useOnboardingStore } from '@renderer/stores/onboarding'
import { DEFAULT_SETTINGS } from '@shared/domain/settings'
import type { SessionState } from '@shared/domain/session'
import { fail, installFakePos, ok } from './fake-pos'

const KEY = 'o1gg96ewuojmopcjbz8895478wdtxtzzuxnfjjz8o8e77csa1ngo'
const unlocked: SessionState = {
  identity: { publicKey: KEY, uri: `pubky${KEY}`, createdAt: 1, homeserver: { kind: 'embedded' } },
  identityKind: 'key',
  ringSession: null,
  locked: false,
  cashierMode: false,
  lockAt: 1000,
}

beforeEach(() => {
  setActivePinia(createTestingPinia({ createSpy: vi.fn, stubActions: false }))
})
afterEach(() => {
  delete (window as { pos?: unknown }).pos
})

describe('session store', () => {
  it('hydrate, unlock with a wrong PIN (error kept), unlock, and follow pushed lock events', async () => {
    let pinOk = false
    const fake = installFakePos({
      'session:status': () => ok({ ...unlocked, locked: true }),
      'session:unlock': () => (pinOk ? ok(unlocked) : fail('bad-pin', 'That PIN is not right.')),
    })
    const s = useSessionStore()
    await s.hydrate()
    expect(s.hasIdentity).toBe(true)
    expect(s.locked).toBe(true)
    expect(await s.unlock('0000')).toBe(false)
    expect(s.error?.code).toBe('bad-pin')
    pinOk = true
    expect(await s.unlock('1234')).toBe(true)
    expect(s.locked).toBe(false)
    expect(s.error).toBeNull()
    const stop = s.listen()
    fake.emit('session:changed', { ...unlocked, locked: true })
    expect(s.locked).toBe(true)
    stop()
  })

  it('reports activity at most once per throttle window and not while locked', async () => {
    const fake = installFakePos({ 'session:activity': () => ok(unlocked) })
    const s = useSessionStore()
    s.apply(unlocked)
    await s.reportActivity(100_000)
    await s.reportActivity(100_000 + ACTIVITY_THROTTLE_MS - 1)
    await s.reportActivity(100_000 + ACTIVITY_THROTTLE_MS)
    expect(fake.calls.filter((c) => c.command === 'session:activity')).toHaveLength(2)
    s.apply({ ...unlocked, locked: true })
    await s.reportActivity(10 ** 9)
    expect(fake.calls.filter((c) => c.command === 'session:activity')).toHaveLength(2)
  })
})

describe('settings store', () => {
  it('updates optimistically and rolls back when main refuses', async () => {
    let refuse = false
    installFakePos({
      'settings:get': () => ok(DEFAULT_SETTINGS),
      'settings:update': (req) =>
        refuse ? fail('forbidden', 'Not in cashier mode') : ok({ ...DEFAULT_SETTINGS, ...(req as object) }),
    })
    const s = useSettingsStore()
    await s.hydrate()
    expect(await s.update({ shopName: 'Bakery' })).toBe(true)
    expect(s.settings?.shopName).toBe('Bakery')
    refuse = true
    const pending = s.update({ shopName: 'Nope' })
    expect(s.settings?.shopName).toBe('Nope')
    expect(await pending).toBe(false)
    expect(s.settings?.shopName).toBe('Bakery')
    expect(s.error).toMatchObject({ code: 'forbidden' })
  })
})

describe('checkout store', () => {
  it('enters amounts like a cash register, computes percent and custom tips', () => {
    installFakePos({})
    const c = useCheckoutStore()
    c.currency = 'USD'
    for (const k of ['1', '2', '3', '4'] as const) c.press(k)
    expect(c.amountMinor).toBe(1234)
    c.press('00')
    expect(c.amountMinor).toBe(123400)
    c.press('back')
    expect(c.amountMinor).toBe(12340)
    c.setTip({ kind: 'percent', percent: 15 })
    expect(c.tipMinor).toBe(1851) // 15% of 123.40 = 18.51
    expect(c.totalMinor).toBe(14191)
    c.setTip({ kind: 'custom', minor: -5 })
    expect(c.tip).toEqual({ kind: 'percent', percent: 15 })
    c.setTip({ kind: 'custom', minor: 250 })
    expect(c.totalMinor).toBe(12590)
    c.press('clear')
    expect(c.amountMinor).toBe(0)
    expect(c.canCharge).toBe(false)
    for (let i = 0; i < 30; i++) c.press('9')
    expect(Number.isSafeInteger(c.amountMinor)).toBe(true)
  })

  it('says the engine is unavailable rather than pretending to charge', async () => {
    installFakePos({ 'checkout:start': () => fail('unavailable', 'The payment engine is still starting.') })
    const c = useCheckoutStore()
    c.press('5')
    expect(await c.charge()).toBe(false)
    expect(c.phase).toBe('entry')
    expect(c.error).toMatchObject({ code: 'unavailable' })
  })

  it('with an engine: awaiting → PAID only for its own checkout id', async () => {
    const session = {
      checkoutId: 'c1',
      qr: 'pubkyabc',
      amountMinor: 500,
      tipMinor: 0,
      totalMinor: 500,
      currency: 'SAT',
      createdAt: 0,
      expiresAt: 60_000,
    }
    const fake = installFakePos({}, { 'checkout:start': () => ok(session) })
    const c = useCheckoutStore()
    const stop = c.listen()
    c.press('5')
    c.press('00')
    expect(await c.charge()).toBe(true)
    expect(fake.calls[0]).toEqual({
      command: 'checkout:start',
      request: { amountMinor: 500, tipMinor: 0, currency: 'SAT', memo: '' },
    })
    expect(c.phase).toBe('awaiting')
    c.press('9')
    expect(c.amountMinor).toBe(500)
    fake.emit('checkout:paid', {
      checkoutId: 'other',
      totalMinor: 500,
      currency: 'SAT',
      paidAt: 1,
      method: 'Lightning',
      receiptId: 'r',
    })
    expect(c.phase).toBe('awaiting')
    fake.emit('checkout:paid', {
      checkoutId: 'c1',
      totalMinor: 500,
      currency: 'SAT',
      paidAt: 1,
      method: 'Lightning',
      receiptId: 'r',
    })
    expect(c.phase).toBe('paid')
    c.newSale()
    expect(c.phase).toBe('entry')
    expect(c.amountMinor).toBe(0)
    stop()
  })
})

describe('onboarding store', () => {
  const draft = {
    draftId: 'd1',
    words: 'one two three four five six seven eight nine ten eleven twelve'.split(' '),
    confirmPositions: [2, 5, 11],
    expiresAt: 1,
  }

  it('create: shows the draft, checks words, finishes, hands the session over and forgets the phrase', async () => {
    const fake = installFakePos({ 'identity:draft': () => ok(draft), 'identity:create': () => ok(unlocked) })
    const o = useOnboardingStore()
    await o.startCreate()
    expect(o.step).toBe('phrase')
    o.confirmations = ['two', 'five', 'wrong']
    expect(o.confirmWords()).toBe(false)
    expect(o.error?.message).toMatch(/Word #11/)
    o.confirmations = ['Two ', 'five', 'eleven']
    expect(o.confirmWords()).toBe(true)
    expect(o.step).toBe('homeserver')
    expect(await o.create('1234')).toBe(true)
    expect(fake.calls.at(-1)).toEqual({
      command: 'identity:create',
      request: {
        draftId: 'd1',
        confirmations: ['Two ', 'five', 'eleven'],
        pin: '1234',
        homeserver: { kind: 'embedded' },
      },
    })
    expect(o.step).toBe('done')
    expect(o.draft).toBeNull()
    expect(useSessionStore().locked).toBe(false)
  })

  it('a refused import keeps the step and shows why', async () => {
    installFakePos({ 'identity:import-phrase': () => fail('invalid-input', 'unknown word "foo"') })
    const o = useOnboardingStore()
    o.startImport('import-phrase')
    expect(await o.importPhrase('foo', '', '1234')).toBe(false)
    expect(o.step).toBe('import')
    expect(o.error).toMatchObject({ code: 'invalid-input', message: 'unknown word "foo"' })
  })
})
