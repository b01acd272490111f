/** App-level commands: what shell and secret store the renderer runs against. */
import type { AppInfo } from '../../domain/session'

export type Empty = Record<string, never>

export type AppCommands = {
  'app:info': { req: Empty; res: AppInfo }
}

export const appCommandNames = { 'app:info': true } as const satisfies Record<keyof AppCommands, true>
