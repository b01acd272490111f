import { afterEach, describe, expect, it } from 'vitest'
import { call, onEvent } from '@renderer/bridge/pos'
import { fail, installFakePos } from './fake-pos'

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

  it('engine commands go through the same bridge and keep the main process error', async () => {
    installFakePos({
      'checkout:start': () => fail('unavailable', 'The payment engine is still starting.'),
    })
    expect(
      await call('checkout:start', { amountMinor: 1, tipMinor: 0, currency: 'SAT', memo: '' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'unavailable', message: expect.stringContaining('starting') },
    })
  })
})
