/**
 * @module homeserver/admin
 * The admin API of the reference homeserver (`admin_server/app.rs`), guarded by the
 * `X-Admin-Password` header: `GET /generate_signup_token`, `GET /info`,
 * `POST /users/{pubkey}/disable|enable`, `DELETE /webdav/{pubkey}/pub/…`. `GET /` is public.
 */
import type * as http from 'node:http'
import { applyCors, HttpError, sendBytes, sendEmpty, sendError, sendText } from '../pkarr/http'
import { equalBytes, utf8 } from '../util/bytes'
import { isZ32Key, type Homeserver } from './server'
import type { HomeserverStore } from './store'
import { normalizePath } from './webdav-path'

export interface AdminOptions {
  homeserver: Homeserver
  store: HomeserverStore
  password: string
}

export function createAdminHandler(
  opts: AdminOptions,
): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  const expected = utf8(opts.password)
  return (req, res) => {
    applyCors(req, res)
    try {
      const url = new URL(req.url ?? '/', 'http://admin.invalid')
      const path = url.pathname
      if (req.method === 'OPTIONS') return sendEmpty(res, 200)
      if (path === '/' && req.method === 'GET') return sendText(res, 200, 'Pubky Homeserver Admin Server')
      const given = req.headers['x-admin-password']
      if (typeof given !== 'string') throw new HttpError(401, 'Missing admin password')
      if (!equalBytes(utf8(given), expected)) throw new HttpError(401, 'Invalid admin password')
      if (path === '/generate_signup_token' && req.method === 'GET') {
        return sendText(res, 200, opts.homeserver.createSignupToken())
      }
      if (path === '/info' && req.method === 'GET') {
        const users = opts.store.countUsers()
        const tokens = opts.store.countSignupTokens()
        const body = {
          num_users: users.count,
          num_disabled_users: users.disabled,
          total_disk_used_mb: Math.floor(users.usedBytes / 1024 / 1024),
          num_signup_codes: tokens.count,
          num_unused_signup_codes: tokens.unused,
          public_key: opts.homeserver.publicKey,
          pkarr_pubky_address: null,
          pkarr_icann_domain: 'localhost',
          version: 'paykit-embedded-0.6.0',
        }
        return sendBytes(res, 200, utf8(JSON.stringify(body)), 'application/json')
      }
      const user = /^\/users\/([^/]+)\/(disable|enable)$/.exec(path)
      if (user && req.method === 'POST') {
        const pk = user[1]!
        if (!isZ32Key(pk)) throw new HttpError(400, `Invalid public key: ${pk}`)
        if (!opts.store.setDisabled(pk, user[2] === 'disable')) throw new HttpError(404, 'Not Found')
        return sendEmpty(res, 200)
      }
      if (path.startsWith('/webdav/') && req.method === 'DELETE') {
        const rest = path.slice('/webdav/'.length)
        const slash = rest.indexOf('/')
        const pk = slash < 0 ? rest : rest.slice(0, slash)
        if (!isZ32Key(pk)) throw new HttpError(400, `Invalid public key: ${pk}`)
        const entry = normalizePath(slash < 0 ? '/' : rest.slice(slash))
        if (!entry.startsWith('/pub/')) throw new HttpError(400, 'Invalid path: must start with /pub/')
        if (!opts.store.deleteEntry(pk, entry)) throw new HttpError(404, 'Not Found')
        return sendEmpty(res, 204)
      }
      throw new HttpError(404, 'Not Found')
    } catch (e) {
      sendError(res, e)
    }
  }
}
