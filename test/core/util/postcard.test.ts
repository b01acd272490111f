// The one postcard writer/reader (util/postcard.ts): primitive layouts and untrusted-input bounds.
// Whole-structure byte equality is proven elsewhere: subscription_signing vectors
// (test/core/subscriptions/signing.test.ts) and SessionInfo/AuthToken (test/core/homeserver).
import { describe, expect, it } from 'vitest'
import { PostcardReader, PostcardWriter } from '../../../electron/main/core/util/postcard'

const bytes = (w: PostcardWriter): number[] => Array.from(w.finish())

describe('PostcardWriter', () => {
  it('writes varints, zigzag i64, u8, bool, Option, str, byte seqs and f64 as postcard does', () => {
    expect(bytes(new PostcardWriter().varint(0).varint(127).varint(128).varint(300))).toEqual([
      0, 127, 0x80, 1, 0xac, 2,
    ])
    expect(bytes(new PostcardWriter().varint((1n << 64n) - 1n))).toEqual([...Array(9).fill(0xff), 1])
    expect(bytes(new PostcardWriter().i64(0).i64(-1).i64(1).i64(-64))).toEqual([0, 1, 2, 127])
    expect(bytes(new PostcardWriter().u8(255).bool(true).bool(false).none().some())).toEqual([
      255, 1, 0, 0, 1,
    ])
    expect(bytes(new PostcardWriter().str('hé').bytes(Uint8Array.of(9)).raw(Uint8Array.of(7, 7)))).toEqual([
      3, 0x68, 0xc3, 0xa9, 1, 9, 7, 7,
    ])
    expect(bytes(new PostcardWriter().f64(1))).toEqual([0, 0, 0, 0, 0, 0, 0xf0, 0x3f])
  })

  it('refuses values outside the type with invalid-input', () => {
    const bad: (() => unknown)[] = [
      () => new PostcardWriter().varint(-1),
      () => new PostcardWriter().varint(1n << 64n),
      () => new PostcardWriter().i64(1n << 63n),
      () => new PostcardWriter().u8(256),
      () => new PostcardWriter().u8(1.5),
    ]
    for (const fn of bad) expect(fn).toThrow(expect.objectContaining({ code: 'invalid-input' }))
    expect(bad).toHaveLength(5)
  })
})

describe('PostcardReader', () => {
  it('reads back what the writer wrote', () => {
    const w = new PostcardWriter().varint(300).u8(7).str('cap').raw(Uint8Array.of(1, 2))
    const r = new PostcardReader(w.finish(), 'Test')
    expect([r.varint('a'), r.u8('b'), r.string('c'), Array.from(r.bytes(2, 'd')), r.remaining()]).toEqual([
      300n,
      7,
      'cap',
      [1, 2],
      0,
    ])
  })

  it('bounds-checks untrusted input and names what it was reading', () => {
    const fails = (buf: number[], read: (r: PostcardReader) => unknown, text: string): void => {
      const r = new PostcardReader(Uint8Array.from(buf), 'Thing')
      expect(() => read(r)).toThrow(
        expect.objectContaining({ code: 'invalid-input', message: expect.stringContaining(text) }),
      )
    }
    fails([0x80], (r) => r.varint('n'), 'Thing: n varint runs past the end')
    fails(Array(11).fill(0x80), (r) => r.varint('n'), 'longer than 10 bytes')
    fails([5, 1, 2], (r) => r.string('name'), 'name claims 5 bytes but only 2 remain')
    fails([0xff, 0xff, 0xff, 0xff, 0x0f], (r) => r.string('name'), 'claims 4294967295 bytes')
    fails([2, 0xc3, 0x28], (r) => r.string('name'), 'not valid UTF-8')
    fails([1], (r) => r.bytes(2, 'key'), 'key needs 2 bytes but only 1 remain')
  })
})
