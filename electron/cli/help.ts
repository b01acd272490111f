/**
 * @module cli/help
 * `--help` text for the root, a group and a command: usage line, description, options (with value
 * names and defaults), and examples.
 */
import { GLOBAL_OPTIONS, type OptionSpec } from './args'
import { table, wrap } from './format'
import type { CommandRegistry, CommandSpec, GroupSpec } from './registry'

const WIDTH = 100

function optionLabel(name: string, spec: OptionSpec): string {
  const long = `--${name}${spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : ''}`
  return spec.short ? `-${spec.short}, ${long}` : `    ${long}`
}

function optionText(spec: OptionSpec): string {
  const extras = [spec.multiple ? 'repeatable' : '', spec.defaultText ? `default: ${spec.defaultText}` : '']
    .filter(Boolean)
    .join('; ')
  return extras ? `${spec.description} (${extras})` : spec.description
}

function optionsBlock(options: Readonly<Record<string, OptionSpec>>): string {
  const entries = Object.entries({ ...options, ...GLOBAL_OPTIONS })
  const labels = entries.map(([n, s]) => optionLabel(n, s))
  const width = Math.max(...labels.map((l) => l.length))
  const lines: string[] = []
  entries.forEach(([, spec], i) => {
    const wrapped = wrap(optionText(spec), WIDTH - width - 6)
    wrapped.forEach((w, j) => lines.push(`  ${(j === 0 ? labels[i]! : '').padEnd(width)}  ${w}`))
  })
  return lines.join('\n')
}

/** `paykit <path> [options] <positionals>` */
export function usageLine(c: CommandSpec): string {
  const pos = (c.positionals ?? []).map((p) => (p.required ? `<${p.name}>` : `[${p.name}]`)).join(' ')
  return `paykit ${c.path.join(' ')} [options]${pos ? ` ${pos}` : ''}`
}

export function commandHelp(c: CommandSpec): string {
  const parts = [`Usage: ${usageLine(c)}`, '', ...wrap(c.description, WIDTH)]
  if (c.positionals && c.positionals.length > 0) {
    parts.push('', 'Arguments:', table(c.positionals.map((p) => [`<${p.name}>`, p.description])))
  }
  parts.push('', 'Options:', optionsBlock(c.options))
  parts.push('', c.examples.length > 1 ? 'Examples:' : 'Example:', ...c.examples.map((e) => `  ${e}`))
  return `${parts.join('\n')}\n`
}

export function groupHelp(group: GroupSpec, commands: readonly CommandSpec[]): string {
  const parts = [
    `Usage: paykit ${group.name} <command> [options]`,
    '',
    group.summary,
    '',
    'Commands:',
    table(commands.map((c) => [c.path.join(' '), c.summary])),
    '',
    `Run \`paykit ${group.name} <command> --help\` for a command's options and an example.`,
  ]
  return `${parts.join('\n')}\n`
}

export function rootHelp(registry: CommandRegistry, version: string): string {
  const rows: [string, string][] = []
  for (const name of registry.topLevelNames()) {
    const group = registry.groupOf(name)
    const members = registry.list().filter((c) => c.path[0] === name)
    if (group) for (const c of members) rows.push([c.path.join(' '), c.summary])
    else rows.push([name, members[0]!.summary])
  }
  const parts = [
    `paykit ${version}: the Paykit POS command line (identity, Pubky homeserver, payment directory).`,
    '',
    'Usage: paykit <command> [options]',
    '',
    'Commands:',
    table(rows),
    '',
    'Global options:',
    table([
      ['--json', 'Print one JSON document on stdout instead of text'],
      ['-h, --help', 'Show help for paykit or any command'],
      ['--version', 'Print the version'],
    ]),
    '',
    'Environment:',
    table([
      ['PAYKIT_HOME', 'Data folder (identity, embedded homeserver); default ~/.paykit'],
      ['PAYKIT_PASSPHRASE', 'Passphrase of the encrypted recovery file (or use --passphrase-file)'],
    ]),
    '',
    'Exit codes: 0 success, 1 usage or input error, 2 run-time failure.',
    'Example:',
    '  paykit id new --passphrase-file ./passphrase.txt',
  ]
  return `${parts.join('\n')}\n`
}
