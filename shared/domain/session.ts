/**
 * @module domain/session
 * What the renderer may know about the merchant identity and the app lock: public key and status,
 * never key material.
 */

/** Where the merchant's Pubky data lives. The signup token stays in main and is never sent back. */
export type HomeserverChoice =
  | { readonly kind: 'embedded' }
  | { readonly kind: 'hosted'; readonly homeserver: string; readonly signupToken: string }

/** The renderer's view of a homeserver choice (no token). */
export type HomeserverSummary =
  { readonly kind: 'embedded' } | { readonly kind: 'hosted'; readonly homeserver: string }

export type IdentitySummary = {
  /** The merchant's Ed25519 public key, z-base-32 (52 characters). */
  readonly publicKey: string
  /** `pubky<z32>`: the form wallets scan. */
  readonly uri: string
  readonly createdAt: number
  readonly homeserver: HomeserverSummary
}

/**
 * How this till holds the shop's identity: `key` keeps the Ed25519 secret here (sealed with the PIN);
 * `ring` is linked through Pubky Ring: the key stays on the owner's phone and the till holds only a
 * homeserver session limited to Paykit's folder.
 */
export type IdentityKind = 'key' | 'ring'

/** A Ring-linked till's session: `expired` when the homeserver forgot it (pair again to go on). */
export type RingSessionState = 'linked' | 'expired'

export type SessionState = {
  readonly identity: IdentitySummary | null
  /** Null while there is no identity. */
  readonly identityKind: IdentityKind | null
  /** Non-null on a Ring-linked till once it is unlocked. */
  readonly ringSession: RingSessionState | null
  readonly locked: boolean
  readonly cashierMode: boolean
  /** Milliseconds since the epoch at which idle auto-lock fires, or null when off or locked. */
  readonly lockAt: number | null
}

/** Rules for the unlock PIN, which depend on the secret store (see AppInfo). */
export type PinRule = { readonly minLength: number; readonly digitsOnly: boolean; readonly hint: string }

export type SecretStoreInfo = {
  readonly kind: 'keychain' | 'file'
  /** Non-null when secrets are not protected by the OS keychain; the UI must show it. */
  readonly warning: string | null
}

export type AppInfo = {
  readonly name: string
  readonly version: string
  readonly shell: 'electron' | 'browser'
  readonly secretStore: SecretStoreInfo
  readonly pinRule: PinRule
}

/** A freshly generated recovery phrase to show once, and the word positions (1-based) to confirm. */
export type IdentityDraft = {
  readonly draftId: string
  readonly words: readonly string[]
  readonly confirmPositions: readonly number[]
  readonly expiresAt: number
}

/** An encrypted file handed to the renderer for saving; it is useless without its passphrase. */
export type EncryptedFile = { readonly fileName: string; readonly base64: string }

/**
 * A Pubky Ring pairing in progress. `url` is the `pubkyauth://` link shown as a QR code: it is not a
 * secret (it carries the relay channel and the requested capabilities, and only the phone that
 * approves it can answer). `pairingId` names the pairing in later commands.
 */
export type RingPairing = { readonly pairingId: string; readonly url: string; readonly expiresAt: number }

/** Pubky Ring approved the pairing: the shop's public key, before the PIN is chosen. */
export type RingApproval = { readonly publicKey: string }
