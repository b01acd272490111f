// The storage port over the real SDK gateway and over node:http, against the real embedded homeserver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startNetwork, type TestIdentity, type TestNetwork } from './network'

const D = '/pub/paykit.app/v0/test/'

describe('store port against the embedded homeserver', () => {
  let net: TestNetwork
  let alice: TestIdentity
  beforeAll(async () => {
    net = await startNetwork()
    alice = await net.identity(0x21)
    for (const n of ['a', 'b', 'c', 'd', 'e']) await alice.writer.put(`${D}${n}`, `file ${n}`)
    await alice.writer.put(`${D}sub/x`, 'nested')
    await alice.writer.put(`${D}big`, new Uint8Array(1024 * 1024).fill(1))
    await alice.writer.put(`${D}empty`, new Uint8Array(0))
  })
  afterAll(async () => net?.close())

  it('both readers list with cursors across pages, shallow and deep, bounded by maxEntries', async () => {
    for (const reader of [net.reader, net.httpReader]) {
      const shallow = await reader.list(alice.z32, D, { limit: 2 })
      expect(shallow.entries.map((e) => `${e.name}${e.isDir ? '/' : ''}`)).toEqual([
        'a',
        'b',
        'big',
        'c',
        'd',
        'e',
        'empty',
        'sub/',
      ])
      expect(shallow.truncated).toBe(false)
      const deep = await reader.list(alice.z32, D, { limit: 3, shallow: false })
      expect(deep.entries.map((e) => e.path.slice(D.length))).toContain('sub/x')
      const cut = await reader.list(alice.z32, D, { limit: 2, maxEntries: 3 })
      expect(cut.entries).toHaveLength(3)
      expect(cut.truncated).toBe(true)
      const rest = await reader.list(alice.z32, D, { cursor: cut.entries[2]!.url })
      expect(rest.entries.map((e) => e.name)).toEqual(['c', 'd', 'e', 'empty', 'sub'])
      expect(await reader.list(alice.z32, '/pub/nothing/here/')).toEqual({
        entries: [],
        truncated: false,
        malformed: 0,
      })
    }
  })

  it('both readers cap reads and treat missing and empty files as absent; deletes are idempotent', async () => {
    for (const reader of [net.reader, net.httpReader]) {
      expect(new TextDecoder().decode((await reader.get(alice.z32, `${D}a`))!)).toBe('file a')
      await expect(reader.get(alice.z32, `${D}big`)).rejects.toMatchObject({ code: 'store-too-large' })
      expect((await reader.get(alice.z32, `${D}big`, { maxBytes: 2 * 1024 * 1024 }))!.length).toBe(
        1024 * 1024,
      )
      expect(await reader.get(alice.z32, `${D}empty`)).toBeNull()
      expect(await reader.get(alice.z32, `${D}missing`)).toBeNull()
    }
    await alice.writer.delete(`${D}e`)
    await alice.writer.delete(`${D}e`)
    expect(await net.reader.get(alice.z32, `${D}e`)).toBeNull()
    await expect(alice.writer.put('/priv/x', 'no')).rejects.toMatchObject({ code: 'store-invalid-path' })
  })
})
