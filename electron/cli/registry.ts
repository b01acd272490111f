/**
 * @module cli/registry
 * The command registry: every command is a `CommandSpec` (its words, options, help text and `run`),
 * grouped by its first word. This is the extension point for commands added later (`pay`,
 * `requests`, `subscribe`, `autopay`): write a spec in `commands/`, add it to `builtinCommands`
 * (or call `registry.register` from a plugin list) — parsing, `--help`, `--json`, error lines and
 * exit codes come for free.
 */
import type { CommandContext } from './context'
import type { OptionSpecs, ParsedArgs, PositionalSpec } from './args'
import { suggest } from './args'
import { UsageError } from './errors'

export interface CommandSpec {
  /** The words that invoke it, e.g. `['directory', 'publish']` or `['homeserver']`. */
  readonly path: readonly string[]
  /** One line, shown in command lists. */
  readonly summary: string
  /** A paragraph for `--help`. */
  readonly description: string
  readonly options: OptionSpecs
  readonly positionals?: readonly PositionalSpec[]
  /** Full command lines shown under "Examples". */
  readonly examples: readonly string[]
  /** Runs the command; the returned number is the process exit code. Throw to fail. */
  run(ctx: CommandContext, args: ParsedArgs): Promise<number>
}

export interface GroupSpec {
  readonly name: string
  readonly summary: string
}

export type Resolution =
  | { kind: 'command'; command: CommandSpec; rest: string[] }
  | { kind: 'group'; group: GroupSpec; commands: CommandSpec[]; rest: string[] }
  | { kind: 'root'; rest: string[] }

export class CommandRegistry {
  private readonly commands: CommandSpec[] = []
  private readonly groups = new Map<string, GroupSpec>()

  /** Adds a command. Throws on a duplicate path (two engineers claiming one command). */
  register(command: CommandSpec): this {
    const key = command.path.join(' ')
    if (command.path.length === 0 || command.path.length > 2) {
      throw new Error(`command path "${key}" must be one or two words`)
    }
    if (this.commands.some((c) => c.path.join(' ') === key))
      throw new Error(`command "${key}" is registered twice`)
    const first = command.path[0]
    const clash = this.commands.some((c) => c.path[0] === first && c.path.length !== command.path.length)
    if (clash) throw new Error(`"${first}" cannot be both a command and a group of commands`)
    this.commands.push(command)
    return this
  }

  /** Names a group (the first word of two-word commands) and gives it a summary line. */
  registerGroup(group: GroupSpec): this {
    this.groups.set(group.name, group)
    return this
  }

  list(): readonly CommandSpec[] {
    return this.commands
  }

  /** First words a person can type: commands and groups. */
  topLevelNames(): string[] {
    return [...new Set(this.commands.map((c) => c.path[0]!))]
  }

  groupOf(name: string): GroupSpec | undefined {
    if (!this.commands.some((c) => c.path.length === 2 && c.path[0] === name)) return undefined
    return this.groups.get(name) ?? { name, summary: `${name} commands` }
  }

  /** Finds what `argv` names. Throws `UsageError` with a suggestion for an unknown word. */
  resolve(argv: readonly string[]): Resolution {
    const [first, ...rest] = argv
    if (first === undefined || first.startsWith('-')) return { kind: 'root', rest: [...argv] }
    const single = this.commands.find((c) => c.path.length === 1 && c.path[0] === first)
    if (single) return { kind: 'command', command: single, rest }
    const group = this.groupOf(first)
    if (!group) {
      const guess = suggest(first, this.topLevelNames())
      throw new UsageError(
        `unknown command ${JSON.stringify(first.slice(0, 60))}${guess ? ` (did you mean "${guess}"?)` : ''}`,
        'Run `paykit --help` to list the commands.',
      )
    }
    const members = this.commands.filter((c) => c.path[0] === first)
    const [second, ...after] = rest
    if (second === undefined || second.startsWith('-'))
      return { kind: 'group', group, commands: members, rest }
    const sub = members.find((c) => c.path[1] === second)
    if (sub) return { kind: 'command', command: sub, rest: after }
    const guess = suggest(
      second,
      members.map((c) => c.path[1]!),
    )
    throw new UsageError(
      `unknown command "${first} ${second.slice(0, 60)}"${guess ? ` (did you mean "${first} ${guess}"?)` : ''}`,
      `Run \`paykit ${first} --help\` to list its commands.`,
    )
  }
}
