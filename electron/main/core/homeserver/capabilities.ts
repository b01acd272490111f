/**
 * @module homeserver/capabilities
 * Pubky capabilities `"<scope>:<actions>"`, comma-separated (pubky-common 0.6.0 `capabilities.rs`):
 * the scope starts with `/`, actions are `r` and/or `w` normalised to `rw` order. Entries that do
 * not parse are dropped, duplicates merge and entries covered by a broader one are removed, as the
 * reference's `sanitize_caps` does.
 *
 * Stronger than the reference's write check (a bare string prefix, so scope `/pub/a` would allow
 * `/pub/ab`): a scope without a trailing `/` covers only that exact path and paths below `scope/`.
 */

export interface Capability {
  scope: string
  read: boolean
  write: boolean
}

export function parseCapability(text: string): Capability | undefined {
  const colon = text.indexOf(':')
  if (colon < 0 || text.indexOf(':', colon + 1) >= 0) return undefined
  const scope = text.slice(0, colon)
  const actions = text.slice(colon + 1)
  if (!scope.startsWith('/')) return undefined
  if (!/^[rw]*$/.test(actions)) return undefined
  return { scope, read: actions.includes('r'), write: actions.includes('w') }
}

export function formatCapability(c: Capability): string {
  return `${c.scope}:${c.read ? 'r' : ''}${c.write ? 'w' : ''}`
}

function scopeCovers(parent: string, child: string): boolean {
  return parent === child || (parent.endsWith('/') && child.startsWith(parent))
}

/** Parses a capability list the way the homeserver does (invalid entries dropped, then sanitised). */
export function parseCapabilities(text: string): Capability[] {
  const merged: Capability[] = []
  for (const part of text.split(',')) {
    const c = parseCapability(part)
    if (!c) continue
    const same = merged.find((m) => m.scope === c.scope)
    if (same) {
      same.read ||= c.read
      same.write ||= c.write
    } else merged.push({ ...c })
  }
  return merged.filter(
    (c, i) =>
      !merged.some(
        (o, j) =>
          j !== i &&
          o.scope !== c.scope &&
          scopeCovers(o.scope, c.scope) &&
          (o.read || !c.read) &&
          (o.write || !c.write),
      ),
  )
}

/** Whether `caps` allow writing `path` (see the module note on prefix matching). */
export function canWrite(caps: Capability[], path: string): boolean {
  return caps.some(
    (c) =>
      c.write &&
      (c.scope.endsWith('/') ? path.startsWith(c.scope) : path === c.scope || path.startsWith(`${c.scope}/`)),
  )
}
