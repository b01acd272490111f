/**
 * @module noise/carrier
 * What a Noise session runs over: a byte stream (TCP) or a message transport (WebSocket binary
 * frames). Adapters wrap their socket in a `Carrier`; the session code never touches sockets.
 * `ChunkQueue` buffers what arrives during the handshake so reads can await it.
 */
import { NoiseError } from './errors'

export interface Carrier {
  /** `stream`: chunks are arbitrary slices of a byte stream. `message`: each chunk is one frame. */
  readonly kind: 'stream' | 'message'
  send(bytes: Uint8Array): void
  /** Ends the connection (graceful where the transport has such a thing). */
  close(): void
  /** Tears the connection down at once. */
  destroy(): void
  /** Installs the receivers; the carrier calls them until it closes. */
  attach(onData: (chunk: Uint8Array) => void, onEnd: (error?: Error) => void): void
  /** Human-readable peer address for logs. */
  readonly remoteAddress: string
}

/** Buffers incoming chunks and lets one reader await them. */
export class ChunkQueue {
  #chunks: Uint8Array[] = []
  #length = 0
  #ended: NoiseError | undefined
  #wake: (() => void) | undefined

  push(chunk: Uint8Array): void {
    if (this.#ended) return
    this.#chunks.push(chunk)
    this.#length += chunk.length
    this.#wake?.()
  }

  end(error: NoiseError): void {
    if (this.#ended) return
    this.#ended = error
    this.#wake?.()
  }

  get length(): number {
    return this.#length
  }

  get chunkCount(): number {
    return this.#chunks.length
  }

  /** The next whole chunk (message carriers: one frame). */
  shift(): Uint8Array | undefined {
    const c = this.#chunks.shift()
    if (c) this.#length -= c.length
    return c
  }

  /** Everything buffered, concatenated, leaving the queue empty. */
  takeAll(): Uint8Array {
    const out = new Uint8Array(this.#length)
    let o = 0
    for (const c of this.#chunks) {
      out.set(c, o)
      o += c.length
    }
    this.#chunks = []
    this.#length = 0
    return out
  }

  /** Everything buffered, concatenated, without consuming it. */
  peekAll(): Uint8Array {
    const all = this.takeAll()
    if (all.length) {
      this.#chunks = [all]
      this.#length = all.length
    }
    return all
  }

  /** Exactly n bytes from the front (caller checks `length` first). */
  take(n: number): Uint8Array {
    const all = this.takeAll()
    const rest = all.subarray(n)
    if (rest.length) {
      this.#chunks = [rest]
      this.#length = rest.length
    }
    return all.slice(0, n)
  }

  /**
   * Resolves when more data arrives (true) or after `graceMs` (false, only when given); rejects with
   * the end error if the connection ends first.
   */
  waitMore(graceMs?: number): Promise<boolean> {
    if (this.#ended) return Promise.reject(this.#ended)
    return new Promise<boolean>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined
      this.#wake = () => {
        this.#wake = undefined
        if (timer) clearTimeout(timer)
        if (this.#ended && this.#length === 0) reject(this.#ended)
        else resolve(true)
      }
      if (graceMs !== undefined) {
        timer = setTimeout(() => {
          this.#wake = undefined
          resolve(false)
        }, graceMs)
      }
    })
  }
}
