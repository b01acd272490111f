import { describe, expect, it } from 'vitest'
import { memoryLogger, redact, REDACTED } from '../../../electron/main/core/observe/logger'
import { EventBus } from '../../../electron/main/core/observe/events'
import { Histogram, Metrics } from '../../../electron/main/core/observe/metrics'

describe('logger', () => {
  it('never writes secrets or raw bytes, however deeply nested', () => {
    const { logger, lines } = memoryLogger()
    const secretKey = new Uint8Array(32).fill(0xab)
    logger.info('identity.loaded', {
      z32: 'yg4gxe7z1r7mr6orids9fh95y7gxhdsxjqi6nngsxxtakqaxr5no',
      keypair: { secretKey, publicKey: new Uint8Array(32) },
      mnemonic: 'abandon abandon abandon',
      nested: { deeper: { seed: 'deadbeef', preimage: 'cafe' } },
    })
    const out = lines.join('\n')
    expect(out).toContain('yg4gxe7z1r7mr6orids9fh95y7gxhdsxjqi6nngsxxtakqaxr5no')
    expect(out).not.toContain('abandon')
    expect(out).not.toContain('deadbeef')
    expect(out).not.toContain('cafe')
    expect(out).not.toMatch(/171,171|abab/)
    expect(out).toContain(REDACTED)
    expect(out).toContain('[32 bytes]')
  })
  it('keeps error codes and causes, redacted', () => {
    const e = Object.assign(new Error('bad'), { code: 'E004', cause: { secret: 's3cr3t' } })
    expect(redact({ error: e })).toEqual({
      error: { name: 'Error', message: 'bad', code: 'E004', cause: { secret: REDACTED } },
    })
  })
  it('survives cyclic objects', () => {
    const a: Record<string, unknown> = {}
    a['self'] = a
    expect(() => JSON.stringify(redact(a))).not.toThrow()
  })
})

describe('EventBus', () => {
  it('delivers to every listener even when one throws, and unsubscribes', () => {
    const errors: unknown[] = []
    const bus = new EventBus<{ paid: { id: string } }>((_, e) => errors.push(e))
    const got: string[] = []
    bus.on('paid', () => {
      throw new Error('bad listener')
    })
    const off = bus.on('paid', (p) => got.push(p.id))
    bus.emit('paid', { id: 'a' })
    off()
    bus.emit('paid', { id: 'b' })
    expect(got).toEqual(['a'])
    expect(errors).toHaveLength(2)
  })
})

describe('metrics', () => {
  it('computes percentiles over observations', () => {
    const h = new Histogram()
    for (let i = 1; i <= 100; i++) h.observe(i)
    const s = h.snapshot()
    expect([s.count, s.min, s.max, s.p50, s.p99]).toEqual([100, 1, 100, 50, 99])
  })
  it('keeps memory bounded with a reservoir', () => {
    const h = new Histogram(10)
    for (let i = 0; i < 10_000; i++) h.observe(i)
    expect(h.snapshot().count).toBe(10_000)
    expect((h as unknown as { samples: number[] }).samples).toHaveLength(10)
  })
  it('counts by label set regardless of label order', () => {
    const m = new Metrics()
    m.inc('handshake', { pattern: 'IK', ok: 'true' })
    m.inc('handshake', { ok: 'true', pattern: 'IK' })
    expect(m.counter('handshake', { pattern: 'IK', ok: 'true' })).toBe(2)
  })
})
