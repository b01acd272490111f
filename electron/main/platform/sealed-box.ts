/**
 * @module platform/sealed-box
 * Passphrase encryption for data at rest on this device: the file fallback of the secret store and
 * encrypted backups. scrypt (RFC 7914) stretches the passphrase; XChaCha20-Poly1305 encrypts with a
 * random 24-byte nonce (safe to pick at random, unlike the 12-byte IETF nonce).
 *
 * Layout (all integers one byte):
 *   magic "PKSB" | version 1 | purpose | log2(N) | r | p | salt[16] | nonce[24] | ciphertext‖tag
 * The whole header is the AEAD's associated data, so cost parameters or purpose cannot be swapped
 * without failing authentication. Costs read from a file are bounded before any work is done, so a
 * hostile file cannot make us allocate gigabytes.
 */
import { scryptAsync } from '@noble/hashes/scrypt.js'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { PaykitError, InputError } from '../core/util/errors'
import { concatBytes, utf8, wipe } from '../core/util/bytes'
import { systemRng, type Rng } from '../core/util/rng'

const MAGIC = utf8('PKSB')
const VERSION = 1
const HEADER_LEN = 4 + 1 + 1 + 3 + 16 + 24
const TAG_LEN = 16

/** What a box protects; part of the authenticated header so one kind cannot pass for another. */
export const BoxPurpose = { vault: 1, backup: 2, pinCheck: 3 } as const
export type BoxPurpose = (typeof BoxPurpose)[keyof typeof BoxPurpose]

export type ScryptCost = { readonly log2N: number; readonly r: number; readonly p: number }

/** Production cost: N = 2^17, r = 8 (128 MiB, about a second in JS on a 2-core machine). */
export const DEFAULT_COST: ScryptCost = { log2N: 17, r: 8, p: 1 }
/** The bounds accepted when reading; tests use the low end. */
export const COST_BOUNDS = { log2N: [10, 20], r: [1, 16], p: [1, 4] } as const

export class DecryptError extends PaykitError<'decrypt'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('decrypt', message, options)
  }
}

function checkCost(cost: ScryptCost): void {
  const inRange = (v: number, [lo, hi]: readonly [number, number]): boolean =>
    Number.isInteger(v) && v >= lo && v <= hi
  if (
    !inRange(cost.log2N, COST_BOUNDS.log2N) ||
    !inRange(cost.r, COST_BOUNDS.r) ||
    !inRange(cost.p, COST_BOUNDS.p)
  ) {
    throw new InputError(
      `scrypt cost out of bounds (log2N ${cost.log2N}, r ${cost.r}, p ${cost.p}); the file is damaged or not ours`,
    )
  }
}

async function deriveKey(passphrase: string, salt: Uint8Array, cost: ScryptCost): Promise<Uint8Array> {
  const pw = utf8(passphrase.normalize('NFKC'))
  try {
    return await scryptAsync(pw, salt, {
      N: 2 ** cost.log2N,
      r: cost.r,
      p: cost.p,
      dkLen: 32,
      maxmem: 2 ** 30 + 4096,
    })
  } finally {
    wipe(pw)
  }
}

/** Encrypts `plaintext` under `passphrase`. */
export async function sealWithPassphrase(
  plaintext: Uint8Array,
  passphrase: string,
  purpose: BoxPurpose,
  opts: { cost?: ScryptCost; rng?: Rng } = {},
): Promise<Uint8Array> {
  const cost = opts.cost ?? DEFAULT_COST
  checkCost(cost)
  const rng = opts.rng ?? systemRng
  const salt = rng(16)
  const nonce = rng(24)
  const header = concatBytes(MAGIC, Uint8Array.of(VERSION, purpose, cost.log2N, cost.r, cost.p), salt, nonce)
  const key = await deriveKey(passphrase, salt, cost)
  try {
    return concatBytes(header, xchacha20poly1305(key, nonce, header).encrypt(plaintext))
  } finally {
    wipe(key)
  }
}

/** Reads the header without decrypting (cost and purpose), validating every field. */
export function readBoxHeader(box: Uint8Array): { purpose: number; cost: ScryptCost } {
  if (!(box instanceof Uint8Array)) throw new InputError('encrypted data must be bytes')
  if (box.length < HEADER_LEN + TAG_LEN) {
    throw new InputError(
      `encrypted file is too short (${box.length} bytes); it is truncated or not a Paykit POS file`,
    )
  }
  for (let i = 0; i < MAGIC.length; i++) {
    if (box[i] !== MAGIC[i]) throw new InputError('not a Paykit POS encrypted file (bad magic bytes)')
  }
  if (box[4] !== VERSION) throw new InputError(`unsupported encrypted file version ${box[4]}`)
  const cost = { log2N: box[6]!, r: box[7]!, p: box[8]! }
  checkCost(cost)
  return { purpose: box[5]!, cost }
}

/** Decrypts a box made by `sealWithPassphrase`; a wrong passphrase or any tampering is a DecryptError. */
export async function openWithPassphrase(
  box: Uint8Array,
  passphrase: string,
  purpose: BoxPurpose,
): Promise<Uint8Array> {
  const { purpose: found, cost } = readBoxHeader(box)
  if (found !== purpose)
    throw new InputError('this encrypted file is of another kind (e.g. a backup, not a key vault)')
  const header = box.subarray(0, HEADER_LEN)
  const salt = box.subarray(9, 25)
  const nonce = box.subarray(25, HEADER_LEN)
  const key = await deriveKey(passphrase, salt, cost)
  try {
    return xchacha20poly1305(key, nonce, header).decrypt(box.subarray(HEADER_LEN))
  } catch (e) {
    throw new DecryptError('wrong passphrase, or the file was changed after it was written', { cause: e })
  } finally {
    wipe(key)
  }
}
