/**
 * @module app/display/policy
 * What the customer-facing display may ask for, and nothing else. The display token opens exactly
 * these read-only routes of the display server; it is not a session of the till: no IPC command,
 * no WebSocket, no app file, no receipt, no key. Every other path, method or missing/wrong token is
 * refused. Pure functions, so the policy is unit-tested apart from the server.
 */
import { equalBytes, utf8 } from '../../core/util/bytes'

/** The display's routes: its page, script, style, QR image, state snapshot and state stream. */
export type DisplayRoute = 'page' | 'script' | 'style' | 'qr' | 'state' | 'events'

const ROUTES: Readonly<Record<string, DisplayRoute>> = Object.freeze({
  '/display': 'page',
  '/display/app.js': 'script',
  '/display/app.css': 'style',
  '/display/qr.svg': 'qr',
  '/display/state': 'state',
  '/display/events': 'events',
})

/** The routes, for tests and docs. */
export const DISPLAY_PATHS: readonly string[] = Object.freeze(Object.keys(ROUTES))

export type DisplayDecision =
  | { readonly allow: true; readonly route: DisplayRoute }
  | { readonly allow: false; readonly status: 403 | 404 | 405 | 421; readonly reason: string }

/** Constant-time token comparison; a missing token never matches. */
export function tokenMatches(offered: string | null, token: string): boolean {
  return offered !== null && offered.length > 0 && equalBytes(utf8(offered), utf8(token))
}

/**
 * Decides one display request. `hostOk` is the server's Host check (exact loopback host in local
 * mode, against DNS rebinding). The token check comes before the route lookup's answer is revealed,
 * so a request without the token learns nothing about which paths exist.
 */
export function decideDisplayRequest(req: {
  method: string
  pathname: string
  token: string | null
  expected: string
  hostOk: boolean
  upgrade?: boolean
}): DisplayDecision {
  if (!req.hostOk) return { allow: false, status: 421, reason: 'Wrong host for the customer display.' }
  if (!tokenMatches(req.token, req.expected))
    return { allow: false, status: 403, reason: 'This customer display link is wrong or was replaced.' }
  // No WebSocket (the till's IPC) on this server, whatever the path.
  if (req.upgrade === true) return { allow: false, status: 403, reason: 'The customer display is read-only.' }
  const route = Object.hasOwn(ROUTES, req.pathname) ? ROUTES[req.pathname] : undefined
  if (route === undefined) return { allow: false, status: 404, reason: 'Not part of the customer display.' }
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return { allow: false, status: 405, reason: 'The customer display is read-only.' }
  return { allow: true, route }
}
