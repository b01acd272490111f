/**
 * Identity: onboarding (create with a confirmed recovery phrase, import by phrase or recovery file)
 * and recovery-file export. The phrase crosses the bridge only where a person must see or type it:
 * once when shown (`identity:draft`) and once when typed (`identity:import-phrase`). Secret keys never do.
 *
 * Pubky Ring: `ring-start` (or `ring-relink` on a linked till) opens a pairing and returns the
 * `pubkyauth://` URL to show as a QR; `ring-wait` resolves when the phone approves; `ring-finish`
 * (or `ring-relink-finish`) takes the PIN and keeps the link. The session cookie and the device
 * secret stay in main (secret store); only the public key and the URL cross the bridge.
 */
import type {
  EncryptedFile,
  HomeserverChoice,
  IdentityDraft,
  RingApproval,
  RingPairing,
  SessionState,
} from '../../domain/session'
import type { Empty } from './app'

export type CreateIdentityRequest = {
  draftId: string
  /** The words the person typed for `confirmPositions`, in that order. */
  confirmations: string[]
  pin: string
  homeserver: HomeserverChoice
}

export type ImportPhraseRequest = {
  phrase: string
  /** Optional BIP-39 passphrase; '' for none. */
  passphrase: string
  pin: string
  homeserver: HomeserverChoice
}

export type ImportFileRequest = {
  /** The recovery file's bytes, base64. */
  fileBase64: string
  filePassphrase: string
  pin: string
  homeserver: HomeserverChoice
}

export type RingStartRequest = { homeserver: HomeserverChoice }
export type RingPairingRef = { pairingId: string }
export type RingFinishRequest = { pairingId: string; pin: string }

export type IdentityCommands = {
  'identity:draft': { req: Empty; res: IdentityDraft }
  'identity:create': { req: CreateIdentityRequest; res: SessionState }
  'identity:import-phrase': { req: ImportPhraseRequest; res: SessionState }
  'identity:import-file': { req: ImportFileRequest; res: SessionState }
  'identity:export-recovery-file': { req: { pin: string; passphrase: string }; res: EncryptedFile }
  'identity:ring-start': { req: RingStartRequest; res: RingPairing }
  'identity:ring-wait': { req: RingPairingRef; res: RingApproval }
  'identity:ring-cancel': { req: RingPairingRef; res: Empty }
  'identity:ring-finish': { req: RingFinishRequest; res: SessionState }
  'identity:ring-relink': { req: Empty; res: RingPairing }
  'identity:ring-relink-finish': { req: RingFinishRequest; res: SessionState }
}

export const identityCommandNames = {
  'identity:draft': true,
  'identity:create': true,
  'identity:import-phrase': true,
  'identity:import-file': true,
  'identity:export-recovery-file': true,
  'identity:ring-start': true,
  'identity:ring-wait': true,
  'identity:ring-cancel': true,
  'identity:ring-finish': true,
  'identity:ring-relink': true,
  'identity:ring-relink-finish': true,
} as const satisfies Record<keyof IdentityCommands, true>
