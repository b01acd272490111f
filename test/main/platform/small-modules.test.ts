import { describe, expect, it, vi } from 'vitest'
import { ManualClock } from '../../../electron/main/core/util/clock'
import { IdleLock } from '../../../electron/main/platform/idle-lock'
import { createSafeShell, isAllowedExternalUrl } from '../../../electron/main/platform/safe-shell'
import { describeError, memoryLogger, redact } from '../../../electron/main/platform/logger'
import { ShutdownRegistry } from '../../../electron/main/app/shutdown'
import { PaykitError } from '../../../electron/main/core/util/errors'

describe('IdleLock', () => {
  it('fires once after the timeout, not before, and again only after new activity', () => {
    const clock = new ManualClock(0)
    const onIdle = vi.fn()
    const lock = new IdleLock(clock, 60_000, onIdle)
    clock.advance(59_999)
    expect(lock.tick()).toBe(false)
    lock.touch()
    clock.advance(59_999)
    expect(lock.tick()).toBe(false)
    clock.advance(1)
    expect(lock.tick()).toBe(true)
    clock.advance(120_000)
    expect(lock.tick()).toBe(false)
    expect(onIdle).toHaveBeenCalledTimes(1)
    lock.touch()
    clock.advance(60_000)
    expect(lock.tick()).toBe(true)
    expect(onIdle).toHaveBeenCalledTimes(2)
  })

  it('a zero timeout turns auto-lock off', () => {
    const clock = new ManualClock(0)
    const lock = new IdleLock(clock, 0, () => {
      throw new Error('must not fire')
    })
    clock.advance(10 ** 9)
    expect(lock.tick()).toBe(false)
    expect(lock.deadline()).toBeNull()
  })
})

describe('SafeShell allow-list', () => {
  it.each([
    ['https://pubky.org/docs', true],
    ['https://docs.pubky.org/x', true],
    ['https://github.com/pubky', true],
    ['http://pubky.org', false],
    ['https://evilpubky.org', false],
    ['https://pubky.org.evil.com', false],
    ['https://user:pw@pubky.org', false],
    ['https://pubky.org:8443', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['not a url', false],
  ])('%s → %s', (url, allowed) => {
    expect(isAllowedExternalUrl(url)).toBe(allowed)
  })

  it('only allow-listed URLs reach the opener', async () => {
    const opened: string[] = []
    const log: string[] = []
    const shell = createSafeShell(
      async (u) => {
        opened.push(u)
      },
      (m) => log.push(m),
    )
    expect(await shell.openExternal('https://evil.example/')).toBe(false)
    expect(await shell.openExternal('https://pubky.org/')).toBe(true)
    expect(opened).toEqual(['https://pubky.org/'])
    expect(log).toHaveLength(1)
  })
})

describe('redacting logger', () => {
  it('hides secret-named fields and byte arrays, keeps the rest', () => {
    const out = redact({
      pin: '1234',
      phrase: 'abandon …',
      nested: { secretKey: 'x', count: 3 },
      raw: new Uint8Array(32),
    })
    expect(out).toEqual({
      pin: '[redacted]',
      phrase: '[redacted]',
      nested: { secretKey: '[redacted]', count: 3 },
      raw: '[32 bytes]',
    })
    const log = memoryLogger()
    log.warn('x', { passphrase: 'hunter2', command: 'a:b' })
    expect(log.lines.join()).not.toContain('hunter2')
    expect(log.lines.join()).toContain('a:b')
  })

  it('describes a cause chain with codes', () => {
    const e = new PaykitError('storage', 'outer', { cause: new Error('inner') })
    expect(describeError(e)).toBe('PaykitError[storage]: outer <- Error: inner')
  })
})

describe('ShutdownRegistry', () => {
  it('runs stoppers newest first, continues past failures and timeouts, and only once', async () => {
    const log = memoryLogger()
    const reg = new ShutdownRegistry(log, 50)
    const order: string[] = []
    reg.register('db flush', () => void order.push('db'))
    reg.register('directory records', async () => {
      order.push('dir')
      throw new Error('relay down')
    })
    reg.register('stuck', () => new Promise(() => undefined))
    reg.register('listeners', async () => void order.push('listeners'))
    const removed = reg.register('removed', () => void order.push('removed'))
    removed()
    const ran = await reg.runAll()
    expect(ran).toEqual(['listeners', 'stuck', 'directory records', 'db flush'])
    expect(order).toEqual(['listeners', 'dir', 'db'])
    expect(log.lines.some((l) => l.includes('directory records failed'))).toBe(true)
    expect(log.lines.some((l) => l.includes('stuck failed') && l.includes('timed out'))).toBe(true)
    expect(await reg.runAll()).toBe(ran)
    expect(order).toHaveLength(3)
  })
})
