/** The payment engine itself: status, the shop's public identity and its Noise listener. */
import type { EngineIdentityInfo, EngineStatus, ListenerInfo } from '../../domain/engine'
import type { Empty } from './app'

export type EngineCommands = {
  'engine:status': { req: Empty; res: EngineStatus }
  'engine:identity': { req: Empty; res: EngineIdentityInfo }
  'engine:listener': { req: Empty; res: ListenerInfo }
}

export type EngineEvents = {
  /** Starting, running, failed or stopped. */
  'engine:status': EngineStatus
}

export const engineCommandNames = {
  'engine:status': true,
  'engine:identity': true,
  'engine:listener': true,
} as const satisfies Record<keyof EngineCommands, true>

export const engineEventNames = { 'engine:status': true } as const satisfies Record<keyof EngineEvents, true>
