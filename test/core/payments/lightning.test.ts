// SimulatedLightningNode: real signed invoices, preimages kept by the node, the network's side
// (pay) with expiry on an injected clock, pay-once, amount rules and typed failures.
import { describe, expect, it } from 'vitest'
import { providers } from '../../../electron/main/core/crypto'
import { fromHex, toHex, utf8 } from '../../../electron/main/core/util/bytes'
import { ManualClock } from '../../../electron/main/core/util/clock'
import { decodeBolt11 } from '../../../electron/main/core/payments/bolt11-decode'
import { encodeBolt11 } from '../../../electron/main/core/payments/bolt11-encode'
import { PaymentError } from '../../../electron/main/core/payments/errors'
import { SimulatedLightningNode, type LightningBackend } from '../../../electron/main/core/payments/lightning'
import { verifyLightningProof } from '../../../electron/main/core/payments/proof'
import { codeOf, codeOfAsync } from './helpers'

const T0 = Date.UTC(2026, 10, 22, 12, 0, 0)

describe.each(providers())('SimulatedLightningNode ($name provider)', (crypto) => {
  const nodeKey = SimulatedLightningNode.generateNodeKey()
  const make = (clock = new ManualClock(T0)) => ({
    clock,
    node: new SimulatedLightningNode({ nodeSecretKey: nodeKey, clock, crypto }),
  })

  it('issues a real regtest invoice whose signature recovers to the node id', async () => {
    const { node } = make()
    const backend: LightningBackend = node
    const created = await backend.createInvoice({ amountSats: 21_000, memo: 'Flat white', expirySecs: 600 })
    expect(created.bolt11.startsWith('lnbcrt210u1')).toBe(true)
    const d = decodeBolt11(created.bolt11, crypto)
    expect(toHex(d.payeeNodeKey)).toBe(node.nodeId)
    expect(d.network).toBe('regtest')
    expect(d.amountMsat).toBe(21_000_000n)
    expect(d.description).toBe('Flat white')
    expect(d.timestamp).toBe(T0 / 1000)
    expect(d.expirySecs).toBe(600)
    expect(created.expiresAt).toBe(T0 / 1000 + 600)
    expect(toHex(d.paymentHash)).toBe(created.paymentHash)
    expect(d.paymentSecret).toHaveLength(32)
    expect(d.features).toEqual([8, 14, 17])
    expect(await backend.lookup(created.paymentHash)).toBe('open')
  })

  it('pay reveals a preimage that hashes to the payment hash, once, and lookup turns paid', async () => {
    const { node } = make()
    const created = node.createInvoiceSync({ amountSats: 1500, memo: 'Croissant' })
    const paid = node.pay(created.bolt11)
    expect(paid.paymentHash).toBe(created.paymentHash)
    expect(toHex(crypto.hash('sha256', fromHex(paid.preimage)))).toBe(created.paymentHash)
    expect(paid.amountMsat).toBe(1_500_000n)
    expect(
      verifyLightningProof(created.bolt11, paid.preimage, { crypto, payeeNodeKey: node.nodeId }).paymentHash,
    ).toBe(created.paymentHash)
    expect(await node.lookup(created.paymentHash)).toBe('paid')
    // Exactly once: the second attempt fails and changes nothing.
    expect(codeOf(() => node.pay(created.bolt11))).toBe('invoice-already-paid')
    expect(codeOf(() => node.pay(created.bolt11.toUpperCase()))).toBe('invoice-already-paid')
    expect(node.paidMsat(created.paymentHash)).toBe(1_500_000n)
  })

  it('expiry follows the injected clock: payable until the last second, refused from expiresAt on', async () => {
    const { node, clock } = make()
    const created = node.createInvoiceSync({ amountSats: 100, memo: 'Tea', expirySecs: 60 })
    clock.advance(59_999)
    expect(node.status(created.paymentHash)).toBe('open')
    clock.advance(1)
    expect(await node.lookup(created.paymentHash)).toBe('expired')
    expect(codeOf(() => node.pay(created.bolt11))).toBe('invoice-expired')
    expect(node.paidMsat(created.paymentHash)).toBeNull()
    // A paid invoice stays paid after its expiry time.
    const second = node.createInvoiceSync({ amountSats: 100, memo: 'Tea', expirySecs: 60 })
    node.pay(second.bolt11)
    clock.advance(3_600_000)
    expect(node.status(second.paymentHash)).toBe('paid')
    // The default expiry is BOLT #11's 3600 s.
    const third = node.createInvoiceSync({ memo: 'any amount' })
    expect(third.expiresAt - Math.floor(clock.now() / 1000)).toBe(3600)
  })

  it('refuses unknown invoices, other payees and other networks with distinct codes', async () => {
    const { node, clock } = make()
    // Signed by this node's key but never issued (the node holds no preimage for it).
    const forged = encodeBolt11(
      { network: 'regtest', timestamp: T0 / 1000, paymentHash: new Uint8Array(32).fill(9), description: 'x' },
      nodeKey,
      crypto,
    )
    expect(codeOf(() => node.pay(forged))).toBe('invoice-unknown')
    // Issued by another node.
    const other = new SimulatedLightningNode({
      nodeSecretKey: SimulatedLightningNode.generateNodeKey(),
      clock,
      crypto,
    })
    const foreign = other.createInvoiceSync({ amountSats: 5, memo: 'elsewhere' })
    expect(codeOf(() => node.pay(foreign.bolt11))).toBe('invoice-unknown-payee')
    // Same key on testnet.
    const testnet = new SimulatedLightningNode({ nodeSecretKey: nodeKey, clock, crypto, network: 'testnet' })
    const tb = testnet.createInvoiceSync({ amountSats: 5, memo: 'tb' })
    expect(tb.bolt11.startsWith('lntb')).toBe(true)
    expect(codeOf(() => node.pay(tb.bolt11))).toBe('invoice-wrong-network')
    // Garbage.
    expect(codeOf(() => node.pay('lnbcrt1notaninvoice'))).toBe('bolt11-malformed')
    expect(await codeOfAsync(node.lookup('00'.repeat(32)))).toBe('invoice-unknown')
    expect(await codeOfAsync(node.lookup('not hex'))).toBe('invoice-unknown')
    // None of that paid the foreign invoice.
    expect(other.status(foreign.paymentHash)).toBe('open')
  })

  it('amount rules: any-amount needs one, below the invoice or above twice it is refused', () => {
    const { node } = make()
    const any = node.createInvoiceSync({ memo: 'tip jar' })
    expect(any.bolt11.startsWith('lnbcrt1')).toBe(true)
    expect(codeOf(() => node.pay(any.bolt11))).toBe('invoice-amount-required')
    expect(codeOf(() => node.pay(any.bolt11, { amountSats: 0 }))).toBe('invoice-amount-too-low')
    expect(node.pay(any.bolt11, { amountSats: 777 }).amountMsat).toBe(777_000n)

    const fixed = node.createInvoiceSync({ amountSats: 1000, memo: 'fixed' })
    expect(codeOf(() => node.pay(fixed.bolt11, { amountSats: 999 }))).toBe('invoice-amount-too-low')
    expect(codeOf(() => node.pay(fixed.bolt11, { amountSats: 2001 }))).toBe('invoice-amount-too-high')
    expect(codeOf(() => node.pay(fixed.bolt11, { amountSats: 1.5 }))).toBe('invoice-amount-too-low')
    expect(node.status(fixed.paymentHash)).toBe('open')
    expect(node.pay(fixed.bolt11, { amountSats: 1100 }).amountMsat).toBe(1_100_000n)
  })

  it('a memo too long for one d field is committed to by hash and kept by the node', () => {
    const { node } = make()
    const memo = 'Order 42: ' + 'espresso, '.repeat(80)
    const created = node.createInvoiceSync({ amountSats: 10, memo })
    const d = decodeBolt11(created.bolt11, crypto)
    expect(d.description).toBeNull()
    expect(d.descriptionHash).toEqual(crypto.hash('sha256', utf8(memo)))
    expect(node.memo(created.paymentHash)).toBe(memo)
  })

  it('refuses bad invoice parameters with typed errors', async () => {
    const { node } = make()
    const bad: Parameters<SimulatedLightningNode['createInvoiceSync']>[0][] = [
      { amountSats: 0, memo: 'x' },
      { amountSats: -5, memo: 'x' },
      { amountSats: 1.25, memo: 'x' },
      { amountSats: 10, memo: 'x', expirySecs: 0 },
      { amountSats: 10, memo: 42 as unknown as string },
    ]
    for (const params of bad)
      expect(await codeOfAsync(node.createInvoice(params))).toBe('bolt11-invalid-field')
    expect(bad).toHaveLength(5)
    expect(() => new SimulatedLightningNode({ nodeSecretKey: new Uint8Array(32) })).toThrow(PaymentError)
  })

  it('the node id is a function of the persisted key; close() wipes preimages and the key copy', () => {
    const { node, clock } = make()
    const again = new SimulatedLightningNode({ nodeSecretKey: nodeKey, clock, crypto })
    expect(again.nodeId).toBe(node.nodeId)
    expect(again.nodeId).toMatch(/^0[23][0-9a-f]{64}$/)
    const created = again.createInvoiceSync({ amountSats: 1, memo: 'x' })
    again.close()
    expect(codeOf(() => again.status(created.paymentHash))).toBe('invoice-unknown')
    // The caller's key is untouched (the node wiped only its own copy).
    expect(nodeKey.some((b) => b !== 0)).toBe(true)
  })
})
