/**
 * @module platform/safe-shell
 * The only way the app opens something outside itself. A URL is handed to the OS only if it is
 * https on an allow-listed host, has no credentials and no unusual port; everything else is refused
 * and logged. The opener is injected (Electron's `shell.openExternal` in the app, a recorder in tests).
 */

/** Hosts whose pages the app may open in the system browser (help and project pages). */
export const EXTERNAL_HOST_ALLOWLIST: readonly string[] = Object.freeze([
  'pubky.org',
  'pubky.app',
  'paykit.app',
  'github.com',
])

/** True when `raw` is an https URL to an allow-listed host (or its subdomain) with nothing odd in it. */
export function isAllowedExternalUrl(raw: string): boolean {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return false
  }
  if (url.protocol !== 'https:') return false
  if (url.username !== '' || url.password !== '') return false
  if (url.port !== '') return false
  const host = url.hostname.toLowerCase()
  return EXTERNAL_HOST_ALLOWLIST.some((allowed) => host === allowed || host.endsWith(`.${allowed}`))
}

export type SafeShell = { openExternal(url: string): Promise<boolean> }

/** Wraps an opener so only allow-listed URLs reach it. Resolves whether the URL was opened. */
export function createSafeShell(
  open: (url: string) => Promise<void>,
  log: (message: string) => void = (m) => console.warn(m),
): SafeShell {
  return {
    async openExternal(url: string): Promise<boolean> {
      if (!isAllowedExternalUrl(url)) {
        log(`[safe-shell] refused to open a URL outside the allow-list (${String(url).slice(0, 80)})`)
        return false
      }
      await open(url)
      return true
    },
  }
}
