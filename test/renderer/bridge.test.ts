import { afterEach, describe, expect, it } from 'vitest'
import { call, callEngine, engineAvailable, onEvent } from '@renderer/bridge/pos'
import { installFakePos, ok } from './fake-pos'

afterEach(() => {
  delete (window as { pos?: unknown }).pos
})

describe('bridge/pos', () => {
  it('answers unavailable without a bridge instead of throwing', async () => {
    expect(await call('app:info', {})).toMatchObject({ ok: false, error: { code: 'unavailable' } })
    expect(onEvent('session:changed', () => undefined)).toBeTypeOf('function')
  })

  it('turns a throwing or misbehaving invoker into an internal error', async () => {
    installFakePos({
      'app:info': () => {
        throw new Error('channel closed')
      },
      'session:status': () => 'garbage' as never,
    })
    expect(await call('app:info', {})).toMatchObject({
      ok: false,
      error: { code: 'internal', message: expect.stringContaining('channel closed') },
    })
    expect(await call('session:status', {})).toMatchObject({ ok: false, error: { code: 'internal' } })
  })

  it('engine commands are unavailable until the preload offers them', async () => {
    const fake = installFakePos({})
    expect(engineAvailable('checkout:start')).toBe(false)
    expect(
      await callEngine('checkout:start', { amountMinor: 1, tipMinor: 0, currency: 'SAT', memo: '' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'unavailable', message: expect.stringContaining('payment engine') },
    })
    fake.uninstall()
    installFakePos({}, { 'checkout:cancel': () => ok({ cancelled: true }) })
    expect(engineAvailable('checkout:cancel')).toBe(true)
    expect(await callEngine('checkout:cancel', { checkoutId: 'c1' })).toEqual(ok({ cancelled: true }))
  })
})
