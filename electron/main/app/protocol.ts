/**
 * @module app/protocol
 * The renderer is served from `app://pos/`, a privileged standard scheme, instead of file://
 * (Electron checklist: a custom protocol gives the page a real origin to check IPC senders against
 * and keeps it away from the rest of the file system).
 */
import { protocol } from 'electron'
import { serveAppFile } from './app-files'
import { contentSecurityPolicy } from './csp'

export const APP_SCHEME = 'app'
export const APP_HOST = 'pos'
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`

/** True for URLs of our renderer (`app://pos/...`). `URL.origin` is "null" for custom schemes, so compare parts. */
export function isAppUrl(raw: string): boolean {
  try {
    const url = new URL(raw)
    return (
      url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST && url.username === '' && url.password === ''
    )
  } catch {
    return false
  }
}

/** Must run before `app.whenReady()`. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
    },
  ])
}

/** Answers app:// requests from `rendererDir`; other hosts are 404. */
export function handleAppProtocol(rendererDir: string): void {
  const csp = contentSecurityPolicy()
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url)
    if (url.host !== APP_HOST) return new Response('Not found', { status: 404 })
    const file = await serveAppFile(rendererDir, request.method, url.pathname, csp)
    return new Response(request.method === 'HEAD' ? null : file.body, {
      status: file.status,
      headers: file.headers,
    })
  })
}
