// POS-side proof checks: SHA-256(preimage) == payment_hash with distinct codes per failed check,
// on-chain exact/over/partial/no payment with the numbers, and PaymentProofs of §7.6 read through
// the one codec (interactive/proof.ts; shapes from ../shared/vectors/paykit/json_shapes.json).
import { describe, expect, it } from 'vitest'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { providers } from '../../../electron/main/core/crypto'
import { toHex } from '../../../electron/main/core/util/bytes'
import { ManualClock } from '../../../electron/main/core/util/clock'
import { SimulatedChain } from '../../../electron/main/core/payments/chain'
import { UnderpaidError } from '../../../electron/main/core/payments/errors'
import { SimulatedLightningNode } from '../../../electron/main/core/payments/lightning'
import {
  checkProof,
  parsePaymentProof,
  verifyLightningPaymentProof,
  verifyLightningPreimage,
  verifyLightningProof,
  verifyOnchainProof,
} from '../../../electron/main/core/payments/proof'
import {
  readProof,
  writeProof,
  type LightningPreimageBody,
} from '../../../electron/main/core/interactive/proof'
import { loadVectors, vectorsPresent } from '../../helpers/vectors'
import { codeOf, rejection, regtestAddress } from './helpers'

describe.each(providers())('verifyLightningProof ($name provider)', (crypto) => {
  const clock = new ManualClock(Date.UTC(2026, 10, 22))
  const node = new SimulatedLightningNode({
    nodeSecretKey: SimulatedLightningNode.generateNodeKey(),
    clock,
    crypto,
  })
  const created = node.createInvoiceSync({ amountSats: 4200, memo: 'Bagel' })
  const { preimage } = node.pay(created.bolt11)

  it('accepts the real preimage (either hex case) and reports the hash and amount', () => {
    const r = verifyLightningProof(created.bolt11, preimage, { crypto, payeeNodeKey: node.nodeId })
    expect(r.paymentHash).toBe(created.paymentHash)
    expect(r.amountMsat).toBe(4_200_000n)
    expect(verifyLightningProof(created.bolt11, preimage.toUpperCase(), { crypto }).paymentHash).toBe(
      created.paymentHash,
    )
  })

  it('each failed check has its own code', () => {
    const flipped = (preimage[0] === '0' ? '1' : '0') + preimage.slice(1)
    expect(codeOf(() => verifyLightningProof(created.bolt11, flipped, { crypto }))).toBe(
      'proof-preimage-mismatch',
    )
    expect(codeOf(() => verifyLightningProof(created.bolt11, created.paymentHash, { crypto }))).toBe(
      'proof-preimage-mismatch',
    )
    expect(codeOf(() => verifyLightningProof(created.bolt11, 'zz'.repeat(32), { crypto }))).toBe(
      'proof-preimage-malformed',
    )
    expect(codeOf(() => verifyLightningProof(created.bolt11, `0x${preimage.slice(2)}`, { crypto }))).toBe(
      'proof-preimage-malformed',
    )
    expect(codeOf(() => verifyLightningProof(created.bolt11, 42 as unknown as string, { crypto }))).toBe(
      'proof-preimage-malformed',
    )
    expect(codeOf(() => verifyLightningProof(created.bolt11, preimage.slice(2), { crypto }))).toBe(
      'proof-preimage-length',
    )
    expect(codeOf(() => verifyLightningProof(created.bolt11, preimage + '00', { crypto }))).toBe(
      'proof-preimage-length',
    )
    expect(codeOf(() => verifyLightningProof(created.bolt11, preimage.slice(1), { crypto }))).toBe(
      'proof-preimage-length',
    )
    expect(codeOf(() => verifyLightningProof(created.bolt11, '', { crypto }))).toBe('proof-preimage-length')
    // The invoice itself is checked first.
    const lastChar = created.bolt11.at(-1) === 'q' ? 'p' : 'q'
    expect(
      codeOf(() => verifyLightningProof(created.bolt11.slice(0, -1) + lastChar, preimage, { crypto })),
    ).toBe('bolt11-malformed')
    const other = SimulatedLightningNode.generateNodeKey()
    expect(
      codeOf(() =>
        verifyLightningProof(created.bolt11, preimage, {
          crypto,
          payeeNodeKey: secp256k1.getPublicKey(other, true),
        }),
      ),
    ).toBe('invoice-unknown-payee')
  })

  it('a lightning_preimage PaymentProof must name the invoice it proves', () => {
    const proof: LightningPreimageBody = {
      kind: 'lightning_preimage',
      preimage,
      paymentHash: created.paymentHash,
    }
    expect(verifyLightningPaymentProof(proof, created.bolt11, { crypto }).paymentHash).toBe(
      created.paymentHash,
    )
    const wrongHash = { ...proof, paymentHash: '11'.repeat(32) }
    expect(codeOf(() => verifyLightningPaymentProof(wrongHash, created.bolt11, { crypto }))).toBe(
      'proof-payment-hash-mismatch',
    )
  })
})

describe('Lightning proof: SHA-256(preimage) = payment_hash', () => {
  for (const provider of providers()) {
    it(`accepts the matching hash and refuses others (${provider.name})`, () => {
      const preimage = '00'.repeat(31) + '01'
      const hash = toHex(
        provider.hash(
          'sha256',
          Uint8Array.from({ length: 32 }, (_, i) => (i === 31 ? 1 : 0)),
        ),
      )
      expect(() => verifyLightningPreimage(preimage, hash, provider)).not.toThrow()
      expect(() => verifyLightningPreimage(preimage, hash.toUpperCase(), provider)).not.toThrow()
      expect(codeOf(() => verifyLightningPreimage(preimage, 'ab'.repeat(32), provider))).toBe(
        'proof-preimage-mismatch',
      )
      expect(codeOf(() => verifyLightningPreimage('pending', hash, provider))).toBe(
        'proof-preimage-malformed',
      )
      expect(codeOf(() => verifyLightningPreimage(preimage, hash.slice(2), provider))).toBe(
        'proof-payment-hash-malformed',
      )
      // The same check through a proof record, and a txid record that names a txid.
      const record = readProof(
        `{"proof_type":"lightning_preimage","preimage":"${preimage}","payment_hash":"${hash}","verified":false,"created_at":1}`,
      )
      expect(() => checkProof(record, provider)).not.toThrow()
      const tx = readProof(
        `{"proof_type":"bitcoin_txid","txid":"${'cd'.repeat(32)}","verified":false,"created_at":1}`,
      )
      expect(() => checkProof(tx, provider)).not.toThrow()
    })
  }
})

describe('verifyOnchainProof', () => {
  it('exact, over and partial payments are reported with the numbers', async () => {
    const chain = new SimulatedChain()
    const to = regtestAddress()
    const exact = await verifyOnchainProof(chain.send(to, 50_000), to, 50_000, chain)
    expect(exact).toMatchObject({ status: 'paid', expectedSats: 50_000, paidSats: 50_000, overpaidSats: 0 })
    expect(exact.vouts).toEqual([0])
    expect(exact.confirmations).toBe(0)

    const over = await verifyOnchainProof(chain.send(to, 50_500), to, 50_000, chain)
    expect(over).toMatchObject({ status: 'overpaid', paidSats: 50_500, overpaidSats: 500 })

    const partialTxid = chain.send(to, 40_000)
    const e = await rejection(verifyOnchainProof(partialTxid, to, 50_000, chain))
    expect(e).toBeInstanceOf(UnderpaidError)
    expect(e.code).toBe('proof-underpaid')
    const u = e as UnderpaidError
    expect([u.expectedSats, u.paidSats, u.shortSats]).toEqual([50_000, 40_000, 10_000])
    expect(u.message).toContain('40000 sat of the 50000 sat')
  })

  it('sums every output to the address and ignores outputs to others', async () => {
    const chain = new SimulatedChain()
    const to = regtestAddress()
    const change = regtestAddress()
    const txid = chain.sendMany([
      { address: change, sats: 90_000 },
      { address: to, sats: 30_000 },
      { address: to, sats: 20_000 },
    ])
    const r = await verifyOnchainProof(txid, to.toUpperCase(), 50_000, chain)
    expect(r).toMatchObject({ status: 'paid', paidSats: 50_000, vouts: [1, 2] })
  })

  it('txid format, unknown tx, wrong address, confirmations: distinct codes', async () => {
    const chain = new SimulatedChain()
    const to = regtestAddress()
    const txid = chain.send(to, 10_000)
    expect((await rejection(verifyOnchainProof(txid.slice(1), to, 1, chain))).code).toBe(
      'proof-txid-malformed',
    )
    expect((await rejection(verifyOnchainProof(`${txid.slice(2)}zz`, to, 1, chain))).code).toBe(
      'proof-txid-malformed',
    )
    expect((await rejection(verifyOnchainProof(42 as unknown as string, to, 1, chain))).code).toBe(
      'proof-txid-malformed',
    )
    expect((await rejection(verifyOnchainProof('ab'.repeat(32), to, 1, chain))).code).toBe(
      'proof-tx-not-found',
    )
    expect((await rejection(verifyOnchainProof(txid, regtestAddress(), 1, chain))).code).toBe(
      'proof-wrong-address',
    )
    expect((await rejection(verifyOnchainProof(txid, to, 0, chain))).code).toBe('chain-bad-amount')
    const unconfirmed = await rejection(verifyOnchainProof(txid, to, 10_000, chain, { minConfirmations: 1 }))
    expect(unconfirmed.code).toBe('proof-unconfirmed')
    chain.mine(1)
    const confirmed = await verifyOnchainProof(txid.toUpperCase(), to, 10_000, chain, { minConfirmations: 1 })
    expect(confirmed).toMatchObject({ txid, confirmations: 1, blockHeight: 101 })
  })
})

describe.skipIf(!vectorsPresent)(
  'PaymentProof JSON against json_shapes.json (needs ../shared/vectors)',
  () => {
    it('parses and re-emits each shape with serde field order', () => {
      const shapes = loadVectors('paykit/json_shapes.json').payment_proof_interactive as Record<
        string,
        unknown
      >[]
      // The vector's values are placeholders ("<64 hex>"); fill them with real hex, keep the shape.
      const fill = (o: Record<string, unknown>): Record<string, unknown> =>
        Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v === '<64 hex>' ? 'ab'.repeat(32) : v]))
      let n = 0
      for (const shape of shapes) {
        const json = JSON.stringify(fill(shape))
        const proof = parsePaymentProof(json)
        expect(writeProof(proof)).toBe(json)
        expect(Object.keys(JSON.parse(writeProof(proof)))).toEqual(Object.keys(shape))
        n++
      }
      expect(n).toBe(3)
      expect(shapes.map((s) => s['proof_type'])).toEqual(['bitcoin_txid', 'lightning_preimage', 'custom'])
    })

    it("the content check refuses the vectors' placeholder hex, each with its own code", () => {
      const literals = loadVectors('paykit/json_shapes.json').payment_proof_interactive as unknown[]
      const codes = literals.map((literal) => {
        const proof = readProof(JSON.stringify(literal))
        if (proof.body.kind === 'custom') {
          expect(() => checkProof(proof)).not.toThrow()
          return 'custom'
        }
        return codeOf(() => checkProof(proof))
      })
      expect(codes).toEqual(['proof-txid-malformed', 'proof-preimage-malformed', 'custom'])
    })
  },
)

describe('PaymentProof JSON', () => {
  it('omits absent optionals, accepts null optionals and ignores unknown keys (serde behaviour)', () => {
    const p = parsePaymentProof({
      proof_type: 'bitcoin_txid',
      txid: 'cd'.repeat(32),
      block_height: null,
      verified: false,
      created_at: 1,
      extra: 'ignored',
    })
    expect(writeProof(p)).toBe(
      `{"proof_type":"bitcoin_txid","txid":"${'cd'.repeat(32)}","verified":false,"created_at":1}`,
    )
  })

  it('refuses malformed proofs with proof-json-invalid', () => {
    const bad: unknown[] = [
      'not json',
      '[]',
      'null',
      JSON.stringify({ proof_type: 'paypal', verified: true, created_at: 1 }),
      JSON.stringify({ proof_type: 'bitcoin_txid', txid: 'a', created_at: 1 }),
      JSON.stringify({ proof_type: 'bitcoin_txid', txid: 'a', verified: 'yes', created_at: 1 }),
      JSON.stringify({ proof_type: 'bitcoin_txid', txid: 1, verified: true, created_at: 1 }),
      JSON.stringify({ proof_type: 'bitcoin_txid', txid: 'a', verified: true, created_at: 1.5 }),
      JSON.stringify({ proof_type: 'bitcoin_txid', txid: 'a', verified: true, created_at: 1, vout: -1 }),
      JSON.stringify({ proof_type: 'bitcoin_txid', txid: 'a', verified: true, created_at: 1, vout: 2 ** 32 }),
      JSON.stringify({ proof_type: 'lightning_preimage', preimage: 'a', verified: true, created_at: 1 }),
      JSON.stringify({ proof_type: 'custom', method_id: 'x', verified: true, created_at: 1 }),
      'x'.repeat(70_000),
    ]
    for (const input of bad) expect(codeOf(() => parsePaymentProof(input))).toBe('proof-json-invalid')
    expect(bad).toHaveLength(13)
  })

  it('a proof made from a real payment round-trips and verifies', () => {
    const crypto = providers()[0]!
    const node = new SimulatedLightningNode({
      nodeSecretKey: SimulatedLightningNode.generateNodeKey(),
      crypto,
    })
    const inv = node.createInvoiceSync({ amountSats: 1, memo: 'x' })
    const { preimage } = node.pay(inv.bolt11)
    const text = writeProof({
      body: { kind: 'lightning_preimage', preimage, paymentHash: inv.paymentHash },
      verified: true,
      createdAt: 1_763_769_600,
      verifiedAt: 1_763_769_601,
    })
    const parsed = parsePaymentProof(text)
    expect(parsed.body.kind).toBe('lightning_preimage')
    if (parsed.body.kind !== 'lightning_preimage') throw new Error('unreachable')
    expect(verifyLightningPaymentProof(parsed.body, inv.bolt11, { crypto }).paymentHash).toBe(
      toHex(crypto.hash('sha256', Buffer.from(preimage, 'hex'))),
    )
  })
})
