/**
 * @module listener/limits
 * Admission control for the Noise listener, with the reference's defaults (paykit-interactive
 * rate_limit.rs / connection_limit.rs): 10 handshakes per IP per 60 s, 1000 connections in total,
 * 10 per IP, 50 per /24 (IPv4) or /64 (IPv6). Unlike the reference, nothing here fails open.
 * The clock is injected; the tracked-IP table is bounded so a spray of source addresses cannot
 * grow memory without limit.
 */
import { isIPv4, isIPv6 } from 'node:net'
import type { Clock } from '../util/clock'

export interface RateLimitOptions {
  maxAttempts: number
  windowMs: number
  maxTrackedIps: number
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = {
  maxAttempts: 10,
  windowMs: 60_000,
  maxTrackedIps: 10_000,
}

/** Fixed-window handshake rate limiter per source IP. */
export class HandshakeRateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>()
  private readonly options: RateLimitOptions
  private readonly clock: Clock

  constructor(clock: Clock, options: Partial<RateLimitOptions> = {}) {
    this.clock = clock
    this.options = { ...DEFAULT_RATE_LIMIT, ...options }
  }

  /** Records an attempt from `ip`; false when the IP is over its limit for the current window. */
  tryAcquire(ip: string): boolean {
    const now = this.clock.now()
    let w = this.windows.get(ip)
    if (!w || now - w.start >= this.options.windowMs) {
      if (!w && this.windows.size >= this.options.maxTrackedIps) {
        this.evictExpired(now)
        // Still full of live windows: refuse the newcomer rather than forget someone's limit.
        if (this.windows.size >= this.options.maxTrackedIps) return false
      }
      w = { start: now, count: 0 }
      this.windows.set(ip, w)
    }
    if (w.count >= this.options.maxAttempts) return false
    w.count++
    return true
  }

  private evictExpired(now: number): void {
    for (const [ip, w] of this.windows) if (now - w.start >= this.options.windowMs) this.windows.delete(ip)
  }

  get trackedIps(): number {
    return this.windows.size
  }
}

export interface ConnectionLimitOptions {
  maxTotal: number
  maxPerIp: number
  maxPerSubnet: number
}

export const DEFAULT_CONNECTION_LIMIT: ConnectionLimitOptions = {
  maxTotal: 1000,
  maxPerIp: 10,
  maxPerSubnet: 50,
}

/** The /24 of an IPv4 address or the /64 of an IPv6 address (IPv4-mapped IPv6 counts as IPv4). */
export function subnetOf(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
  const v4 = mapped ? mapped[1]! : ip
  if (isIPv4(v4)) return v4.split('.').slice(0, 3).join('.') + '.0/24'
  if (isIPv6(ip)) {
    const [head, tail] = ip.split('::')
    const left = head ? head.split(':') : []
    const right = tail !== undefined && tail !== '' ? tail.split(':') : []
    const groups =
      tail === undefined ? left : [...left, ...new Array(8 - left.length - right.length).fill('0'), ...right]
    return (
      groups
        .slice(0, 4)
        .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
        .join(':') + '::/64'
    )
  }
  return ip
}

/** Counts live connections; `tryAcquire` returns a release function, or null when a limit is hit. */
export class ConnectionLimiter {
  private total = 0
  private readonly perIp = new Map<string, number>()
  private readonly perSubnet = new Map<string, number>()
  private readonly options: ConnectionLimitOptions

  constructor(options: Partial<ConnectionLimitOptions> = {}) {
    this.options = { ...DEFAULT_CONNECTION_LIMIT, ...options }
  }

  tryAcquire(ip: string): (() => void) | null {
    const subnet = subnetOf(ip)
    if (this.total >= this.options.maxTotal) return null
    if ((this.perIp.get(ip) ?? 0) >= this.options.maxPerIp) return null
    if ((this.perSubnet.get(subnet) ?? 0) >= this.options.maxPerSubnet) return null
    this.total++
    bump(this.perIp, ip, 1)
    bump(this.perSubnet, subnet, 1)
    let released = false
    return () => {
      // Idempotent: a connection closed twice (error + close events) frees its slot once.
      if (released) return
      released = true
      this.total--
      bump(this.perIp, ip, -1)
      bump(this.perSubnet, subnet, -1)
    }
  }

  get active(): number {
    return this.total
  }
}

function bump(map: Map<string, number>, key: string, by: number): void {
  const n = (map.get(key) ?? 0) + by
  if (n <= 0) map.delete(key)
  else map.set(key, n)
}
