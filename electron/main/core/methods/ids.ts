/**
 * @module methods/ids
 * Payment-method ids (`paykit-protocol.md` §3.1). A method id is also the file name under
 * `/pub/paykit.app/v0/`. The reference enforces nothing; the registry doc asks for lowercase
 * `[a-z0-9-]`, at most 32 characters. We *write* only registry-conformant ids, and on *read* skip
 * the names that share the directory but are not methods (`noise`, `supported.json`, `push`).
 */
import { MethodError } from './errors'

export const ONCHAIN = 'onchain'
export const LIGHTNING = 'lightning'

/** Files in `/pub/paykit.app/v0/` that are not payment methods (the reference lists them anyway). */
export const NON_METHOD_NAMES: readonly string[] = ['noise', 'supported.json', 'push']

const REGISTRY_RE = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/

/** True when `id` follows the registry rules (what we publish). */
export function isRegistryMethodId(id: string): boolean {
  return typeof id === 'string' && REGISTRY_RE.test(id) && !id.includes('--')
}

/** Throws `invalid-method-id` unless `id` may be published as a method file name. */
export function checkMethodId(id: string): string {
  if (!isRegistryMethodId(id)) {
    throw new MethodError(
      'invalid-method-id',
      `method id "${String(id)}" must be 1–32 characters of a-z, 0-9 and "-" (no leading, trailing or double "-")`,
    )
  }
  return id
}

/** For directory listings: which entry names are payment methods worth reading. */
export function isMethodEntry(name: string): boolean {
  return !NON_METHOD_NAMES.includes(name) && !name.endsWith('/') && name.length > 0 && name.length <= 64
}
