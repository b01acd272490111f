/** Session: the app lock. Unlocking with the PIN loads the identity into the main process. */
import type { SessionState } from '../../domain/session'
import type { Empty } from './app'

export type SessionCommands = {
  'session:status': { req: Empty; res: SessionState }
  'session:unlock': { req: { pin: string }; res: SessionState }
  'session:lock': { req: Empty; res: SessionState }
  /** The renderer reports user activity (throttled) so idle auto-lock restarts its count. */
  'session:activity': { req: Empty; res: SessionState }
}

export type SessionEvents = {
  /** Sent on lock, unlock, auto-lock, onboarding and cashier-mode changes. */
  'session:changed': SessionState
}

export const sessionCommandNames = {
  'session:status': true,
  'session:unlock': true,
  'session:lock': true,
  'session:activity': true,
} as const satisfies Record<keyof SessionCommands, true>

export const sessionEventNames = { 'session:changed': true } as const satisfies Record<
  keyof SessionEvents,
  true
>
