import { describe, expect, it } from 'vitest'
import {
  ConnectionLimiter,
  HandshakeRateLimiter,
  subnetOf,
} from '../../../electron/main/core/listener/limits'
import { ManualClock } from '../../../electron/main/core/util/clock'

describe('HandshakeRateLimiter (reference default 10 / 60 s per IP)', () => {
  it('admits 10 attempts per window, refuses the 11th, admits again after the window', () => {
    const clock = new ManualClock(0)
    const rl = new HandshakeRateLimiter(clock)
    for (let i = 0; i < 10; i++) expect(rl.tryAcquire('10.0.0.1')).toBe(true)
    expect(rl.tryAcquire('10.0.0.1')).toBe(false)
    expect(rl.tryAcquire('10.0.0.2')).toBe(true)
    clock.advance(60_000)
    expect(rl.tryAcquire('10.0.0.1')).toBe(true)
  })
  it('bounds the tracked-IP table and refuses newcomers while it is full of live windows', () => {
    const clock = new ManualClock(0)
    const rl = new HandshakeRateLimiter(clock, { maxTrackedIps: 3 })
    for (const ip of ['a', 'b', 'c']) expect(rl.tryAcquire(ip)).toBe(true)
    expect(rl.tryAcquire('d')).toBe(false)
    expect(rl.trackedIps).toBe(3)
    clock.advance(60_000)
    expect(rl.tryAcquire('d')).toBe(true)
    expect(rl.trackedIps).toBe(1)
  })
})

describe('ConnectionLimiter (reference defaults 1000 total, 10 per IP, 50 per subnet)', () => {
  it('limits per IP and releases slots exactly once', () => {
    const cl = new ConnectionLimiter()
    const releases = Array.from({ length: 10 }, () => cl.tryAcquire('192.168.1.5'))
    expect(releases.every((r) => r !== null)).toBe(true)
    expect(cl.tryAcquire('192.168.1.5')).toBeNull()
    releases[0]!()
    releases[0]!()
    expect(cl.active).toBe(9)
    expect(cl.tryAcquire('192.168.1.5')).not.toBeNull()
  })
  it('limits per /24 and in total', () => {
    const cl = new ConnectionLimiter({ maxPerSubnet: 3, maxTotal: 4, maxPerIp: 10 })
    expect(cl.tryAcquire('10.1.1.1')).not.toBeNull()
    expect(cl.tryAcquire('10.1.1.2')).not.toBeNull()
    expect(cl.tryAcquire('::ffff:10.1.1.3')).not.toBeNull()
    expect(cl.tryAcquire('10.1.1.4')).toBeNull()
    expect(cl.tryAcquire('10.2.1.1')).not.toBeNull()
    expect(cl.tryAcquire('10.3.1.1')).toBeNull()
  })
  it('computes /24 and /64 subnets', () => {
    expect(subnetOf('10.1.2.3')).toBe('10.1.2.0/24')
    expect(subnetOf('::ffff:10.1.2.3')).toBe('10.1.2.0/24')
    expect(subnetOf('2001:db8:0:1::5')).toBe('2001:db8:0:1::/64')
    expect(subnetOf('2001:0db8:0000:0001:0000:0000:0000:0005')).toBe('2001:db8:0:1::/64')
  })
})
