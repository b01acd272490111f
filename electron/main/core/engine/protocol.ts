/**
 * @module engine/protocol
 * The messages between `EngineHost` (the UI-driving process) and the engine worker. Everything here
 * crosses `postMessage`, so it is structured-clone data: no functions, no class instances.
 */
import type { EngineApi, EngineEvents, EngineNetwork, PosEngineOptions } from './types'
import type { RingLink } from '../pubky/ring-link'

/** The engine options that can cross a thread boundary (no clock, rng, logger or backend objects). */
export type WorkerEngineOptions = Omit<
  PosEngineOptions,
  'identitySecret' | 'ring' | 'clock' | 'rng' | 'crypto' | 'logger'
>

export type HostToWorker =
  | {
      kind: 'start'
      options: WorkerEngineOptions
      /** The identity secret, or (with `ring`) the Ring till's device secret; transferred. */
      secret: Uint8Array
      ring?: RingLink
      forwardLogs: boolean
    }
  | { kind: 'call'; id: number; method: keyof EngineApi; args: unknown[] }
  | { kind: 'stop'; id: number; drainMs: number }

export interface RemoteError {
  name: string
  code: string
  message: string
}

export type WorkerToHost =
  | { kind: 'started' }
  | { kind: 'start-failed'; error: RemoteError }
  | { kind: 'result'; id: number; ok: true; value: unknown }
  | { kind: 'result'; id: number; ok: false; error: RemoteError }
  | { kind: 'event'; name: keyof EngineEvents; payload: unknown }
  | { kind: 'log'; line: string }

export function toRemoteError(e: unknown): RemoteError {
  const err = e as { name?: unknown; code?: unknown; message?: unknown }
  return {
    name: typeof err?.name === 'string' ? err.name : 'Error',
    code: typeof err?.code === 'string' ? err.code : 'internal',
    message: typeof err?.message === 'string' ? err.message : String(e),
  }
}

/** Host → pairing worker (`EngineHost.pairRing`). */
export type HostToPair =
  | { kind: 'pair'; dataDir: string; network: EngineNetwork; relayUrl?: string; timeoutMs?: number }
  | { kind: 'cancel' }

/** Pairing worker → host. */
export type PairToHost =
  { kind: 'url'; url: string } | { kind: 'approved'; link: RingLink } | { kind: 'failed'; error: RemoteError }
