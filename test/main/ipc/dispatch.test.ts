import { describe, expect, it } from 'vitest'
import { createDispatcher, toIpcError } from '../../../electron/main/ipc/dispatch'
import { createRouter } from '../../../electron/main/ipc/router'
import { memoryLogger } from '../../../electron/main/platform/logger'
import { PaykitError } from '../../../electron/main/core/util/errors'
import { createIdentity, makeServices, tempDir } from '../helpers'

async function setup() {
  const t = tempDir()
  const { services } = await makeServices(t.dir)
  const log = memoryLogger()
  const dispatch = createDispatcher({ router: createRouter(services), access: services.accessState, log })
  return { ...t, services, log, dispatch }
}

describe('dispatcher', () => {
  it('refuses unknown commands and malformed requests with invalid-input, logging no secrets', async () => {
    const { dispatch, log, cleanup } = await setup()
    try {
      expect(await dispatch('__proto__', {})).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
      expect(await dispatch('checkout:begin', {})).toMatchObject({
        ok: false,
        error: { code: 'invalid-input', message: expect.stringContaining('Unknown command') },
      })
      expect(await dispatch('checkout:start', {})).toMatchObject({
        ok: false,
        error: { code: 'invalid-input', message: expect.stringContaining('amountMinor') },
      })
      const r = await dispatch('identity:import-phrase', {
        phrase: 'secret words here',
        passphrase: '',
        pin: '12',
        homeserver: { kind: 'embedded' },
      })
      expect(r).toMatchObject({
        ok: false,
        error: { code: 'invalid-input', message: 'pin: PIN must be at least 4 characters' },
      })
      expect(log.lines.join('\n')).not.toContain('secret words')
    } finally {
      cleanup()
    }
  })

  it('enforces the access policy: onboarding only once, owner-only in cashier mode, locked when locked', async () => {
    const { dispatch, services, cleanup } = await setup()
    try {
      expect(await dispatch('settings:get', {})).toMatchObject({ ok: false, error: { code: 'not-found' } })
      await createIdentity(services, 'pin-12345')
      expect(await dispatch('identity:draft', {})).toMatchObject({ ok: false, error: { code: 'conflict' } })
      expect(await dispatch('settings:get', {})).toMatchObject({ ok: true })
      await dispatch('settings:set-cashier-mode', { enabled: true, pin: '' })
      expect(await dispatch('settings:update', { shopName: 'X' })).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      })
      expect(await dispatch('backup:export', { pin: 'pin-12345', passphrase: 'long-enough' })).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      })
      expect(
        await dispatch('identity:export-recovery-file', { pin: 'pin-12345', passphrase: 'long-enough' }),
      ).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      })
      await dispatch('session:lock', {})
      expect(await dispatch('settings:get', {})).toMatchObject({ ok: false, error: { code: 'locked' } })
      expect(await dispatch('session:unlock', { pin: 'wrong-pin' })).toMatchObject({
        ok: false,
        error: { code: 'bad-pin' },
      })
      expect(await dispatch('session:unlock', { pin: 'pin-12345' })).toMatchObject({
        ok: true,
        value: { locked: false },
      })
    } finally {
      cleanup()
    }
  })

  it('never returns a secret: the full onboarding-to-export flow leaks no key bytes in any answer', async () => {
    const { dispatch, services, cleanup } = await setup()
    try {
      const draft = (await dispatch('identity:draft', {})) as {
        ok: true
        value: { draftId: string; words: string[]; confirmPositions: number[] }
      }
      const answers: unknown[] = []
      const words = draft.value.confirmPositions.map((p) => draft.value.words[p - 1])
      answers.push(
        await dispatch('identity:create', {
          draftId: draft.value.draftId,
          confirmations: words,
          pin: 'pin-12345',
          homeserver: { kind: 'embedded' },
        }),
      )
      answers.push(
        await dispatch('session:status', {}),
        await dispatch('settings:get', {}),
        await dispatch('app:info', {}),
      )
      answers.push(
        await dispatch('identity:export-recovery-file', { pin: 'pin-12345', passphrase: 'file-pass-1' }),
      )
      const secret = services.session.identitySecret()
      const text = JSON.stringify(answers)
      expect(answers.every((a) => (a as { ok: boolean }).ok)).toBe(true)
      expect(text).not.toContain(Buffer.from(secret).toString('hex'))
      expect(text).not.toContain(Buffer.from(secret).toString('base64'))
      expect(text).not.toContain(draft.value.words.join(' '))
    } finally {
      cleanup()
    }
  })

  it('maps thrown errors: our codes pass through, foreign errors become a generic internal error', () => {
    expect(toIpcError(new PaykitError('bad-pin', 'Wrong'))).toEqual({ code: 'bad-pin', message: 'Wrong' })
    expect(toIpcError(new PaykitError('recovery-weird', 'odd'))).toEqual({ code: 'internal', message: 'odd' })
    expect(toIpcError(new TypeError('x is undefined at /home/user/secret'))).toEqual({
      code: 'internal',
      message: 'Something went wrong in the app. Details are in the log.',
    })
  })
})
