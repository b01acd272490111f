/**
 * @module cli/commands
 * The built-in commands. To add one (e.g. `pay`, `requests`, `subscribe`, `autopay`): write a
 * `CommandSpec` in its own file here, add it to `builtinCommands`, and name its group in
 * `builtinGroups` if it has subcommands.
 */
import { CommandRegistry, type CommandSpec, type GroupSpec } from '../registry'
import { directoryPublishCommand, directoryShowCommand } from './directory'
import { homeserverCommand, testnetCommand } from './homeserver'
import { idImportCommand, idNewCommand, idShowCommand } from './id'
import { payCommand } from './pay'
import { requestCommand, requestsCommand } from './requests'
import { subscribeAcceptCommand, subscribeCancelCommand, subscribeListCommand } from './subscribe'
import { autopayCommand } from './autopay'

export const builtinGroups: readonly GroupSpec[] = [
  { name: 'id', summary: 'Create, restore and show the merchant identity (a Pubky key).' },
  { name: 'directory', summary: 'Publish and discover payment methods in the public Paykit directory.' },
  { name: 'subscribe', summary: 'Subscriptions as a payer: list and accept proposals, cancel agreements.' },
]

export const builtinCommands: readonly CommandSpec[] = [
  idNewCommand,
  idImportCommand,
  idShowCommand,
  homeserverCommand,
  testnetCommand,
  directoryPublishCommand,
  directoryShowCommand,
  payCommand,
  requestsCommand,
  requestCommand,
  subscribeListCommand,
  subscribeAcceptCommand,
  subscribeCancelCommand,
  autopayCommand,
]

/** A registry holding the built-in commands (plus `extra`, for commands registered by others). */
export function builtinRegistry(extra: readonly CommandSpec[] = []): CommandRegistry {
  const registry = new CommandRegistry()
  for (const g of builtinGroups) registry.registerGroup(g)
  for (const c of [...builtinCommands, ...extra]) registry.register(c)
  return registry
}
