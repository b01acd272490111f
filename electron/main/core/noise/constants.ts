/**
 * @module noise/constants
 * Exact constants of Pubky Noise (BitcoinErrorLog/pubky-noise, snow). Tests assert them against
 * `vectors/noise/pubky-noise-constants.json`.
 */

/** Noise ChaChaPoly tag length. */
export const TAG_LEN = 16
/** X25519 key and shared-secret length. */
export const DH_LEN = 32
/** snow MAXMSGLEN: no Noise message, handshake or transport, may exceed this many bytes. */
export const MAX_MESSAGE_LEN = 65535
/** Largest plaintext one transport message can carry. */
export const MAX_PLAINTEXT_LEN = MAX_MESSAGE_LEN - TAG_LEN
/** ASCII `pubky-noise-v1`, the prologue of every pattern and generation. */
export const PROLOGUE_UTF8 = 'pubky-noise-v1'
/** The prologue bytes. Shared: never mutate (typed arrays cannot be frozen). */
export const PROLOGUE: Uint8Array = new TextEncoder().encode(PROLOGUE_UTF8)
/** 1.x `MAX_SERVER_HINT_LEN` (bytes). */
export const MAX_SERVER_HINT_LEN = 256
/** 1.x default identity expiry (seconds after now) when a client or the XX server sets one. */
export const DEFAULT_EXPIRY_SECS = 300

/** The patterns Pubky Noise speaks and their Noise protocol names (all BLAKE2s). */
export const PUBKY_PATTERNS = ['IK', 'IK-raw', 'N', 'NN', 'XX'] as const
export type PubkyPattern = (typeof PUBKY_PATTERNS)[number]

export const PROTOCOL_NAMES: Readonly<Record<PubkyPattern, string>> = Object.freeze({
  IK: 'Noise_IK_25519_ChaChaPoly_BLAKE2s',
  'IK-raw': 'Noise_IK_25519_ChaChaPoly_BLAKE2s',
  N: 'Noise_N_25519_ChaChaPoly_BLAKE2s',
  NN: 'Noise_NN_25519_ChaChaPoly_BLAKE2s',
  XX: 'Noise_XX_25519_ChaChaPoly_BLAKE2s',
})

/** 0.8.0 one-byte pattern selector sent before the first length-prefixed message. */
export const PATTERN_BYTES: Readonly<Record<PubkyPattern, number>> = Object.freeze({
  IK: 0,
  'IK-raw': 1,
  N: 2,
  NN: 3,
  XX: 4,
})

/** Smallest possible first message per pattern (e + encrypted s + tag where present). */
export const MIN_MSG1_LEN: Readonly<Record<PubkyPattern, number>> = Object.freeze({
  IK: 96,
  'IK-raw': 96,
  N: 48,
  NN: 32,
  XX: 32,
})

export function patternFromByte(byte: number): PubkyPattern | undefined {
  return PUBKY_PATTERNS.find((p) => PATTERN_BYTES[p] === byte)
}
