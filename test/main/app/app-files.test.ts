import { describe, expect, it } from 'vitest'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { resolveAppPath, serveAppFile } from '../../../electron/main/app/app-files'
import { contentSecurityPolicy } from '../../../electron/main/app/csp'
import { tempDir } from '../helpers'

describe('app:// file serving guard', () => {
  it('maps paths inside the root and refuses traversal in every spelling', () => {
    const root = '/srv/renderer'
    expect(resolveAppPath(root, '/')).toBe('/srv/renderer/index.html')
    expect(resolveAppPath(root, '/assets/a.js')).toBe('/srv/renderer/assets/a.js')
    const attacks = [
      '/../secret',
      '/assets/../../secret',
      '/%2e%2e/secret',
      '/%2E%2E%2Fsecret',
      '/..%2f..%2fetc/passwd',
      '/a%5c..%5c..%5cx',
      '/a%00.js',
      '/%E0%A4%A',
    ]
    for (const p of attacks) expect(resolveAppPath(root, p), p).toBeNull()
    expect(attacks).toHaveLength(8)
  })

  it('serves files with the CSP, 404s outside or missing, follows no symlink out, and allows only GET/HEAD', async () => {
    const { dir, cleanup } = tempDir()
    try {
      const root = join(dir, 'renderer')
      mkdirSync(join(root, 'assets'), { recursive: true })
      writeFileSync(join(root, 'index.html'), '<html></html>')
      writeFileSync(join(dir, 'secret.txt'), 'top secret')
      symlinkSync(join(dir, 'secret.txt'), join(root, 'assets', 'link.txt'))
      const csp = contentSecurityPolicy()
      const ok = await serveAppFile(root, 'GET', '/', csp)
      expect(ok.status).toBe(200)
      expect(ok.headers['Content-Type']).toMatch(/text\/html/)
      expect(ok.headers['Content-Security-Policy']).toBe(csp)
      expect(new TextDecoder().decode(ok.body)).toBe('<html></html>')
      expect((await serveAppFile(root, 'GET', '/../secret.txt', csp)).status).toBe(400)
      expect((await serveAppFile(root, 'GET', '/assets/link.txt', csp)).status).toBe(404)
      expect((await serveAppFile(root, 'GET', '/missing.js', csp)).status).toBe(404)
      expect((await serveAppFile(root, 'GET', '/assets', csp)).status).toBe(404)
      expect((await serveAppFile(root, 'POST', '/', csp)).status).toBe(405)
    } finally {
      cleanup()
    }
  })

  it('the CSP forbids inline script, remote origins and framing', () => {
    const csp = contentSecurityPolicy()
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
    expect(csp).not.toContain('unsafe-eval')
    expect(csp).toContain("frame-ancestors 'none'")
    expect(contentSecurityPolicy(['ws://127.0.0.1:9'])).toContain("connect-src 'self' ws://127.0.0.1:9")
  })
})
