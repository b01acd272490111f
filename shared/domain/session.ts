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

export type SessionState = {
  readonly identity: IdentitySummary | null
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
