/**
 * @module app/display/host
 * Runs the customer-display server as the owner's setting says: none while `off` (and the token is
 * forgotten, so an old link stays dead), on 127.0.0.1 for `local`, on 0.0.0.0 for `lan`. Each time
 * the display is switched on it gets a fresh random token; the owner reads the link with
 * `display:info` (owner-only) and opens it on the second screen.
 *
 * The setting lives in its own small file (`display.json`: mode, token, port) so the tablet's link
 * keeps working across restarts of the till. The token opens only the read-only display.
 */
import { readFileSync, writeFileSync, renameSync } from 'node:fs'
import { networkInterfaces } from 'node:os'
import { CUSTOMER_DISPLAY_MODES } from '../../../../shared/domain/settings'
import type { DisplayInfo } from '../../../../shared/domain/display'
import type { CustomerDisplayMode } from '../../../../shared/domain/settings'
import { toHex } from '../../core/util/bytes'
import type { Rng } from '../../core/util/rng'
import { describeError, type Logger } from '../../platform/logger'
import { startDisplayServer, type DisplayServer, type DisplaySource } from './server'

/** Non-internal IPv4 addresses of this computer (where a tablet on the LAN can reach us). */
export function lanAddresses(): string[] {
  const out: string[] = []
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) out.push(a.address)
  }
  return out
}

export class CustomerDisplayHost {
  private mode: CustomerDisplayMode = 'off'
  private server: DisplayServer | null = null
  private token: string | null = null
  private problem: string | null = null
  /** Serialises start/stop: settings can change faster than a port binds. */
  private chain: Promise<void> = Promise.resolve()

  constructor(
    private readonly o: {
      source: DisplaySource
      rng: Rng
      log: Logger
      /** Fixed port (PAYKIT_DISPLAY_PORT); 0 or absent: any free port. */
      port?: number
      lanAddresses?: () => string[]
      /** Where the setting is kept; absent: memory only (tests). */
      file?: string
    },
  ) {}

  /** Reads the saved setting and starts the display if it was on. A damaged file means off. */
  async restore(): Promise<void> {
    const saved = this.o.file ? readSaved(this.o.file) : null
    if (!saved || saved.mode === 'off') return
    this.chain = this.chain.then(() => this.applyNow(saved.mode, saved))
    await this.chain
  }

  /** The owner's command: switch the display and say where it is. */
  async setMode(mode: CustomerDisplayMode): Promise<DisplayInfo> {
    await this.apply(mode)
    return this.info()
  }

  /** Brings the server in line with `mode`; resolves when it is (or failed: see `info().problem`). */
  apply(mode: CustomerDisplayMode): Promise<void> {
    this.chain = this.chain.then(() => this.applyNow(mode))
    return this.chain
  }

  private async applyNow(mode: CustomerDisplayMode, saved: Saved | null = null): Promise<void> {
    if (mode === this.mode && (mode === 'off' || this.server)) return
    await this.stopServer()
    this.mode = mode
    this.problem = null
    if (mode === 'off') {
      this.token = null
      this.save({ mode: 'off', token: null, port: null })
      return
    }
    // Switching on (or local ↔ LAN) makes a new token; only a restart keeps the saved one.
    this.token = saved?.token ?? toHex(this.o.rng(32))
    const port = this.o.port || saved?.port || 0
    try {
      this.server = await startDisplayServer({
        host: mode === 'lan' ? '0.0.0.0' : '127.0.0.1',
        token: this.token,
        source: this.o.source,
        log: this.o.log,
        ...(port ? { port } : {}),
      })
    } catch (e) {
      this.problem = `The customer display could not start: ${(e as Error).message}`
      this.o.log.warn('customer display: start failed', { cause: describeError(e) })
    }
    this.save({ mode, token: this.token, port: this.server?.port ?? null })
  }

  private save(s: Saved): void {
    if (!this.o.file) return
    try {
      const tmp = `${this.o.file}.tmp`
      writeFileSync(tmp, `${JSON.stringify(s)}\n`, { mode: 0o600 })
      renameSync(tmp, this.o.file)
    } catch (e) {
      this.o.log.warn('customer display: could not save the setting', { cause: describeError(e) })
    }
  }

  info(): DisplayInfo {
    const s = this.server
    const t = this.token
    if (this.mode === 'off' || !s || !t)
      return { mode: this.mode, url: null, lanUrls: [], problem: this.problem }
    const path = `/display?k=${t}`
    const lan = this.mode === 'lan' ? (this.o.lanAddresses ?? lanAddresses)() : []
    return {
      mode: this.mode,
      url: `http://127.0.0.1:${s.port}${path}`,
      lanUrls: lan.map((ip) => `http://${ip}:${s.port}${path}`),
      problem: null,
    }
  }

  private async stopServer(): Promise<void> {
    const s = this.server
    this.server = null
    if (s) await s.close()
  }

  /** Shutdown: closes the server and its streams; the saved setting stays (it comes back next start). */
  close(): Promise<void> {
    this.chain = this.chain.then(async () => {
      await this.stopServer()
      this.mode = 'off'
      this.token = null
    })
    return this.chain
  }
}

type Saved = { mode: CustomerDisplayMode; token: string | null; port: number | null }

/** The saved setting, or null when missing or damaged (then the display stays off). */
function readSaved(file: string): Saved | null {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as Partial<Saved>
    if (!(CUSTOMER_DISPLAY_MODES as readonly unknown[]).includes(v.mode)) return null
    const token = typeof v.token === 'string' && /^[0-9a-f]{64}$/.test(v.token) ? v.token : null
    const port =
      typeof v.port === 'number' && Number.isInteger(v.port) && v.port > 0 && v.port < 65536 ? v.port : null
    return { mode: v.mode as CustomerDisplayMode, token, port }
  } catch {
    return null
  }
}
