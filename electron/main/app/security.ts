/**
 * @module app/security
 * Every web-contents guard in one place (Electron security checklist): navigation and redirects
 * away from app:// are cancelled, new windows are denied (allow-listed https links go to the system
 * browser through SafeShell), <webview> cannot attach, every permission request and check is refused,
 * and only our own blob downloads (encrypted exports) are allowed.
 */
import type { Session, WebContents } from 'electron'
import type { SafeShell } from '../platform/safe-shell'
import type { Logger } from '../platform/logger'
import { contentSecurityPolicy } from './csp'
import { isAppUrl } from './protocol'

export function hardenSession(ses: Session, log: Logger): void {
  ses.setPermissionRequestHandler((_contents, permission, callback) => {
    log.warn('security: permission request denied', { permission })
    callback(false)
  })
  ses.setPermissionCheckHandler(() => false)
  // The CSP also as a header on anything the session loads (the protocol handler sets it too).
  const csp = contentSecurityPolicy()
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } })
  })
  ses.on('will-download', (event, item) => {
    if (!item.getURL().startsWith('blob:app://pos/')) {
      log.warn('security: download refused', { url: item.getURL().slice(0, 80) })
      event.preventDefault()
    }
  })
}

export function hardenWebContents(contents: WebContents, deps: { safeShell: SafeShell; log: Logger }): void {
  const block = (kind: string) => (event: { preventDefault(): void }, url: string) => {
    if (isAppUrl(url)) return
    event.preventDefault()
    deps.log.warn(`security: ${kind} blocked`, { url: String(url).slice(0, 80) })
  }
  contents.on('will-navigate', block('navigation'))
  contents.on('will-redirect', block('redirect'))
  contents.setWindowOpenHandler(({ url }) => {
    // Never a new Electron window; an allow-listed https link opens in the system browser.
    void deps.safeShell.openExternal(url)
    return { action: 'deny' }
  })
  contents.on('will-attach-webview', (event) => {
    event.preventDefault()
    deps.log.warn('security: <webview> attach blocked')
  })
}
