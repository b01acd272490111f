/**
 * @module cli/secrets
 * Where secrets come from: a file (`-` for stdin) or an environment variable, never the command
 * line, which lands in shell history and in `ps` output for every user of the machine.
 */
import { readFileSync, statSync } from 'node:fs'
import { fromUtf8, wipe } from '../main/core/util/bytes'
import type { CommandContext } from './context'
import { userPath } from './context'
import { CliError } from './errors'

export const PASSPHRASE_ENV = 'PAYKIT_PASSPHRASE'
/** Bigger than any passphrase or phrase; a file past this is the wrong file. */
const MAX_SECRET_FILE = 4096
/** New recovery files need at least this many characters (Argon2id slows guessing, it cannot fix "1234"). */
export const MIN_PASSPHRASE = 8

/** Reads a small secret file, or stdin for `-`. */
export async function readSecretFile(ctx: CommandContext, file: string, what: string): Promise<Uint8Array> {
  if (file === '-') return ctx.io.readStdin(MAX_SECRET_FILE)
  const path = userPath(ctx.io, file)
  let size: number
  try {
    size = statSync(path).size
  } catch {
    throw new CliError(
      'cli-input',
      `cannot read the ${what} file ${path}`,
      'Check the path (use - to read stdin).',
    )
  }
  if (size > MAX_SECRET_FILE) {
    throw new CliError(
      'cli-input',
      `${path} is ${size} bytes; a ${what} file holds only the ${what}`,
      'Check the path.',
    )
  }
  return new Uint8Array(readFileSync(path))
}

function textOf(bytes: Uint8Array, what: string): string {
  try {
    return fromUtf8(bytes, what)
  } catch {
    throw new CliError('cli-input', `the ${what} is not UTF-8 text`, `Save the ${what} as plain text.`)
  } finally {
    wipe(bytes)
  }
}

/**
 * The passphrase from `--passphrase-file` (one trailing newline dropped, as editors add one) or
 * `$PAYKIT_PASSPHRASE`. `forNewFile` enforces a minimum length.
 */
export async function readPassphrase(
  ctx: CommandContext,
  file: string | undefined,
  forNewFile: boolean,
): Promise<string> {
  let pass: string
  if (file !== undefined) pass = textOf(await readSecretFile(ctx, file, 'passphrase'), 'passphrase')
  else {
    const env = ctx.io.env[PASSPHRASE_ENV]
    if (env === undefined || env === '') {
      throw new CliError(
        'cli-input',
        'no passphrase for the recovery file',
        `Give --passphrase-file FILE (- for stdin) or set ${PASSPHRASE_ENV}; it is never taken from the command line.`,
      )
    }
    pass = env
  }
  pass = pass.replace(/\r?\n$/, '')
  if (pass.length === 0) {
    throw new CliError('cli-input', 'the passphrase is empty', 'Put the passphrase in the file (one line).')
  }
  if (forNewFile && [...pass].length < MIN_PASSPHRASE) {
    throw new CliError(
      'cli-input',
      `the passphrase has ${[...pass].length} characters; a recovery file needs at least ${MIN_PASSPHRASE}`,
      'Choose a longer passphrase.',
    )
  }
  return pass
}

/** A recovery phrase from a file (or stdin), as text; the core validates and normalises it. */
export async function readPhraseFile(ctx: CommandContext, file: string): Promise<string> {
  return textOf(await readSecretFile(ctx, file, 'recovery phrase'), 'recovery phrase')
}
