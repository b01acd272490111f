/** Sealed payment requests: the inbox (from contacts and subscribers) and the ones this shop sent. */
import type { RequestInRow, RequestOutRow, SendRequest } from '../../domain/checkout'
import type { Empty } from './app'

export type RequestsCommands = {
  'requests:incoming': { req: Empty; res: RequestInRow[] }
  'requests:outgoing': { req: Empty; res: RequestOutRow[] }
  'requests:send': { req: SendRequest; res: RequestOutRow }
  /** Reads contacts' homeservers for new requests now. */
  'requests:poll': { req: Empty; res: { received: number; rejected: number } }
}

export type RequestsEvents = {
  'requests:changed': { direction: 'in' | 'out'; requestId: string; state: string }
}

export const requestsCommandNames = {
  'requests:incoming': true,
  'requests:outgoing': true,
  'requests:send': true,
  'requests:poll': true,
} as const satisfies Record<keyof RequestsCommands, true>

export const requestsEventNames = { 'requests:changed': true } as const satisfies Record<
  keyof RequestsEvents,
  true
>
