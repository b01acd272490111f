/**
 * @module cli/commands/id
 * `paykit id new | import | show`: the merchant identity, kept as the Pubky recovery file (the SDK's
 * and Ring's encrypted format) in the Paykit home folder. The recovery phrase is shown once, at
 * creation, and never stored; `show` never reads the secret.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { wipe } from '../../main/core/util/bytes'
import { generateMnemonic, identityFromMnemonic, identityFromSecret } from '../../main/core/keys/identity'
import { decryptRecoveryFile, encryptRecoveryFile } from '../../main/core/keys/recovery-file'
import { bool, str } from '../args'
import type { CommandContext } from '../context'
import { paykitHome, userPath } from '../context'
import { CliError, EXIT_OK, UsageError, withHint } from '../errors'
import { table } from '../format'
import {
  identityExists,
  identityPaths,
  loadIdentityFacts,
  newDeviceId,
  recoveryFileMode,
  saveIdentity,
  type IdentityPaths,
} from '../identity-store'
import type { CommandSpec } from '../registry'
import { readPassphrase, readPhraseFile, PASSPHRASE_ENV } from '../secrets'
import type { OptionSpecs, ParsedArgs } from '../args'

export const DATA_DIR_OPTION: OptionSpecs = {
  'data-dir': {
    type: 'string',
    valueName: 'DIR',
    description: 'Paykit home folder holding the identity',
    defaultText: '$PAYKIT_HOME or ~/.paykit',
  },
}

export const PASSPHRASE_OPTION: OptionSpecs = {
  'passphrase-file': {
    type: 'string',
    valueName: 'FILE',
    description: `File holding the recovery-file passphrase (- for stdin); else $${PASSPHRASE_ENV}. Never given on the command line`,
  },
}

/** The identity files of `--data-dir` (or the home folder). */
export function pathsFor(ctx: CommandContext, args: ParsedArgs): IdentityPaths {
  const dir = str(args.values, 'data-dir')
  return identityPaths(dir === undefined ? paykitHome(ctx.io) : userPath(ctx.io, dir))
}

function refuseOverwrite(paths: IdentityPaths, force: boolean, command: string): void {
  if (!force && identityExists(paths)) {
    const who = (() => {
      try {
        return ` (${loadIdentityFacts(paths).pubky})`
      } catch {
        return ''
      }
    })()
    throw new CliError(
      'cli-state',
      `an identity already exists in ${paths.home}${who}`,
      `Keep it, or pass --force to ${command} over it (its recovery phrase or file is then the only way back).`,
    )
  }
}

const FORCE_OPTION: OptionSpecs = {
  force: { type: 'boolean', description: 'Replace an identity that is already in the data folder' },
}

function showFacts(pubky: string, paths: IdentityPaths): [string, string][] {
  return [
    ['pubky', pubky],
    ['pubky URI', `pubky://${pubky}`],
    ['recovery file', paths.recoveryFile],
  ]
}

export const idNewCommand: CommandSpec = {
  path: ['id', 'new'],
  summary: 'Create an identity: show its recovery phrase once, store an encrypted recovery file',
  description:
    'Generates a 12-word recovery phrase (the same derivation as Pubky Ring), prints it ONCE, and stores the identity as a Pubky recovery file encrypted with your passphrase (mode 0600) in the data folder. Write the phrase down: it is not stored anywhere.',
  options: { ...DATA_DIR_OPTION, ...PASSPHRASE_OPTION, ...FORCE_OPTION },
  examples: [
    'paykit id new --passphrase-file ./passphrase.txt',
    `${PASSPHRASE_ENV}='correct horse battery' paykit id new --data-dir ./merchant`,
  ],
  async run(ctx, args) {
    const paths = pathsFor(ctx, args)
    refuseOverwrite(paths, bool(args.values, 'force'), 'create a new one')
    const passphrase = await readPassphrase(ctx, str(args.values, 'passphrase-file'), true)
    const phrase = generateMnemonic(ctx.rng)
    const identity = identityFromMnemonic(phrase)
    try {
      const file = encryptRecoveryFile(identity.secretKey, passphrase, ctx.rng)
      const facts = {
        pubky: identity.z32,
        deviceId: newDeviceId(ctx.rng),
        createdAt: new Date(ctx.clock.now()).toISOString(),
      }
      saveIdentity(paths, file, facts, ctx.rng)
    } finally {
      wipe(identity.secretKey)
    }
    const warning =
      'Write these words down, in order, and keep them offline. They are shown only now; anyone who has them controls this identity.'
    ctx.result(
      [
        'Created a new Paykit identity.',
        table(showFacts(identity.z32, paths)),
        '',
        'RECOVERY PHRASE (shown once):',
        `  ${phrase}`,
        '',
        warning,
      ].join('\n'),
      {
        pubky: identity.z32,
        uri: `pubky://${identity.z32}`,
        recoveryFile: paths.recoveryFile,
        recoveryPhrase: phrase,
        warning,
      },
    )
    return EXIT_OK
  },
}

export const idImportCommand: CommandSpec = {
  path: ['id', 'import'],
  summary: 'Restore an identity from a recovery phrase or a Pubky recovery file',
  description:
    'Restores an identity from its BIP-39 recovery phrase (read from a file, never the command line) or from a Pubky recovery file (as exported by Pubky Ring or the SDK). With --phrase-file the identity is stored encrypted with the passphrase; with --recovery-file the passphrase must open that file, which is then stored as it is.',
  options: {
    'phrase-file': {
      type: 'string',
      valueName: 'FILE',
      description: 'File holding the recovery phrase (- for stdin)',
    },
    'recovery-file': {
      type: 'string',
      valueName: 'FILE',
      description: 'A Pubky recovery file (.pkarr) to import',
    },
    ...DATA_DIR_OPTION,
    ...PASSPHRASE_OPTION,
    ...FORCE_OPTION,
  },
  examples: [
    'paykit id import --phrase-file ./phrase.txt --passphrase-file ./passphrase.txt',
    `${PASSPHRASE_ENV}=… paykit id import --recovery-file ~/Downloads/backup.pkarr`,
  ],
  async run(ctx, args) {
    const hint = 'Run `paykit id import --help` for usage.'
    const phraseFile = str(args.values, 'phrase-file')
    const recoveryFile = str(args.values, 'recovery-file')
    if ((phraseFile === undefined) === (recoveryFile === undefined)) {
      throw new UsageError('give exactly one of --phrase-file and --recovery-file', hint)
    }
    if (str(args.values, 'passphrase-file') === '-' && (phraseFile ?? recoveryFile) === '-') {
      throw new UsageError(
        'only one of the passphrase and the phrase/recovery file can come from stdin (-)',
        hint,
      )
    }
    const paths = pathsFor(ctx, args)
    refuseOverwrite(paths, bool(args.values, 'force'), 'import over it')
    let z32: string
    if (phraseFile !== undefined) {
      const passphrase = await readPassphrase(ctx, str(args.values, 'passphrase-file'), true)
      const phrase = await readPhraseFile(ctx, phraseFile)
      const identity = identityFromMnemonic(phrase)
      try {
        const file = encryptRecoveryFile(identity.secretKey, passphrase, ctx.rng)
        saveIdentity(
          paths,
          file,
          {
            pubky: identity.z32,
            deviceId: newDeviceId(ctx.rng),
            createdAt: new Date(ctx.clock.now()).toISOString(),
          },
          ctx.rng,
        )
        z32 = identity.z32
      } finally {
        wipe(identity.secretKey)
      }
    } else {
      const path = userPath(ctx.io, recoveryFile!)
      if (!existsSync(path) || !statSync(path).isFile()) {
        throw new CliError('cli-input', `cannot read the recovery file ${path}`, 'Check the path.')
      }
      if (statSync(path).size > 1024) {
        throw new CliError(
          'cli-input',
          `${path} is ${statSync(path).size} bytes; a recovery file is 91`,
          'Check the path.',
        )
      }
      const bytes = new Uint8Array(readFileSync(path))
      const passphrase = await readPassphrase(ctx, str(args.values, 'passphrase-file'), false)
      let secret: Uint8Array
      try {
        secret = decryptRecoveryFile(bytes, passphrase)
      } catch (e) {
        throw withHint(e, `Nothing was imported. Check --passphrase-file or $${PASSPHRASE_ENV}.`)
      }
      const identity = identityFromSecret(secret)
      wipe(secret, identity.secretKey)
      saveIdentity(
        paths,
        bytes,
        {
          pubky: identity.z32,
          deviceId: newDeviceId(ctx.rng),
          createdAt: new Date(ctx.clock.now()).toISOString(),
        },
        ctx.rng,
      )
      z32 = identity.z32
    }
    ctx.result(['Imported the identity.', table(showFacts(z32, paths))].join('\n'), {
      pubky: z32,
      uri: `pubky://${z32}`,
      recoveryFile: paths.recoveryFile,
    })
    return EXIT_OK
  },
}

export const idShowCommand: CommandSpec = {
  path: ['id', 'show'],
  summary: 'Show the identity: pubky, pubky:// URI and where its recovery file is (never the secret)',
  description:
    'Prints the public key of the identity in the data folder, its pubky:// URI, the Noise device id and where the encrypted recovery file is. Needs no passphrase and never reads the secret.',
  options: { ...DATA_DIR_OPTION },
  examples: ['paykit id show', 'paykit id show --data-dir ./merchant --json'],
  async run(ctx, args) {
    const paths = pathsFor(ctx, args)
    const facts = loadIdentityFacts(paths)
    const mode = recoveryFileMode(paths)
    if (mode === undefined) {
      throw new CliError(
        'cli-state',
        `${paths.recoveryFile} is missing; this identity cannot sign anything`,
        'Restore it with `paykit id import --force`.',
      )
    }
    if ((mode & 0o077) !== 0) {
      ctx.note(
        `Warning: ${paths.recoveryFile} is readable by others (mode ${mode.toString(8)}); run chmod 600 on it.`,
        true,
      )
    }
    ctx.result(
      [
        ...table([
          ...showFacts(facts.pubky, paths),
          ['device id', facts.deviceId],
          ['created', facts.createdAt],
        ]).split('\n'),
      ].join('\n'),
      {
        pubky: facts.pubky,
        uri: `pubky://${facts.pubky}`,
        recoveryFile: paths.recoveryFile,
        recoveryFileMode: mode.toString(8).padStart(4, '0'),
        deviceId: facts.deviceId,
        createdAt: facts.createdAt,
      },
    )
    return EXIT_OK
  },
}
