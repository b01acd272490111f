// `paykit id new | show | import` through the real CLI: the phrase is shown once, the recovery file
// is the SDK format with mode 0600, show never prints the secret, and both import paths give back
// the same pubky. Bad input (no/short/wrong passphrase, existing identity) exits 1 and writes nothing.
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { identityFromMnemonic } from '../../electron/main/core/keys/identity'
import { decryptRecoveryFile } from '../../electron/main/core/keys/recovery-file'
import { toHex } from '../../electron/main/core/util/bytes'
import { runCli } from './run-cli'

const PASS = 'correct horse battery staple'

interface NewOut {
  pubky: string
  uri: string
  recoveryFile: string
  recoveryPhrase: string
  warning: string
}

describe('paykit id', () => {
  let root: string
  let home: string
  let created: NewOut
  let createdText: string
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'paykit-cli-id-'))
    home = join(root, 'home')
    const r = await runCli(['id', 'new', '--json'], { env: { PAYKIT_HOME: home, PAYKIT_PASSPHRASE: PASS } })
    expect(r.code, r.stderr).toBe(0)
    created = JSON.parse(r.stdout) as NewOut
    const text = await runCli(['id', 'new', '--data-dir', join(root, 'text')], {
      env: { PAYKIT_PASSPHRASE: PASS },
    })
    expect(text.code, text.stderr).toBe(0)
    createdText = text.stdout
  }, 60_000)
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('new: prints a 12-word phrase once, with a warning, for the key the phrase derives', () => {
    const words = created.recoveryPhrase.split(' ')
    expect(words).toHaveLength(12)
    expect(created.warning).toMatch(/Write these words down/)
    expect(identityFromMnemonic(created.recoveryPhrase).z32).toBe(created.pubky)
    expect(created.uri).toBe(`pubky://${created.pubky}`)
    expect(createdText).toContain('RECOVERY PHRASE (shown once):')
    expect(createdText).toMatch(/Write these words down/)
    expect(createdText.match(/^ {2}(\w+ ){11}\w+$/m)).not.toBeNull()
  })

  it('new: stores the SDK recovery file (91 bytes, mode 0600) that opens with the passphrase', () => {
    expect(created.recoveryFile).toBe(join(home, 'recovery.pkarr'))
    const st = statSync(created.recoveryFile)
    expect(st.mode & 0o777).toBe(0o600)
    expect(statSync(join(home, 'identity.json')).mode & 0o777).toBe(0o600)
    const bytes = new Uint8Array(readFileSync(created.recoveryFile))
    expect(bytes.length).toBe(91)
    expect(Buffer.from(bytes.subarray(0, 19)).toString()).toBe('pubky.org/recovery\n')
    const secret = decryptRecoveryFile(bytes, PASS)
    expect(toHex(secret)).toBe(toHex(identityFromMnemonic(created.recoveryPhrase).secretKey))
    // Nothing in the folder holds the phrase.
    for (const f of readdirSync(home)) {
      expect(readFileSync(join(home, f)).toString('latin1')).not.toContain(
        created.recoveryPhrase.split(' ').slice(0, 2).join(' '),
      )
    }
  })

  it('show: pubky, URI and file location in text and JSON; never the secret or the phrase', async () => {
    const [text, json] = await Promise.all([
      runCli(['id', 'show'], { env: { PAYKIT_HOME: home } }),
      runCli(['id', 'show', '--json'], { env: { PAYKIT_HOME: home } }),
    ])
    expect(text.code).toBe(0)
    expect(text.stdout).toContain(created.pubky)
    expect(text.stdout).toContain(`pubky://${created.pubky}`)
    expect(text.stdout).toContain(created.recoveryFile)
    const o = JSON.parse(json.stdout) as Record<string, string>
    expect(o['pubky']).toBe(created.pubky)
    expect(o['recoveryFile']).toBe(created.recoveryFile)
    expect(o['recoveryFileMode']).toBe('0600')
    const id = identityFromMnemonic(created.recoveryPhrase)
    for (const out of [text.stdout + text.stderr, json.stdout + json.stderr]) {
      expect(out).not.toContain(toHex(id.secretKey))
      expect(out).not.toContain(Buffer.from(id.secretKey).toString('base64'))
      // Phrase words are common English ("file", "device"), so look for runs of them, not single words.
      expect(out).not.toContain(created.recoveryPhrase.split(' ').slice(0, 3).join(' '))
      expect(out).not.toContain(created.recoveryPhrase.split(' ').slice(-3).join(' '))
    }
  })

  it('import --phrase-file (from a file and from stdin) restores the same pubky', async () => {
    const phraseFile = join(root, 'phrase.txt')
    writeFileSync(phraseFile, `  ${created.recoveryPhrase.toUpperCase()}\n`)
    const passFile = join(root, 'pass.txt')
    writeFileSync(passFile, `${PASS}\n`)
    const [fromFile, fromStdin] = await Promise.all([
      runCli([
        'id',
        'import',
        '--phrase-file',
        phraseFile,
        '--passphrase-file',
        passFile,
        '--data-dir',
        join(root, 'p1'),
        '--json',
      ]),
      runCli(['id', 'import', '--phrase-file', '-', '--data-dir', join(root, 'p2'), '--json'], {
        env: { PAYKIT_PASSPHRASE: PASS },
        input: created.recoveryPhrase,
      }),
    ])
    expect(fromFile.code, fromFile.stderr).toBe(0)
    expect(fromStdin.code, fromStdin.stderr).toBe(0)
    expect((JSON.parse(fromFile.stdout) as { pubky: string }).pubky).toBe(created.pubky)
    expect((JSON.parse(fromStdin.stdout) as { pubky: string }).pubky).toBe(created.pubky)
    const shown = await runCli(['id', 'show', '--json', '--data-dir', join(root, 'p1')])
    expect((JSON.parse(shown.stdout) as { pubky: string }).pubky).toBe(created.pubky)
    expect(statSync(join(root, 'p1', 'recovery.pkarr')).mode & 0o777).toBe(0o600)
    // A recovery file others can read is reported (the person may have copied it with cp -p).
    chmodSync(join(root, 'p1', 'recovery.pkarr'), 0o644)
    const loose = await runCli(['id', 'show', '--data-dir', join(root, 'p1')])
    expect(loose.code).toBe(0)
    expect(loose.stderr).toContain('is readable by others (mode 644); run chmod 600 on it')
  })

  it('import --recovery-file restores the same pubky and keeps the file as it was', async () => {
    const dir = join(root, 'r1')
    const r = await runCli(
      ['id', 'import', '--recovery-file', created.recoveryFile, '--data-dir', dir, '--json'],
      {
        env: { PAYKIT_PASSPHRASE: PASS },
      },
    )
    expect(r.code, r.stderr).toBe(0)
    expect((JSON.parse(r.stdout) as { pubky: string }).pubky).toBe(created.pubky)
    expect(readFileSync(join(dir, 'recovery.pkarr'))).toEqual(readFileSync(created.recoveryFile))
    expect(statSync(join(dir, 'recovery.pkarr')).mode & 0o777).toBe(0o600)
  })

  it('a wrong passphrase on import exits 1, says so, and writes nothing', async () => {
    const dir = join(root, 'wrong')
    const r = await runCli(['id', 'import', '--recovery-file', created.recoveryFile, '--data-dir', dir], {
      env: { PAYKIT_PASSPHRASE: 'not the passphrase' },
    })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      /^paykit: error: wrong passphrase, or the recovery file is damaged\. Nothing was imported/,
    )
    expect(existsSync(dir)).toBe(false)
  })

  it('refuses: no passphrase, a short one, a bad phrase, an existing identity, both sources — exit 1, nothing written', async () => {
    const bad = join(root, 'bad-phrase.txt')
    writeFileSync(
      bad,
      'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon zoo',
    )
    const before = readFileSync(created.recoveryFile)
    const [none, short, badPhrase, exists, both] = await Promise.all([
      runCli(['id', 'new', '--data-dir', join(root, 'n1')]),
      runCli(['id', 'new', '--data-dir', join(root, 'n2')], { env: { PAYKIT_PASSPHRASE: 'short' } }),
      runCli(['id', 'import', '--phrase-file', bad, '--data-dir', join(root, 'n3')], {
        env: { PAYKIT_PASSPHRASE: PASS },
      }),
      runCli(['id', 'new'], { env: { PAYKIT_HOME: home, PAYKIT_PASSPHRASE: PASS } }),
      runCli(['id', 'import', '--phrase-file', bad, '--recovery-file', bad, '--data-dir', join(root, 'n4')]),
    ])
    expect(none.code).toBe(1)
    expect(none.stderr).toContain('no passphrase for the recovery file')
    expect(none.stderr).toContain('PAYKIT_PASSPHRASE')
    expect(short.code).toBe(1)
    expect(short.stderr).toContain('a recovery file needs at least 8')
    expect(badPhrase.code).toBe(1)
    expect(badPhrase.stderr).toContain('checksum does not match')
    expect(exists.code).toBe(1)
    expect(exists.stderr).toContain(`an identity already exists in ${home} (${created.pubky})`)
    expect(exists.stderr).toContain('--force')
    expect(both.code).toBe(1)
    expect(both.stderr).toContain('give exactly one of --phrase-file and --recovery-file')
    for (const d of ['n1', 'n2', 'n3', 'n4']) expect(existsSync(join(root, d))).toBe(false)
    expect(readFileSync(created.recoveryFile)).toEqual(before)
  })

  it('show without an identity exits 1 and says how to make one', async () => {
    const r = await runCli(['id', 'show', '--data-dir', join(root, 'empty')])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('no identity in')
    expect(r.stderr).toContain('paykit id new')
  })
})
