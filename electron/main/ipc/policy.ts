/**
 * @module ipc/policy
 * Who may call each command, checked before its handler runs:
 *  - `open`: always (status, unlock, lock).
 *  - `onboarding`: only while the device has no identity (create, import, restore).
 *  - `unlocked`: an identity exists and the app is unlocked.
 *  - `owner`: unlocked and not in cashier mode (settings, key export, backup, payment methods,
 *    receipt export, subscriber management, sending requests).
 * A cashier can charge, watch and cancel checkouts, and look up receipts and subscribers.
 * The map's type makes forgetting a command a compile error.
 */
import type { CommandName } from '../../../shared/ipc/contract'
import type { IpcError } from '../../../shared/ipc/errors'

export type Access = 'open' | 'onboarding' | 'unlocked' | 'owner'

export const COMMAND_ACCESS = {
  'app:info': 'open',
  'session:status': 'open',
  'session:unlock': 'open',
  'session:lock': 'open',
  'session:activity': 'open',
  'identity:draft': 'onboarding',
  'identity:create': 'onboarding',
  'identity:import-phrase': 'onboarding',
  'identity:import-file': 'onboarding',
  'identity:export-recovery-file': 'owner',
  // Pairing with Pubky Ring: a new till during onboarding, or an owner re-pairing a linked till.
  // Waiting and cancelling name a pairing by its unguessable id, which only its starter holds.
  'identity:ring-start': 'onboarding',
  'identity:ring-finish': 'onboarding',
  'identity:ring-relink': 'owner',
  'identity:ring-relink-finish': 'owner',
  'identity:ring-wait': 'open',
  'identity:ring-cancel': 'open',
  'settings:get': 'unlocked',
  'settings:update': 'owner',
  'settings:set-cashier-mode': 'unlocked',
  'settings:change-pin': 'owner',
  'backup:export': 'owner',
  'backup:restore': 'onboarding',
  'engine:status': 'unlocked',
  'engine:identity': 'unlocked',
  'engine:listener': 'unlocked',
  'checkout:start': 'unlocked',
  'checkout:cancel': 'unlocked',
  'checkout:get': 'unlocked',
  'checkout:list': 'unlocked',
  'receipts:search': 'unlocked',
  'receipts:get': 'unlocked',
  // A cashier prints a customer's receipt; it holds what the screen already shows.
  'receipts:save-pdf': 'unlocked',
  'receipts:export-csv': 'owner',
  'receipts:summary': 'unlocked',
  'requests:incoming': 'unlocked',
  'requests:outgoing': 'unlocked',
  'requests:send': 'owner',
  'requests:poll': 'unlocked',
  'subscribers:view': 'unlocked',
  'subscribers:propose': 'owner',
  'subscribers:pause': 'owner',
  'subscribers:resume': 'owner',
  'subscribers:cancel': 'owner',
  'subscribers:sync': 'unlocked',
  'subscribers:bill': 'owner',
  'directory:methods': 'unlocked',
  'directory:add-method': 'owner',
  'directory:remove-method': 'owner',
  'directory:set-watch-only': 'owner',
  // The display link carries its token: only the owner sees it.
  'display:info': 'owner',
  'display:set-mode': 'owner',
} as const satisfies Record<CommandName, Access>

export type AccessState = { hasIdentity: boolean; unlocked: boolean; cashierMode: boolean }

/** Null when allowed; otherwise the error to answer with. */
export function checkAccess(access: Access, s: AccessState): IpcError | null {
  switch (access) {
    case 'open':
      return null
    case 'onboarding':
      return s.hasIdentity
        ? {
            code: 'conflict',
            message: 'This device already has an identity; this step is only for setting one up.',
          }
        : null
    case 'unlocked':
    case 'owner':
      if (!s.hasIdentity) return { code: 'not-found', message: 'Set up an identity first.' }
      if (!s.unlocked) return { code: 'locked', message: 'The app is locked. Unlock it with your PIN.' }
      if (access === 'owner' && s.cashierMode) {
        return {
          code: 'forbidden',
          message: 'Not available in cashier mode. Leave cashier mode with the PIN first.',
        }
      }
      return null
  }
}
