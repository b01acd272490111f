/**
 * @module rng
 * Randomness is injected so that ephemeral keys and nonces can be fixed in tests and vectors.
 */
export type Rng = (length: number) => Uint8Array

export const systemRng: Rng = (length) => {
  const out = new Uint8Array(length)
  globalThis.crypto.getRandomValues(out)
  return out
}

/** Replays the given chunks in order (test and vector use only); fails loudly when exhausted. */
export function fixedRng(...chunks: Uint8Array[]): Rng {
  const queue = chunks.map((c) => c.slice())
  return (length) => {
    const next = queue.shift()
    if (!next) throw new Error('fixedRng exhausted')
    if (next.length !== length)
      throw new Error(`fixedRng: asked for ${length} bytes, next chunk has ${next.length}`)
    return next
  }
}
