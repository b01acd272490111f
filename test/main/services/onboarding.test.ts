import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { identityFromMnemonic } from '../../../electron/main/core/keys/identity'
import { encryptRecoveryFile } from '../../../electron/main/core/keys/recovery-file'
import { makeServices, createIdentity, tempDir } from '../helpers'

const PHRASE = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about'

describe('onboarding: create with a confirmed phrase', () => {
  it('shows 12 words with 3 positions, keeps the identity only after the right words, and unlocks', async () => {
    const { dir, cleanup } = tempDir()
    try {
      const { services } = await makeServices(dir)
      const draft = services.identity.createDraft()
      expect(draft.words).toHaveLength(12)
      expect(draft.confirmPositions).toHaveLength(3)
      expect(new Set(draft.confirmPositions).size).toBe(3)
      for (const p of draft.confirmPositions) expect(p).toBeGreaterThanOrEqual(1)

      const wrong = draft.confirmPositions.map(() => 'zoo')
      await expect(
        services.identity.createFromDraft({
          draftId: draft.draftId,
          confirmations: wrong,
          pin: 'pin-12345',
          homeserver: { kind: 'embedded' },
        }),
      ).rejects.toMatchObject({
        code: 'invalid-input',
        message: expect.stringMatching(/^Word #\d+ does not match/),
      })
      expect(services.session.hasIdentity()).toBe(false)

      const right = draft.confirmPositions.map((p) => `  ${draft.words[p - 1]!.toUpperCase()} `)
      const state = await services.identity.createFromDraft({
        draftId: draft.draftId,
        confirmations: right,
        pin: 'pin-12345',
        homeserver: { kind: 'embedded' },
      })
      const expected = identityFromMnemonic(draft.words.join(' '))
      expect(state.identity?.publicKey).toBe(expected.z32)
      expect(state.identity?.uri).toBe(`pubky${expected.z32}`)
      expect(state.locked).toBe(false)
      // The state file holds the public key, never the secret.
      const file = readFileSync(join(dir, 'state.json'), 'utf8')
      expect(file).toContain(expected.z32)
      expect(file).not.toContain(Buffer.from(expected.secretKey).toString('base64'))
      expect(file).not.toContain(Buffer.from(expected.secretKey).toString('hex'))
      // The draft is spent.
      await expect(
        services.identity.createFromDraft({
          draftId: draft.draftId,
          confirmations: right,
          pin: 'pin-12345',
          homeserver: { kind: 'embedded' },
        }),
      ).rejects.toMatchObject({ code: 'conflict' })
    } finally {
      cleanup()
    }
  })

  it('an expired or replaced draft is not-found; a short PIN for the file store is invalid-input', async () => {
    const { dir, cleanup } = tempDir()
    try {
      const { services, clock } = await makeServices(dir)
      const first = services.identity.createDraft()
      const second = services.identity.createDraft()
      const words = (d: typeof first) => d.confirmPositions.map((p) => d.words[p - 1]!)
      await expect(
        services.identity.createFromDraft({
          draftId: first.draftId,
          confirmations: words(first),
          pin: 'pin-12345',
          homeserver: { kind: 'embedded' },
        }),
      ).rejects.toMatchObject({ code: 'not-found' })
      await expect(
        services.identity.createFromDraft({
          draftId: second.draftId,
          confirmations: words(second),
          pin: '1234',
          homeserver: { kind: 'embedded' },
        }),
      ).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('too short') })
      clock.advance(16 * 60_000)
      await expect(
        services.identity.createFromDraft({
          draftId: second.draftId,
          confirmations: words(second),
          pin: 'pin-12345',
          homeserver: { kind: 'embedded' },
        }),
      ).rejects.toMatchObject({ code: 'not-found' })
      expect(services.session.hasIdentity()).toBe(false)
    } finally {
      cleanup()
    }
  })
})

describe('onboarding: import', () => {
  it('imports the BIP-39 test phrase (messy spacing and case) to the Ring-compatible key', async () => {
    const { dir, cleanup } = tempDir()
    try {
      const { services } = await makeServices(dir)
      const state = await services.identity.importPhrase({
        phrase: `  ${PHRASE.toUpperCase().replaceAll(' ', '   ')}\n`,
        passphrase: '',
        pin: 'pin-12345',
        homeserver: { kind: 'hosted', homeserver: identityFromMnemonic(PHRASE).z32, signupToken: 'tok-1' },
      })
      expect(state.identity?.publicKey).toBe(identityFromMnemonic(PHRASE).z32)
      expect(state.identity?.homeserver).toEqual({
        kind: 'hosted',
        homeserver: identityFromMnemonic(PHRASE).z32,
      })
      expect(JSON.stringify(state)).not.toContain('tok-1')
    } finally {
      cleanup()
    }
  })

  it('a bad phrase explains itself and stores nothing', async () => {
    const { dir, cleanup } = tempDir()
    try {
      const { services } = await makeServices(dir)
      await expect(
        services.identity.importPhrase({
          phrase: PHRASE.replace('about', 'abandon'),
          passphrase: '',
          pin: 'pin-12345',
          homeserver: { kind: 'embedded' },
        }),
      ).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('checksum') })
      expect(services.session.hasIdentity()).toBe(false)
    } finally {
      cleanup()
    }
  })

  it('imports a Pubky recovery file; a wrong passphrase is decrypt, garbage is invalid-input', async () => {
    const { dir, cleanup } = tempDir()
    try {
      const { services } = await makeServices(dir)
      const id = identityFromMnemonic(PHRASE)
      const file = Buffer.from(encryptRecoveryFile(id.secretKey, 'file-pass')).toString('base64')
      await expect(
        services.identity.importRecoveryFile({
          fileBase64: file,
          filePassphrase: 'nope',
          pin: 'pin-12345',
          homeserver: { kind: 'embedded' },
        }),
      ).rejects.toMatchObject({ code: 'decrypt' })
      await expect(
        services.identity.importRecoveryFile({
          fileBase64: Buffer.from('hello').toString('base64'),
          filePassphrase: 'x',
          pin: 'pin-12345',
          homeserver: { kind: 'embedded' },
        }),
      ).rejects.toMatchObject({ code: 'invalid-input' })
      expect(services.session.hasIdentity()).toBe(false)
      const state = await services.identity.importRecoveryFile({
        fileBase64: file,
        filePassphrase: 'file-pass',
        pin: 'pin-12345',
        homeserver: { kind: 'embedded' },
      })
      expect(state.identity?.publicKey).toBe(id.z32)
    } finally {
      cleanup()
    }
  })
})

describe('session lock, PIN back-off, idle auto-lock', () => {
  it('survives a restart: locked at start, unlocks with the PIN, wrong PINs back off after five', async () => {
    const { dir, cleanup } = tempDir()
    try {
      const first = await makeServices(dir)
      const { state } = await createIdentity(first.services, 'pin-12345')
      first.services.dispose()

      const { services, clock } = await makeServices(dir)
      expect(services.session.status()).toMatchObject({
        locked: true,
        identity: { publicKey: state.identity!.publicKey },
      })
      expect(() => services.session.identitySecret()).toThrow(/locked/)
      for (let i = 0; i < 5; i++)
        await expect(services.session.unlock('wrong-pin')).rejects.toMatchObject({ code: 'bad-pin' })
      await expect(services.session.unlock('pin-12345')).rejects.toMatchObject({
        code: 'rate-limited',
        message: expect.stringMatching(/30 seconds/),
      })
      clock.advance(30_000)
      const unlocked = await services.session.unlock('pin-12345')
      expect(unlocked.locked).toBe(false)
      expect(services.session.identitySecret()).toHaveLength(32)

      const events: boolean[] = []
      services.bus.subscribe((e, p) => {
        if (e === 'session:changed') events.push((p as { locked: boolean }).locked)
      })
      expect(unlocked.lockAt).toBe(clock.now() + 5 * 60_000)
      clock.advance(4 * 60_000)
      services.session.activity()
      clock.advance(4 * 60_000)
      expect(services.session.idle.tick()).toBe(false)
      clock.advance(60_000)
      expect(services.session.idle.tick()).toBe(true)
      expect(services.session.status().locked).toBe(true)
      expect(events).toEqual([true])
      // Locked is a UI lock: the engine keeps its key.
      expect(services.session.identitySecret()).toHaveLength(32)
      services.dispose()
    } finally {
      cleanup()
    }
  })
})

describe('settings and cashier mode', () => {
  it('cashier mode needs the PIN to leave; auto-lock changes apply; PIN change works', async () => {
    const { dir, cleanup } = tempDir()
    try {
      const { services, clock } = await makeServices(dir)
      await createIdentity(services, 'pin-12345')
      await services.settings.setCashierMode(true, '')
      expect(services.accessState().cashierMode).toBe(true)
      await expect(services.settings.setCashierMode(false, 'wrong-pin')).rejects.toMatchObject({
        code: 'bad-pin',
      })
      expect(services.settings.get().cashierMode).toBe(true)
      await services.settings.setCashierMode(false, 'pin-12345')
      expect(services.settings.get().cashierMode).toBe(false)

      await services.settings.update({ autoLockMinutes: 1 })
      expect(services.session.status().lockAt).toBe(clock.now() + 60_000)

      await services.settings.changePin('pin-12345', 'new-pin-678')
      services.session.lock()
      await expect(services.session.unlock('pin-12345')).rejects.toMatchObject({ code: 'bad-pin' })
      expect((await services.session.unlock('new-pin-678')).locked).toBe(false)
    } finally {
      cleanup()
    }
  })
})

describe('encrypted backup and restore', () => {
  it('restores identity and settings on a fresh device; wrong passphrase and tampering are refused', async () => {
    const a = tempDir()
    const b = tempDir()
    try {
      const { services: src } = await makeServices(a.dir)
      const { state } = await createIdentity(src, 'pin-12345')
      await src.settings.update({ shopName: 'Corner Café', currency: 'EUR', tipPresets: [10, 20] })
      await expect(src.backup.exportBackup('bad-pin-1', 'backup-pass')).rejects.toMatchObject({
        code: 'bad-pin',
      })
      const file = await src.backup.exportBackup('pin-12345', 'backup-pass')
      expect(file.fileName).toMatch(/^paykit-pos-backup-2026-11-22\.pkbackup$/)
      expect(Buffer.from(file.base64, 'base64').subarray(0, 4).toString()).toBe('PKSB')

      const { services: dst } = await makeServices(b.dir)
      await expect(dst.backup.restore(file.base64, 'wrong-pass', 'other-pin-1')).rejects.toMatchObject({
        code: 'decrypt',
      })
      const tampered = Buffer.from(file.base64, 'base64')
      tampered[tampered.length - 5] = tampered[tampered.length - 5]! ^ 0xff
      await expect(
        dst.backup.restore(tampered.toString('base64'), 'backup-pass', 'other-pin-1'),
      ).rejects.toMatchObject({ code: 'decrypt' })
      expect(dst.session.hasIdentity()).toBe(false)

      const restored = await dst.backup.restore(file.base64, 'backup-pass', 'other-pin-1')
      expect(restored.identity?.publicKey).toBe(state.identity?.publicKey)
      expect(dst.settings.get()).toMatchObject({
        shopName: 'Corner Café',
        currency: 'EUR',
        tipPresets: [10, 20],
        cashierMode: false,
      })
      dst.session.lock()
      expect((await dst.session.unlock('other-pin-1')).locked).toBe(false)
    } finally {
      a.cleanup()
      b.cleanup()
    }
  })
})
