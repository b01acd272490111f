/**
 * @module cli/context
 * What a command runs with: where to write, the environment, the Paykit home folder, time and
 * randomness (injected, as everywhere in the core), and a promise for the shutdown signal. `main`
 * builds the real one; tests of the CLI run the real process, so nothing here is faked.
 */
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Clock } from '../main/core/util/clock'
import type { Rng } from '../main/core/util/rng'
import { bigintReplacer } from './format'

export interface CliIo {
  stdout(text: string): void
  stderr(text: string): void
  /** Reads all of stdin (for `--passphrase-file -`); bounded by `maxBytes`. */
  readStdin(maxBytes: number): Promise<Uint8Array>
  env: Readonly<Record<string, string | undefined>>
  cwd: string
}

export interface CommandContext {
  io: CliIo
  /** `--json` was given: one JSON document on stdout, nothing else there. */
  json: boolean
  clock: Clock
  rng: Rng
  /** Resolves with the signal name on SIGINT/SIGTERM (long-running commands await it). */
  shutdownSignal(): Promise<string>
  /** Prints the command's result: `text` for people, `data` as JSON with `--json`. */
  result(text: string, data: unknown): void
  /** A note for people on stderr (progress, warnings); silent with `--json` unless `always`. */
  note(text: string, always?: boolean): void
}

/** `$PAYKIT_HOME`, else `~/.paykit`. */
export function paykitHome(io: CliIo): string {
  const env = io.env['PAYKIT_HOME']
  return env && env.length > 0 ? resolve(io.cwd, env) : join(homedir(), '.paykit')
}

/** Resolves a path the person typed, relative to the working directory. */
export function userPath(io: CliIo, p: string): string {
  return resolve(io.cwd, p)
}

export function createContext(
  io: CliIo,
  json: boolean,
  clock: Clock,
  rng: Rng,
  shutdownSignal: () => Promise<string>,
): CommandContext {
  return {
    io,
    json,
    clock,
    rng,
    shutdownSignal,
    result(text, data) {
      if (json) io.stdout(`${JSON.stringify(data, bigintReplacer, 2)}\n`)
      else io.stdout(text.endsWith('\n') ? text : `${text}\n`)
    },
    note(text, always = false) {
      if (!json || always) io.stderr(text.endsWith('\n') ? text : `${text}\n`)
    },
  }
}
