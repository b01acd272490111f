// The command line itself: help for every command, unknown commands and options refused with a
// suggestion and exit code 1, --json documents that parse. All through the real `paykit` process.
import { describe, expect, it } from 'vitest'
import { runCli } from './run-cli'

const COMMANDS = [
  ['id', 'new'],
  ['id', 'import'],
  ['id', 'show'],
  ['homeserver'],
  ['testnet'],
  ['directory', 'publish'],
  ['directory', 'show'],
] as const

describe('paykit --help', () => {
  it('lists every command, the exit codes and the environment', async () => {
    const r = await runCli(['--help'])
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    for (const c of COMMANDS) expect(r.stdout).toContain(c.join(' '))
    expect(r.stdout).toContain('Exit codes: 0 success, 1 usage or input error, 2 run-time failure.')
    expect(r.stdout).toContain('PAYKIT_PASSPHRASE')
  })

  it('every command has usage, options, --json/--help and an example', async () => {
    const runs = await Promise.all(COMMANDS.map((c) => runCli([...c, '--help'])))
    runs.forEach((r, i) => {
      const path = COMMANDS[i]!.join(' ')
      expect(r.code, path).toBe(0)
      expect(r.stdout, path).toMatch(new RegExp(`^Usage: paykit ${path} \\[options\\]`))
      expect(r.stdout, path).toContain('Options:')
      expect(r.stdout, path).toContain('--json')
      expect(r.stdout, path).toContain('-h, --help')
      expect(r.stdout, path).toMatch(/Examples?:\n {2}paykit /)
    })
    expect(runs.length).toBe(7)
    // Option-specific lines the brief asks for.
    expect(runs[0]!.stdout).toContain('--passphrase-file FILE')
    expect(runs[1]!.stdout).toMatch(/--phrase-file FILE[\s\S]*--recovery-file FILE/)
    expect(runs[3]!.stdout).toMatch(/--data-dir DIR[\s\S]*--port N[\s\S]*--host ADDR/)
    expect(runs[5]!.stdout).toMatch(/--method ID=ENDPOINT[\s\S]*--noise HOST:PORT[\s\S]*--homeserver TARGET/)
    expect(runs[6]!.stdout).toContain('<pubky>')
  })

  it('group help lists the subcommands; a bare group is a usage error', async () => {
    const [help, bare] = await Promise.all([runCli(['directory', '--help']), runCli(['id'])])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('directory publish')
    expect(help.stdout).toContain('directory show')
    expect(bare.code).toBe(1)
    expect(bare.stdout).toBe('')
    expect(bare.stderr).toContain('id new')
  })

  it('--version and --version --json', async () => {
    const [plain, json] = await Promise.all([runCli(['--version']), runCli(['--version', '--json'])])
    expect(plain.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/)
    expect(JSON.parse(json.stdout)).toEqual({ version: plain.stdout.trim() })
  })
})

describe('usage errors', () => {
  it('an unknown command is refused with a suggestion, exit 1, one line on stderr', async () => {
    const [top, sub] = await Promise.all([runCli(['directroy', 'show']), runCli(['id', 'shwo'])])
    expect(top.code).toBe(1)
    expect(top.stdout).toBe('')
    expect(top.stderr).toBe(
      'paykit: error: unknown command "directroy" (did you mean "directory"?). Run `paykit --help` to list the commands.\n',
    )
    expect(sub.code).toBe(1)
    expect(sub.stderr).toContain('did you mean "id show"?')
    expect(sub.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('an unknown option is refused with a suggestion; a missing value names the option', async () => {
    const [typo, missing, extra, bool] = await Promise.all([
      runCli(['homeserver', '--prot', '1']),
      runCli(['homeserver', '--port']),
      runCli(['id', 'show', 'surplus']),
      runCli(['id', 'show', '--json=yes']),
    ])
    expect(typo.code).toBe(1)
    expect(typo.stderr).toContain('unknown option "--prot" (did you mean --port?)')
    expect(typo.stderr).toContain('Run `paykit homeserver --help` for usage.')
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('option --port needs a value')
    expect(extra.code).toBe(1)
    expect(extra.stderr).toContain('unexpected argument "surplus"')
    expect(bool.code).toBe(1)
    expect(bool.stderr).toContain('option --json does not take a value')
  })

  it('bad option values are usage errors (exit 1) and nothing runs', async () => {
    const [port, net, noPubky, badKey, badTestnet] = await Promise.all([
      runCli(['homeserver', '--port', '70000']),
      runCli(['directory', 'show', 'x', '--network', 'moon']),
      runCli(['directory', 'show']),
      runCli(['directory', 'show', 'not-a-key', '--json']),
      runCli([
        'directory',
        'show',
        'o1gg96ewuojmopcjbz8895478wdtxtzzuxnfjjz8o8e77csa1ngo',
        '--homeserver',
        'testnet:not a host/',
      ]),
    ])
    expect(badTestnet.code).toBe(1)
    expect(badTestnet.stderr).toContain('--homeserver testnet:HOST needs a host name or IPv4 address')
    expect(port.code).toBe(1)
    expect(port.stderr).toContain('--port must be a port number from 0 to 65535, got "70000"')
    expect(net.code).toBe(1)
    expect(net.stderr).toContain('--network must be one of mainnet, testnet, signet, regtest')
    expect(noPubky.code).toBe(1)
    expect(noPubky.stderr).toContain('missing <pubky>')
    // --json: the error is one JSON line on stderr, stdout stays empty.
    expect(badKey.code).toBe(1)
    expect(badKey.stdout).toBe('')
    const err = JSON.parse(badKey.stderr) as { error: { code: string; message: string; hint: string } }
    expect(err.error.code).toBe('usage')
    expect(err.error.message).toContain('52 z-base-32 characters')
    expect(err.error.hint).toContain('paykit directory show --help')
  })
})
