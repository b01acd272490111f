/** The customer-facing display: the owner reads its link (the display itself talks HTTP, not IPC). */
import type { DisplayInfo } from '../../domain/display'
import type { CustomerDisplayMode } from '../../domain/settings'
import type { Empty } from './app'

export type DisplayCommands = {
  'display:info': { req: Empty; res: DisplayInfo }
  /** Off, this computer only, or the LAN. Switching it on makes a new display token (old links die). */
  'display:set-mode': { req: { mode: CustomerDisplayMode }; res: DisplayInfo }
}

export const displayCommandNames = {
  'display:info': true,
  'display:set-mode': true,
} as const satisfies Record<keyof DisplayCommands, true>
