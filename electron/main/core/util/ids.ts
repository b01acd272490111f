/**
 * @module ids
 * Collision-free, path-safe, time-sortable ids. The reference's `req_{secs}` / `sub_{secs}` collide
 * within one second (two requests to the same customer overwrite each other); ours add 64 random
 * bits, so readers that treat ids as opaque (they come from directory listings) stay compatible.
 * Shape: `{prefix}_{unix seconds}_{16 lowercase hex}`.
 */
import type { Clock } from './clock'
import type { Rng } from './rng'
import { toHex } from './bytes'
import { InputError } from './errors'

export function newId(prefix: string, clock: Clock, rng: Rng): string {
  if (!/^[a-z][a-z0-9]{0,15}$/.test(prefix))
    throw new InputError(`id prefix "${prefix}" must be 1-16 lowercase letters/digits`)
  return `${prefix}_${Math.floor(clock.now() / 1000)}_${toHex(rng(8))}`
}

/** Opaque ids read from peers: one path segment of safe characters, bounded length. */
export function assertPathSafeId(id: string, what = 'id'): string {
  if (typeof id !== 'string' || !/^[A-Za-z0-9._-]{1,128}$/.test(id) || id === '.' || id === '..') {
    throw new InputError(
      `${what} must be 1-128 characters of A-Z a-z 0-9 . _ - (got ${JSON.stringify(String(id).slice(0, 40))})`,
    )
  }
  return id
}
