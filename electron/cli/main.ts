/**
 * @module cli/main
 * Entry of the `paykit` command (bin/paykit.mjs calls `main(argv)` and exits with what it returns).
 * It finds the command in the registry, parses its options, prints help, runs it, and turns any
 * failure into one line on stderr and exit code 1 (usage/input) or 2 (run-time).
 *
 * The CLI shares the core's code and never duplicates it: commands call the same identity, recovery
 * file, validator, directory, store, gateway and embedded-node modules the app uses.
 */
import { readFileSync } from 'node:fs'
import { systemClock, type Clock } from '../main/core/util/clock'
import { systemRng, type Rng } from '../main/core/util/rng'
import { toPaykitError } from '../main/core/util/errors'
import { parseCommandArgs, suggest } from './args'
import { createContext, type CliIo } from './context'
import { CliError, codeOf, errorLine, exitCodeFor, EXIT_OK, EXIT_USAGE, UsageError } from './errors'
import { commandHelp, groupHelp, rootHelp } from './help'
import { builtinRegistry } from './commands'
import type { CommandRegistry } from './registry'

export interface MainDeps {
  io: CliIo
  clock: Clock
  rng: Rng
  registry: CommandRegistry
  /** Resolves on SIGINT/SIGTERM. */
  shutdownSignal: () => Promise<string>
}

function readStdin(maxBytes: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let total = 0
    const stdin = process.stdin
    if (stdin.isTTY) process.stderr.write('Reading from the terminal (it will echo); end with Ctrl-D.\n')
    const onData = (c: Buffer): void => {
      total += c.length
      if (total > maxBytes) {
        stdin.off('data', onData)
        stdin.pause()
        reject(
          new CliError(
            'cli-input',
            `standard input is longer than ${maxBytes} bytes`,
            'Give only the secret.',
          ),
        )
        return
      }
      chunks.push(c)
    }
    stdin.on('data', onData)
    stdin.once('end', () => resolve(new Uint8Array(Buffer.concat(chunks))))
    stdin.once('error', reject)
  })
}

export function processIo(): CliIo {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    readStdin,
    env: process.env,
    cwd: process.cwd(),
  }
}

let signalPromise: Promise<string> | undefined

/** One promise per process for the first SIGINT/SIGTERM; a second signal exits at once. */
export function processShutdownSignal(): Promise<string> {
  signalPromise ??= new Promise((resolve) => {
    const first = (sig: NodeJS.Signals): void => {
      process.off('SIGINT', first)
      process.off('SIGTERM', first)
      const force = (): void => process.exit(130)
      process.once('SIGINT', force)
      process.once('SIGTERM', force)
      resolve(sig)
    }
    process.on('SIGINT', first)
    process.on('SIGTERM', first)
  })
  return signalPromise
}

export function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: unknown
    }
    return typeof pkg.version === 'string' ? pkg.version : 'unknown'
  } catch {
    return 'unknown'
  }
}

/** Whether `--json` appears before a `--` terminator (errors honour it even when parsing fails). */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--')
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json')
}

const wantsHelp = (args: readonly string[]): boolean => args.includes('--help') || args.includes('-h')

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: readonly string[], deps: Partial<MainDeps> = {}): Promise<number> {
  const io = deps.io ?? processIo()
  const json = wantsJson(argv)
  const registry = deps.registry ?? builtinRegistry()
  try {
    const found = registry.resolve(argv)
    switch (found.kind) {
      case 'root': {
        if (found.rest.includes('--version')) {
          io.stdout(json ? `${JSON.stringify({ version: version() })}\n` : `${version()}\n`)
          return EXIT_OK
        }
        if (wantsHelp(found.rest)) {
          io.stdout(rootHelp(registry, version()))
          return EXIT_OK
        }
        const unknown = found.rest.find((a) => a !== '--json')
        if (unknown !== undefined) {
          const guess = suggest(unknown.replace(/^-+/, ''), ['help', 'version', 'json'])
          throw new UsageError(
            `unknown option ${JSON.stringify(unknown.slice(0, 60))}${guess ? ` (did you mean --${guess}?)` : ''}`,
            'Run `paykit --help` for usage.',
          )
        }
        io.stderr(rootHelp(registry, version()))
        return EXIT_USAGE
      }
      case 'group': {
        if (wantsHelp(found.rest)) {
          io.stdout(groupHelp(found.group, found.commands))
          return EXIT_OK
        }
        io.stderr(groupHelp(found.group, found.commands))
        return EXIT_USAGE
      }
      case 'command': {
        const cmd = found.command
        const hint = `Run \`paykit ${cmd.path.join(' ')} --help\` for usage.`
        const args = parseCommandArgs(found.rest, cmd.options, cmd.positionals ?? [], hint)
        if (args.values['help'] === true) {
          io.stdout(commandHelp(cmd))
          return EXIT_OK
        }
        const ctx = createContext(
          io,
          json,
          deps.clock ?? systemClock,
          deps.rng ?? systemRng,
          deps.shutdownSignal ?? processShutdownSignal,
        )
        return await cmd.run(ctx, args)
      }
    }
  } catch (e) {
    reportError(io, json, e)
    return exitCodeFor(e)
  }
}

function reportError(io: CliIo, json: boolean, e: unknown): void {
  const pe = toPaykitError(e)
  if (json) {
    const hint = e instanceof CliError ? e.hint : undefined
    io.stderr(
      `${JSON.stringify({ error: { code: codeOf(e), message: pe.message, ...(hint ? { hint } : {}) } })}\n`,
    )
  } else io.stderr(`paykit: error: ${errorLine(e)}\n`)
  if (io.env['PAYKIT_DEBUG'] && pe.stack) io.stderr(`${pe.stack}\n`)
}
