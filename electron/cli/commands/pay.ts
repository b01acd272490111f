/**
 * @module cli/commands/pay
 * `paykit pay <checkout QR | pubky>`: the customer's wallet paying a Paykit merchant.
 *
 * Resolves the merchant's public directory (payable methods and the `/noise` endpoint with its
 * key binding), chooses the Noise pattern by the flowchart in payer/patterns.ts unless one is
 * given, and runs payer/pay-flow.ts: RequestReceipt → ConfirmReceipt (checked) → pay through the
 * simulator → proof → settlement. `--anonymous` (pattern N) instead pays a published method
 * directly and sends the proof one-way: nothing about us is revealed, and nothing confirms it.
 */
import { bool, str, type ParsedArgs } from '../args'
import type { CommandContext } from '../context'
import { CliError, EXIT_OK, UsageError, withHint } from '../errors'
import { ellipsize, table } from '../format'
import type { CommandSpec } from '../registry'
import {
  checkCombination,
  choosePattern,
  parseDialect,
  parseFraming,
  parseGeneration,
  parsePattern,
  parseTransport,
  patternFacts,
} from '../payer/patterns'
import {
  bitcoinNetwork,
  networkHint,
  openPayerSession,
  PAYER_OPTIONS,
  SIM_OPTION,
  simClient,
} from '../payer/session'
import { MerchantChannel, type ChannelOptions } from '../payer/channel'
import { payWithReceipt, type PaymentOutcome } from '../payer/pay-flow'
import type { PubkyPattern } from '../../main/core/noise/constants'
import type { Generation } from '../../main/core/noise/identity'
import type { Dialect } from '../../main/core/interactive/messages'
import type { JsonObject } from '../../main/core/interactive/json'

const HINT = 'Run `paykit pay --help` for usage.'

export const CHANNEL_OPTIONS = {
  pattern: {
    type: 'string',
    valueName: 'P',
    description:
      'Noise pattern: ik (authenticated payment), ik-raw (identity via pkarr only), n (one-way, anonymous), nn (unauthenticated), xx (first contact)',
    defaultText:
      "by the flowchart: n with --anonymous; the merchant's listed patterns (ik, else ik-raw) when its /noise names them; xx when its key is not bound; else ik",
  },
  generation: {
    type: 'string',
    valueName: 'V',
    description: 'pubky-noise identity payload generation: 0.8.0, 1.1.0 or 1.2.0',
    defaultText: '0.8.0',
  },
  dialect: {
    type: 'string',
    valueName: 'D',
    description: 'Message dialect: rust (paykit-rs), builder (paykit-mobile builder) or flat (mobile demo)',
    defaultText: 'rust',
  },
  framing: {
    type: 'string',
    valueName: 'F',
    description: 'Handshake framing: prefixed (u32 length) or raw (IK only)',
    defaultText: 'prefixed on TCP, raw for IK on WebSocket',
  },
  transport: { type: 'string', valueName: 'T', description: 'tcp or ws', defaultText: 'tcp' },
} as const

export interface ParsedChannel {
  given: PubkyPattern | undefined
  generation: Generation
  dialect: Dialect
  framing: ChannelOptions['framing']
  transport: 'tcp' | 'ws'
}

export function parseChannelOptions(args: ParsedArgs, hint: string): ParsedChannel {
  return {
    given: parsePattern(str(args.values, 'pattern'), hint),
    generation: parseGeneration(str(args.values, 'generation'), hint),
    dialect: parseDialect(str(args.values, 'dialect'), hint),
    framing: parseFraming(str(args.values, 'framing'), hint),
    transport: parseTransport(str(args.values, 'transport'), hint),
  }
}

function parseSats(text: string, option: string): number {
  if (!/^[1-9][0-9]{0,14}$/.test(text))
    throw new UsageError(
      `${option} must be a positive whole number of sats, got ${JSON.stringify(text.slice(0, 30))}`,
      HINT,
    )
  return Number(text)
}

interface Target {
  merchant: string
  checkout?: { id: string; sats: number; memo: string | null }
  sats: number
}

async function parseTarget(text: string, amount: string | undefined, ctx: CommandContext): Promise<Target> {
  const { isCheckoutUri, parseCheckoutUri, checkCheckoutNotExpired } =
    await import('../../main/core/uri/checkout')
  const { formatPublicKey, parsePublicKey } = await import('../../main/core/keys/public-key')
  if (isCheckoutUri(text)) {
    let c: ReturnType<typeof parseCheckoutUri>
    try {
      c = parseCheckoutUri(text)
      checkCheckoutNotExpired(c, ctx.clock)
    } catch (e) {
      throw new CliError(
        'cli-input',
        `checkout QR: ${(e as Error).message}`,
        'Ask the cashier for a new checkout.',
        {
          originalCode: 'invalid-uri',
        },
      )
    }
    if (c.currency !== 'SAT')
      throw new CliError(
        'cli-input',
        `the checkout is priced in ${c.currency}; this wallet pays SAT checkouts`,
      )
    const sats = parseSats(c.amount.toString(), 'the checkout amount')
    if (amount !== undefined && parseSats(amount, '--amount') !== sats)
      throw new UsageError(
        `--amount ${amount} differs from the checkout's ${sats} sat; leave --amount out to pay a checkout`,
        HINT,
      )
    return { merchant: formatPublicKey(c.merchant), checkout: { id: c.id, sats, memo: c.memo }, sats }
  }
  let merchant: string
  try {
    merchant = formatPublicKey(parsePublicKey(text))
  } catch (e) {
    throw new UsageError(`<target>: not a checkout QR or a public key: ${(e as Error).message}`, HINT)
  }
  if (amount === undefined)
    throw new UsageError('paying a pubky needs --amount SATS (a checkout QR carries its own)', HINT)
  return { merchant, sats: parseSats(amount, '--amount') }
}

export const payCommand: CommandSpec = {
  path: ['pay'],
  summary: 'Pay a merchant: a checkout QR or a pubky, over Pubky Noise, with a receipt',
  description:
    "Resolves the merchant's Paykit directory and Noise endpoint, handshakes (pattern by the flowchart unless --pattern: IK for a known merchant, XX on first contact, N for --anonymous), asks for a receipt, checks the ConfirmReceipt (receipt id echo, payee, amount, and the invoice or address it carries), pays through the payment simulator, submits the proof and waits for the merchant to confirm the checkout is paid. --anonymous pays a published method directly and sends the proof one-way over N: no identity, no receipt, no confirmation.",
  positionals: [
    {
      name: 'target',
      description: 'A checkout QR (pubky://…?paykit=checkout&…) or a merchant pubky',
      required: true,
    },
  ],
  options: {
    amount: {
      type: 'string',
      valueName: 'SATS',
      description: 'Amount in sats (required for a pubky; a checkout carries its own)',
    },
    method: {
      type: 'string',
      valueName: 'M',
      description: 'lightning or onchain',
      defaultText: 'lightning when published',
    },
    anonymous: {
      type: 'boolean',
      description: 'Anonymous donation: pay a published method, notify over N, reveal nothing',
    },
    ...CHANNEL_OPTIONS,
    ...SIM_OPTION,
    ...PAYER_OPTIONS,
  },
  examples: [
    "paykit pay 'pubky://8pin…?paykit=checkout&id=chk_…&amount=2100' --homeserver ~/.paykit/node --sim http://127.0.0.1:40111",
    'paykit pay 8pin… --amount 500 --anonymous --method onchain --sim http://127.0.0.1:40111',
    "paykit pay 'pubky://…' --generation 1.2.0 --dialect flat --transport ws --json",
  ],
  async run(ctx, args) {
    const target = await parseTarget(args.positionals[0]!, str(args.values, 'amount'), ctx)
    const ch = parseChannelOptions(args, HINT)
    const anonymous = bool(args.values, 'anonymous') || ch.given === 'N'
    if (anonymous && target.checkout)
      throw new UsageError(
        'a checkout needs a receipt (its invoice comes in the ConfirmReceipt), which an anonymous one-way N message cannot carry; pay it without --anonymous',
        HINT,
      )
    const methodText = str(args.values, 'method')
    if (methodText !== undefined && methodText !== 'lightning' && methodText !== 'onchain')
      throw new UsageError(
        `--method must be lightning or onchain, got ${JSON.stringify(methodText.slice(0, 30))}`,
        HINT,
      )
    const sim = await simClient(ctx, args, HINT)
    const network = await bitcoinNetwork(args, sim, HINT)
    const session = await openPayerSession(ctx, args, HINT)
    try {
      const { discoverDirectory, offeredPatterns } = await import('../../main/core/directory')
      const { parsePublicKey } = await import('../../main/core/keys/public-key')
      let dir: Awaited<ReturnType<typeof discoverDirectory>>
      try {
        dir = await discoverDirectory(session.reader, target.merchant, {
          network,
          clock: ctx.clock,
          keyBindings: { clock: ctx.clock },
        })
      } catch (e) {
        throw withHint(e, networkHint(session.target))
      }
      const published = new Set(dir.payable.map((p) => p.methodId))
      const method = (methodText ?? (published.has('lightning') ? 'lightning' : 'onchain')) as
        'lightning' | 'onchain'
      if (!published.has(method))
        throw new CliError(
          'cli-state',
          `${target.merchant} publishes no valid ${method} method for ${network}${
            dir.payable.length ? ` (it takes ${[...published].join(', ')})` : ''
          }`,
          'Check --network and --method, or `paykit directory show` the merchant.',
        )
      const choice = choosePattern(
        {
          anonymous,
          merchantKeyKnown: dir.noise !== undefined,
          merchantKeyBound: dir.noiseKeyBound === true,
          ...(dir.noise && offeredPatterns(dir.noise) ? { offered: offeredPatterns(dir.noise)! } : {}),
        },
        anonymous ? 'N' : ch.given,
      )
      checkCombination(choice.pattern, ch.framing, !anonymous, HINT)
      const facts = patternFacts(choice.pattern, ch.generation)
      session.rememberMerchant(target.merchant)
      const merchantKey = parsePublicKey(target.merchant)

      if (anonymous) {
        const donated = await donate(ctx, merchantKey, dir, method, target.sats, network, sim, ch)
        const rows: [string, string][] = [
          ['merchant', target.merchant],
          ['amount', `${target.sats} sat by ${method}`],
          ['paid to', `${ellipsize(donated.endpoint)} (its published ${method} method)`],
          ['proof', `${donated.proofType} ${donated.proofValue}`],
          ['pattern', `N (${facts.summary})`],
          [
            'notice',
            donated.notified
              ? 'delivered one-way; nothing can confirm the merchant recorded it'
              : 'not sent (no /noise endpoint)',
          ],
        ]
        ctx.result(['Anonymous payment sent.', table(rows)].join('\n'), {
          status: 'sent',
          anonymous: true,
          merchant: target.merchant,
          amountSats: target.sats,
          method,
          endpoint: donated.endpoint,
          proof: { type: donated.proofType, value: donated.proofValue },
          pattern: 'N',
          patternReason: choice.reason,
          proves: facts,
          notified: donated.notified,
        })
        return EXIT_OK
      }

      if (!dir.noise)
        throw new CliError(
          'cli-state',
          `${target.merchant} publishes no Noise endpoint, so no receipt can be asked for`,
          'Pay its published method directly with --anonymous, or ask the merchant to open its POS.',
        )
      const channelOptions: ChannelOptions = {
        pattern: choice.pattern,
        generation: ch.generation,
        transport: ch.transport,
        dialect: ch.dialect,
        ...(ch.framing ? { framing: ch.framing } : {}),
      }
      let channel: MerchantChannel
      try {
        channel = await MerchantChannel.open(
          dir.noise,
          { identitySecret: session.identity.secretKey, staticSecret: session.noise.secretKey },
          channelOptions,
          ctx.clock,
          ctx.rng,
        )
      } catch (e) {
        throw withHint(
          e,
          `The ${choice.pattern} handshake with ${dir.noise.host}:${dir.noise.port} failed; is the POS running, and does it take this pattern and generation?`,
        )
      }
      let outcome: PaymentOutcome
      try {
        const { equalBytes } = await import('../../main/core/util/bytes')
        const rs = channel.remote.x25519Static
        if (rs && !equalBytes(rs, dir.noise.publicKey))
          throw new CliError(
            'cli-runtime',
            'the merchant answered with a Noise key other than the one it publishes; refusing to pay',
            'Someone may be in the middle; check the network.',
          )
        const { newId } = await import('../../main/core/util/ids')
        const receiptId = newId('rcpt', ctx.clock, ctx.rng)
        const metadata: JsonObject = target.checkout
          ? { checkout_id: target.checkout.id, order: { order_id: target.checkout.id } }
          : {}
        outcome = await payWithReceipt(
          channel,
          {
            receiptId,
            merchant: target.merchant,
            merchantKey,
            payerKey: session.identity.publicKey,
            methodId: method,
            amount: String(target.sats),
            currency: 'SAT',
            sats: target.sats,
            metadata,
            ...(target.checkout ? { checkoutId: target.checkout.id } : {}),
          },
          { db: session.db, sim, network, clock: ctx.clock },
        )
      } finally {
        channel.close()
      }
      const s = outcome.settlement
      const status = typeof s['status'] === 'string' ? s['status'] : 'unknown'
      const checkoutState = typeof s['checkout_state'] === 'string' ? s['checkout_state'] : null
      const rows: [string, string][] = [
        ['merchant', target.merchant],
        ...(target.checkout
          ? ([
              [
                'checkout',
                `${target.checkout.id}${target.checkout.memo ? ` (${target.checkout.memo})` : ''}`,
              ],
            ] as [string, string][])
          : []),
        ['amount', `${target.sats} sat by ${method}`],
        ['receipt', outcome.receiptId],
        ['paid to', ellipsize(outcome.endpoint)],
        ['proof', `${outcome.proof.type} ${outcome.proof.value}`],
        ['settlement', `${status}${checkoutState ? `, checkout ${checkoutState}` : ''}`],
        ['pattern', `${choice.pattern} (${choice.reason})`],
        ['proves', facts.summary],
        [
          'channel',
          `${ch.transport} ${channel.address}, generation ${ch.generation}, ${ch.dialect} dialect, ${channel.session.framing} framing`,
        ],
      ]
      const ok = status === 'paid' || status === 'overpaid'
      ctx.result(
        [
          ok ? 'Paid and confirmed by the merchant.' : `Paid; the merchant reports ${status}.`,
          table(rows),
        ].join('\n'),
        {
          status,
          merchant: target.merchant,
          checkoutId: target.checkout?.id ?? null,
          checkoutState,
          amountSats: target.sats,
          method,
          receiptId: outcome.receiptId,
          endpoint: outcome.endpoint,
          proof: outcome.proof,
          settlement: outcome.settlement,
          confirmedMetadata: outcome.confirmed.metadata,
          pattern: choice.pattern,
          patternReason: choice.reason,
          proves: facts,
          generation: ch.generation,
          dialect: ch.dialect,
          framing: channel.session.framing,
          transport: ch.transport,
          paidNow: outcome.paidNow,
        },
      )
      return ok ? EXIT_OK : 2
    } finally {
      await session.close()
    }
  },
}

/** The N path: pay the published endpoint, then tell the merchant one-way (if it listens). */
async function donate(
  ctx: CommandContext,
  merchantKey: Uint8Array,
  dir: {
    payable: readonly { methodId: string; endpoint: string }[]
    noise?: import('../../main/core/directory').NoiseEndpoint
  },
  method: 'lightning' | 'onchain',
  sats: number,
  network: import('../../main/core/methods/errors').Network,
  sim: Awaited<ReturnType<typeof simClient>>,
  ch: ParsedChannel,
): Promise<{ endpoint: string; proofType: string; proofValue: string; notified: boolean }> {
  const endpoint = dir.payable.find((p) => p.methodId === method)!.endpoint
  let proofType: 'lightning_preimage' | 'bitcoin_txid'
  let proofValue: string
  let paymentHash = ''
  if (method === 'lightning') {
    const { decodeBolt11 } = await import('../../main/core/payments/bolt11-decode')
    const inv = decodeBolt11(endpoint)
    if (inv.amountMsat !== null && inv.amountMsat !== BigInt(sats) * 1000n)
      throw new CliError(
        'cli-input',
        `the published invoice is for ${inv.amountMsat / 1000n} sat, not ${sats}`,
      )
    const paid = await sim.pay(endpoint, inv.amountMsat === null ? sats : undefined)
    proofType = 'lightning_preimage'
    proofValue = paid.preimage
    paymentHash = paid.paymentHash
  } else {
    const { validateOnchainAddress } = await import('../../main/core/methods/onchain')
    validateOnchainAddress(endpoint.replace(/^bitcoin:/i, '').split('?')[0]!, network)
    proofType = 'bitcoin_txid'
    proofValue = await sim.send(endpoint.replace(/^bitcoin:/i, '').split('?')[0]!, sats)
  }
  let notified = false
  if (dir.noise && !dir.noise.pending) {
    // A throwaway payer key: the notice must not link the payment to our identity.
    const { defaultProvider } = await import('../../main/core/crypto')
    const { nowSeconds } = await import('../../main/core/util/clock')
    const { newId } = await import('../../main/core/util/ids')
    const { proofToJson } = await import('../../main/core/interactive/proof')
    const throwaway = ctx.rng(32)
    const anonKey = defaultProvider().ed25519PublicKey(throwaway)
    throwaway.fill(0)
    const channel = await MerchantChannel.open(
      dir.noise,
      // N sends no static key and signs nothing: no key of ours is used.
      { identitySecret: new Uint8Array(32), staticSecret: new Uint8Array(32) },
      { pattern: 'N', generation: '0.8.0', transport: 'tcp', dialect: ch.dialect },
      ctx.clock,
      ctx.rng,
    )
    try {
      const now = nowSeconds(ctx.clock)
      channel.send({
        type: 'RequestReceipt',
        receipt: {
          receiptId: newId('rcpt', ctx.clock, ctx.rng),
          payer: anonKey,
          payee: merchantKey,
          methodId: method,
          amount: String(sats),
          currency: 'SAT',
          createdAt: now,
          metadata: {
            donation: true,
            payment_proof: proofToJson({
              body:
                proofType === 'lightning_preimage'
                  ? { kind: 'lightning_preimage', preimage: proofValue, paymentHash }
                  : {
                      kind: 'bitcoin_txid',
                      txid: proofValue,
                      blockHeight: null,
                      confirmations: null,
                      vout: null,
                    },
              verified: false,
              createdAt: now,
              verifiedAt: null,
            }),
          },
        },
      })
      notified = true
    } finally {
      // Let the bytes leave before closing (close() ends the socket after a flush).
      await new Promise((r) => setTimeout(r, 50))
      channel.close()
    }
  }
  return { endpoint, proofType, proofValue, notified }
}
