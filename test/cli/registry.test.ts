// The extension point for commands: a CommandSpec (here a made-up `example send`)
// registered next to the built-ins gets parsing, --help, --json, error lines and exit codes from
// `main` without touching it. In-process (main with captured output) because this is about the
// registry's wiring, not the process; everything user-facing is tested through the real binary.
import { describe, expect, it } from 'vitest'
import { main } from '../../electron/cli/main'
import { builtinRegistry } from '../../electron/cli/commands'
import { str } from '../../electron/cli/args'
import type { CliIo } from '../../electron/cli/context'
import type { CommandSpec } from '../../electron/cli/registry'
import { CliError } from '../../electron/cli/errors'
import { InputError } from '../../electron/main/core/util/errors'
import { ManualClock } from '../../electron/main/core/util/clock'
import { fixedRng } from '../../electron/main/core/util/rng'

function capture(): { io: CliIo; out: () => string; err: () => string } {
  let out = ''
  let err = ''
  return {
    io: {
      stdout: (t) => void (out += t),
      stderr: (t) => void (err += t),
      readStdin: () => Promise.resolve(new Uint8Array()),
      env: {},
      cwd: process.cwd(),
    },
    out: () => out,
    err: () => err,
  }
}

const payCommand: CommandSpec = {
  path: ['example', 'send'],
  summary: 'Pay a pubky (test stand-in)',
  description: 'A payer command as another engineer would add it.',
  options: { amount: { type: 'string', valueName: 'SATS', description: 'Amount in sats' } },
  positionals: [{ name: 'pubky', description: 'Who to pay', required: true }],
  examples: ['paykit example send <pubky> --amount 1000'],
  run(ctx, args) {
    const amount = str(args.values, 'amount')
    if (amount === undefined) throw new InputError('--amount is required')
    if (amount === '0') throw new CliError('cli-runtime', 'the wallet is offline', 'Start the wallet.')
    ctx.result(`would pay ${amount} to ${args.positionals[0]!}`, {
      to: args.positionals[0],
      amount,
      at: ctx.clock.now(),
    })
    return Promise.resolve(0)
  },
}

describe('command registry', () => {
  const deps = (io: CliIo) => ({
    io,
    registry: builtinRegistry([payCommand]).registerGroup({ name: 'example', summary: 'An example group.' }),
    clock: new ManualClock(1_700_000_000_000),
    rng: fixedRng(new Uint8Array(64)),
    shutdownSignal: () => new Promise<string>(() => {}),
  })

  it('a registered command runs, with text and --json output', async () => {
    const text = capture()
    expect(await main(['example', 'send', 'bob', '--amount', '5'], deps(text.io))).toBe(0)
    expect(text.out()).toBe('would pay 5 to bob\n')
    const json = capture()
    expect(await main(['example', 'send', 'bob', '--amount', '5', '--json'], deps(json.io))).toBe(0)
    expect(JSON.parse(json.out())).toEqual({ to: 'bob', amount: '5', at: 1_700_000_000_000 })
  })

  it('it gets help, root listing, suggestions and exit codes for free', async () => {
    const help = capture()
    expect(await main(['example', 'send', '--help'], deps(help.io))).toBe(0)
    expect(help.out()).toContain('Usage: paykit example send [options] <pubky>')
    expect(help.out()).toContain('--amount SATS')
    const root = capture()
    expect(await main(['--help'], deps(root.io))).toBe(0)
    expect(root.out()).toMatch(/example send\s+Pay a pubky/)
    const typo = capture()
    expect(await main(['example', 'sned'], deps(typo.io))).toBe(1)
    expect(typo.err()).toContain('did you mean "example send"?')
    const input = capture()
    expect(await main(['example', 'send', 'bob'], deps(input.io))).toBe(1)
    expect(input.err()).toBe('paykit: error: --amount is required\n')
    const runtime = capture()
    expect(await main(['example', 'send', 'bob', '--amount', '0', '--json'], deps(runtime.io))).toBe(2)
    expect(JSON.parse(runtime.err())).toEqual({
      error: { code: 'cli-runtime', message: 'the wallet is offline', hint: 'Start the wallet.' },
    })
  })

  it('refuses a duplicate command and a command that shadows a group', () => {
    expect(() => builtinRegistry([{ ...payCommand, path: ['id', 'new'] }])).toThrow(
      'command "id new" is registered twice',
    )
    expect(() => builtinRegistry([{ ...payCommand, path: ['id'] }])).toThrow(
      '"id" cannot be both a command and a group of commands',
    )
  })
})
