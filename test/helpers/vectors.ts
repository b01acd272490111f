/**
 * Access to the shared test vectors. They live beside the checkout in `../shared/vectors` (CI places
 * that folder next to the clone); `PAYKIT_VECTORS_DIR` overrides it. They are never copied into this
 * repository. When the folder is absent, vector suites are reported as skipped (never as passed) and a
 * warning says why.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

export const VECTORS_DIR = process.env['PAYKIT_VECTORS_DIR'] ?? resolve(repoRoot, '..', 'shared', 'vectors')
export const vectorsPresent = existsSync(VECTORS_DIR)

if (!vectorsPresent) {
  console.warn(
    `[vectors] ${VECTORS_DIR} is absent: vector suites are SKIPPED, not passed. ` +
      'Place the shared vectors folder beside the checkout or set PAYKIT_VECTORS_DIR.',
  )
}

/** Reads and parses one vector file, e.g. `loadVectors('paykit/aad.json')`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- vector files are heterogeneous JSON; tests narrow them
export function loadVectors(relativePath: string): any {
  return JSON.parse(readFileSync(join(VECTORS_DIR, relativePath), 'utf8'))
}
