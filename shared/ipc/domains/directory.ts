/**
 * Directory: the payment methods the shop publishes on its homeserver, validated by the core
 * validators in the engine (an invalid one is refused with a message shown beside the field).
 */
import type { MethodInput, PaymentMethodRow } from '../../domain/engine'
import type { Empty } from './app'

export type DirectoryCommands = {
  'directory:methods': { req: Empty; res: PaymentMethodRow[] }
  'directory:add-method': { req: MethodInput; res: PaymentMethodRow[] }
  'directory:remove-method': { req: { methodId: string }; res: PaymentMethodRow[] }
  /**
   * The watch-only account (xpub/zpub/tpub/vpub or a wpkh() descriptor) checkouts draw fresh
   * on-chain addresses from. The engine restarts with it; an invalid key is refused and nothing changes.
   */
  'directory:set-watch-only': { req: { key: string }; res: PaymentMethodRow[] }
}

export const directoryCommandNames = {
  'directory:methods': true,
  'directory:add-method': true,
  'directory:remove-method': true,
  'directory:set-watch-only': true,
} as const satisfies Record<keyof DirectoryCommands, true>
