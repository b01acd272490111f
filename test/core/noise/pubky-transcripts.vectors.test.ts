// computed-handshake-transcripts.json reproduced byte for byte through every provider: identity
// payload JSON, binding preimage and digest, signatures, msg1/msg2/msg3, session ids, transport
// ciphertexts and TCP frames. Plus noise_identity_binding.json (1.1.0 bindings).
import { describe, expect, it } from 'vitest'
import { providers } from '../../../electron/main/core/crypto'
import { fromHex, toHex, utf8 } from '../../../electron/main/core/util/bytes'
import { ManualClock } from '../../../electron/main/core/util/clock'
import { PROLOGUE } from '../../../electron/main/core/noise/constants'
import { encodeFrame } from '../../../electron/main/core/noise/framing'
import {
  bindingDigest,
  bindingPreimage,
  parseIdentityPayload,
  signIdentityPayload,
  type Generation,
} from '../../../electron/main/core/noise/identity'
import { PubkyHandshake } from '../../../electron/main/core/noise/pubky-handshake'
import type { PubkyPattern } from '../../../electron/main/core/noise/constants'
import { loadVectors, vectorsPresent } from '../../helpers/vectors'

const all = providers()
const text = new TextDecoder()

describe.skipIf(!vectorsPresent)('computed-handshake-transcripts.json (needs ../shared/vectors)', () => {
  const file = vectorsPresent ? loadVectors('noise/computed-handshake-transcripts.json') : { vectors: [] }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- vector JSON
  const vectors: any[] = file.vectors
  const ik = vectors.filter((v) => v.protocol_name.includes('_IK_') && v.client_payload_json)
  const xx = vectors.filter((v) => v.protocol_name.includes('_XX_'))
  const raw = vectors.filter((v) => v.initiator_static_secret_hex !== undefined)

  it('has the expected entries', () => {
    expect(ik.length).toBe(5)
    expect(xx.length).toBe(1)
    expect(raw.length).toBe(3)
  })

  for (const p of all) {
    it(`${p.name}: IK identity transcripts (0.8.0, 1.1.0, 1.2.0, with and without hint/expiry)`, () => {
      let n = 0
      for (const v of ik) {
        const gen = v.pubky_noise_version as Generation
        const sent = JSON.parse(v.client_payload_json)
        const hint: string | null = sent.server_hint ?? null
        const expiresAt: number | undefined = sent.expires_at ?? sent.hint_expires_at
        const clientStatic = fromHex(v.client.x25519_static_secret_hex)
        const serverStatic = fromHex(v.server.x25519_static_secret_hex)
        const serverPub = fromHex(v.server.x25519_static_public_hex)
        const clientPub = fromHex(v.client.x25519_static_public_hex)
        const edSecret = fromHex(v.client.ed25519_seed_hex)
        expect(toHex(p.x25519PublicKey(clientStatic))).toBe(v.client.x25519_static_public_hex)
        expect(toHex(p.ed25519PublicKey(edSecret))).toBe(v.client.ed25519_pub_hex)
        // Binding preimage, digest, signature and payload bytes.
        const binding = {
          generation: gen,
          patternTag: 'IK' as const,
          prologue: PROLOGUE,
          ed25519Pub: fromHex(v.client.ed25519_pub_hex),
          localStatic: clientPub,
          remoteStatic: serverPub,
          role: 'Client' as const,
          serverHint: hint,
          expiresAt,
        }
        expect(toHex(bindingPreimage(binding))).toBe(v.binding_preimage_hex)
        expect(toHex(bindingDigest(p, binding))).toBe(v.binding_digest_hex)
        const signed = signIdentityPayload(p, {
          ...binding,
          ed25519Secret: edSecret,
          serverHint: gen === '0.8.0' ? undefined : hint,
        })
        expect(toHex(signed.payload.sig)).toBe(v.client_sig_hex)
        expect(text.decode(signed.bytes)).toBe(v.client_payload_json)
        expect(parseIdentityPayload(utf8(v.client_payload_json)).generation).toBe(gen)

        // The handshake itself, both sides, fixed ephemerals.
        const clock = new ManualClock(((expiresAt ?? 1767225600) - 100) * 1000)
        const client = PubkyHandshake.initiator({
          pattern: 'IK',
          generation: gen,
          staticSecret: clientStatic,
          remoteStatic: serverPub,
          identity: { ed25519Secret: edSecret },
          serverHint: hint,
          ...(expiresAt !== undefined ? { expiresAt } : {}),
          ephemeralSecret: fromHex(v.client.fixed_ephemeral_secret_hex),
          crypto: p,
          clock,
        })
        const server = PubkyHandshake.responder('IK', {
          staticSecret: serverStatic,
          ephemeralSecret: fromHex(v.server.fixed_ephemeral_secret_hex),
          crypto: p,
          clock,
        })
        const msg1 = client.writeMessage()
        expect(toHex(msg1)).toBe(v.msg1_hex)
        server.readMessage(msg1)
        const msg2 = server.writeMessage()
        expect(toHex(msg2)).toBe(v.msg2_hex)
        client.readMessage(msg2)
        const a = client.result()
        const b = server.result()
        expect(toHex(a.sessionId)).toBe(v.handshake_hash_session_id_hex)
        expect(toHex(b.sessionId)).toBe(v.handshake_hash_session_id_hex)
        expect(b.remote.generation).toBe(gen)
        expect(toHex(b.remote.ed25519Pub!)).toBe(v.client.ed25519_pub_hex)
        expect(toHex(b.remote.x25519Static!)).toBe(v.client.x25519_static_public_hex)
        for (const t of v.transport) {
          const [from, to] = t.from === 'client' ? [a, b] : [b, a]
          const ct = from.send!.encryptWithAd(new Uint8Array(0), utf8(t.plaintext_utf8))
          expect(toHex(ct)).toBe(t.ciphertext_hex)
          expect(toHex(encodeFrame(ct))).toBe(t.tcp_frame_hex)
          expect(text.decode(to.recv!.decryptWithAd(new Uint8Array(0), ct))).toBe(t.plaintext_utf8)
          n++
        }
      }
      expect(n).toBe(ik.length * 2)
    })

    it(`${p.name}: XX 1.2.0 transcript with server and client payloads`, () => {
      const v = xx[0]
      const serverSent = JSON.parse(v.server_payload_json)
      const clock = new ManualClock((serverSent.hint_expires_at - 300) * 1000)
      const client = PubkyHandshake.initiator({
        pattern: 'XX',
        generation: '1.2.0',
        staticSecret: fromHex(v.client.x25519_static_secret_hex),
        identity: { ed25519Secret: fromHex(v.client.ed25519_seed_hex) },
        ephemeralSecret: fromHex(v.client.fixed_ephemeral_secret_hex),
        crypto: p,
        clock,
      })
      const server = PubkyHandshake.responder('XX', {
        staticSecret: fromHex(v.server.x25519_static_secret_hex),
        identity: { ed25519Secret: fromHex(v.server.ed25519_seed_hex) },
        xxGeneration: '1.2.0',
        ephemeralSecret: fromHex(v.server.fixed_ephemeral_secret_hex),
        crypto: p,
        clock,
      })
      const msg1 = client.writeMessage()
      expect(toHex(msg1)).toBe(v.msg1_hex)
      server.readMessage(msg1)
      const msg2 = server.writeMessage()
      expect(toHex(msg2)).toBe(v.msg2_hex)
      client.readMessage(msg2)
      const msg3 = client.writeMessage()
      expect(toHex(msg3)).toBe(v.msg3_hex)
      server.readMessage(msg3)
      expect(toHex(client.result().sessionId)).toBe(v.handshake_hash_session_id_hex)
      expect(toHex(server.result().sessionId)).toBe(v.handshake_hash_session_id_hex)
      expect(toHex(client.result().remote.ed25519Pub!)).toBe(
        toHex(p.ed25519PublicKey(fromHex(v.server.ed25519_seed_hex))),
      )
      expect(toHex(server.result().remote.ed25519Pub!)).toBe(
        toHex(p.ed25519PublicKey(fromHex(v.client.ed25519_seed_hex))),
      )
      const serverBinding = bindingDigest(p, {
        generation: '1.2.0',
        patternTag: 'XX',
        prologue: PROLOGUE,
        ed25519Pub: p.ed25519PublicKey(fromHex(v.server.ed25519_seed_hex)),
        localStatic: fromHex(v.server.x25519_static_public_hex),
        role: 'Server',
      })
      expect(toHex(serverBinding)).toBe(v.server_binding_digest_hex)
    })

    it(`${p.name}: IK-raw, N and NN transcripts`, () => {
      const patterns: Record<string, PubkyPattern> = { 'IK-raw': 'IK-raw', N: 'N', NN: 'NN' }
      let n = 0
      for (const v of raw) {
        const pattern = patterns[v.name.split(' ')[0]]!
        const rsk = v.responder_static_secret_hex ? fromHex(v.responder_static_secret_hex) : undefined
        const client = PubkyHandshake.initiator({
          pattern,
          ...(v.initiator_static_secret_hex ? { staticSecret: fromHex(v.initiator_static_secret_hex) } : {}),
          ...(rsk ? { remoteStatic: p.x25519PublicKey(rsk) } : {}),
          ephemeralSecret: fromHex(v.init_fixed_ephemeral_hex),
          crypto: p,
        })
        const server = PubkyHandshake.responder(pattern, {
          staticSecret: rsk ?? new Uint8Array(32).fill(1),
          ephemeralSecret: fromHex(v.resp_fixed_ephemeral_hex),
          crypto: p,
        })
        const msg1 = client.writeMessage()
        expect(toHex(msg1)).toBe(v.msg1_hex)
        server.readMessage(msg1)
        if (v.msg2_hex) {
          const msg2 = server.writeMessage()
          expect(toHex(msg2)).toBe(v.msg2_hex)
          client.readMessage(msg2)
        }
        expect(toHex(client.result().sessionId)).toBe(v.handshake_hash_session_id_hex)
        expect(toHex(server.result().sessionId)).toBe(v.handshake_hash_session_id_hex)
        expect(server.result().remote.pattern).toBe(pattern)
        n++
      }
      expect(n).toBe(3)
    })
  }
})

describe.skipIf(!vectorsPresent)('paykit/noise_identity_binding.json (needs ../shared/vectors)', () => {
  const file = vectorsPresent
    ? loadVectors('paykit/noise_identity_binding.json')
    : { cases: [], parameters: {} }
  for (const p of all) {
    it(`${p.name}: 1.1.0 bindings, signatures and payload JSON`, () => {
      const k = file.parameters
      expect(toHex(p.x25519PublicKey(fromHex(k.client_noise_sk_hex)))).toBe(k.client_noise_pk_hex)
      let n = 0
      for (const c of file.cases) {
        const signed = signIdentityPayload(p, {
          generation: '1.1.0',
          patternTag: 'IK',
          prologue: utf8(k.prologue_utf8),
          ed25519Secret: fromHex(k.client_ed25519_seed_hex),
          localStatic: fromHex(k.client_noise_pk_hex),
          remoteStatic: fromHex(k.server_noise_pk_hex),
          role: 'Client',
          serverHint: c.server_hint,
          ...(c.expires_at !== null ? { expiresAt: c.expires_at } : {}),
        })
        expect(toHex(signed.digest)).toBe(c.expected_binding_hash_hex)
        expect(toHex(signed.payload.sig)).toBe(c.expected_sig_hex)
        expect(text.decode(signed.bytes)).toBe(c.expected_identity_payload_json)
        n++
      }
      expect(n).toBe(file.cases.length)
      expect(n).toBeGreaterThan(0)
    })
  }
})
