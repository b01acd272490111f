/**
 * Identity: onboarding (create with a confirmed recovery phrase, import by phrase or recovery file)
 * and recovery-file export. The phrase crosses the bridge only where a person must see or type it:
 * once when shown (`identity:draft`) and once when typed (`identity:import-phrase`). Secret keys never do.
 */
import type { EncryptedFile, HomeserverChoice, IdentityDraft, SessionState } from '../../domain/session'
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

export type IdentityCommands = {
  'identity:draft': { req: Empty; res: IdentityDraft }
  'identity:create': { req: CreateIdentityRequest; res: SessionState }
  'identity:import-phrase': { req: ImportPhraseRequest; res: SessionState }
  'identity:import-file': { req: ImportFileRequest; res: SessionState }
  'identity:export-recovery-file': { req: { pin: string; passphrase: string }; res: EncryptedFile }
}

export const identityCommandNames = {
  'identity:draft': true,
  'identity:create': true,
  'identity:import-phrase': true,
  'identity:import-file': true,
  'identity:export-recovery-file': true,
} as const satisfies Record<keyof IdentityCommands, true>
