/**
 * @module app/services/keys-port
 * What the app shell needs from the identity core (electron/main/core/keys). Kept as a port so the
 * onboarding services are tested against the real core while stating exactly which functions they use.
 */

export type IdentityKeys = {
  readonly secretKey: Uint8Array
  readonly publicKey: Uint8Array
  readonly z32: string
}

export type KeysPort = {
  generateMnemonic(): string
  /** Throws an InputError saying what is wrong (unknown word, bad checksum, wrong count). */
  validateMnemonic(phrase: string): void
  identityFromMnemonic(phrase: string, passphrase?: string): IdentityKeys | Promise<IdentityKeys>
  identityFromSecret(secret: Uint8Array): IdentityKeys | Promise<IdentityKeys>
  encryptRecoveryFile(secret: Uint8Array, passphrase: string): Uint8Array | Promise<Uint8Array>
  /** Returns the 32-byte secret; a wrong passphrase throws a PaykitError with code 'decrypt'. */
  decryptRecoveryFile(file: Uint8Array, passphrase: string): Uint8Array | Promise<Uint8Array>
}
