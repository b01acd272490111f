/**
 * @module noise/static-dh-memo
 * A bounded memo of static-static DH results, `ss = DH(s, rs)`, for peers that come back.
 *
 * Why it is sound: `ss` is a pure function of our static secret and the peer's static public key.
 * A returning payer (IK responder) or a wallet paying the same merchant again (IK initiator) asks the
 * same question each time; remembering the answer changes no handshake byte. Every other DH (`es`,
 * `se`, `ee`) involves a fresh ephemeral and always runs, so the handshake still proves that the peer
 * holds its static secret now.
 *
 * Rules that keep it safe:
 * - One static key per memo: entries are keyed by the peer's static public key under one owner (our
 *   static public key). Storing a result for a different owner first wipes every entry: when the
 *   listener's key changes, nothing computed with the old key survives.
 * - Only authenticated results are stored: the handshake calls `remember` when it has completed, i.e.
 *   after a message encrypted under a key derived from `ss` decrypted. A peer that merely *names* a
 *   static key it does not hold can neither insert nor evict entries.
 * - No timing oracle for strangers: a responder consults the memo before the payer has proved
 *   anything, so a hit must not be visible to someone who names a known payer's key and then fails.
 *   `HandshakeState` computes the DH it skipped whenever a handshake that used a hit fails or is
 *   abandoned, so every failing handshake costs the same with or without a hit; only a peer that
 *   completes (the key's real holder) ever sees the shorter path.
 * - Holds secrets: bounded LRU (least recently used out first), an evicted or replaced entry is
 *   overwritten at once (its buffer takes the new entry), `wipe()` wipes all (call it when the
 *   listener stops), never logged or serialised.
 *   Results are handed out as copies into the caller's buffer.
 */
import { DH_LEN } from './constants'

/** Default capacity: 32 bytes of secret per entry, plus its 32-character key. */
export const DEFAULT_STATIC_DH_MEMO_SIZE = 1024

const keyOf = (pub: Uint8Array): string =>
  Buffer.from(pub.buffer, pub.byteOffset, pub.length).toString('latin1')

function samePublic(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < DH_LEN; i++) if (a[i] !== b[i]) return false
  return true
}

/** Bounded, wipeable memo of `DH(our static secret, peer static public)` for one static key. */
export class StaticDhMemo {
  readonly capacity: number
  /** Our static public key: the one key every entry was computed with. Public. */
  #owner: Uint8Array | undefined
  /** Peer static public key (latin1, 32 chars) → shared secret (32 bytes, secret). */
  readonly #entries = new Map<string, Uint8Array>()
  #hits = 0

  constructor(capacity = DEFAULT_STATIC_DH_MEMO_SIZE) {
    if (!Number.isSafeInteger(capacity) || capacity < 0)
      throw new RangeError('a static DH memo capacity must be a whole number >= 0')
    this.capacity = capacity
  }

  /** Entries held now. */
  get size(): number {
    return this.#entries.size
  }

  /** Lookups answered from the memo since it was made or wiped (diagnostics and tests). */
  get hits(): number {
    return this.#hits
  }

  #valid(ourPublic: Uint8Array, peerPublic: Uint8Array): boolean {
    return (
      ourPublic instanceof Uint8Array &&
      ourPublic.length === DH_LEN &&
      peerPublic instanceof Uint8Array &&
      peerPublic.length === DH_LEN
    )
  }

  /**
   * Copies the remembered `DH(s, peerPublic)` into `out` (32 bytes) and returns true, when `s` is the
   * secret of `ourPublic` and the result is remembered; otherwise false and `out` is untouched.
   */
  read(ourPublic: Uint8Array, peerPublic: Uint8Array, out: Uint8Array): boolean {
    if (!this.#owner || !this.#valid(ourPublic, peerPublic) || out.length !== DH_LEN) return false
    if (!samePublic(this.#owner, ourPublic)) return false
    const k = keyOf(peerPublic)
    const shared = this.#entries.get(k)
    if (!shared) return false
    // Refresh recency: a payer who keeps coming back is not pushed out by one-off payers.
    this.#entries.delete(k)
    this.#entries.set(k, shared)
    out.set(shared)
    this.#hits++
    return true
  }

  /**
   * Remembers `shared = DH(s, peerPublic)` (copied) for the secret `s` of `ourPublic`. Call it only
   * once the handshake has authenticated `shared`. A new owner wipes every entry of the old one.
   */
  remember(ourPublic: Uint8Array, peerPublic: Uint8Array, shared: Uint8Array): void {
    if (this.capacity === 0 || !this.#valid(ourPublic, peerPublic) || shared.length !== DH_LEN) return
    if (this.#owner && !samePublic(this.#owner, ourPublic)) this.wipe()
    this.#owner ??= ourPublic.slice()
    const k = keyOf(peerPublic)
    // The entry's buffer: the replaced or evicted entry's own (overwritten at once), else a new one.
    let slot = this.#entries.get(k)
    if (slot) this.#entries.delete(k)
    else if (this.#entries.size >= this.capacity) {
      const oldest = this.#entries.entries().next()
      if (!oldest.done) {
        this.#entries.delete(oldest.value[0])
        slot = oldest.value[1]
      }
    }
    slot ??= new Uint8Array(DH_LEN)
    slot.set(shared)
    this.#entries.set(k, slot)
  }

  /** Wipes and forgets every entry and the owner (listener stopped, or its key changed). */
  wipe(): void {
    for (const shared of this.#entries.values()) shared.fill(0)
    this.#entries.clear()
    this.#owner = undefined
    this.#hits = 0
  }
}
