/**
 * @module cli/commands/autopay
 * `paykit autopay`: pays the merchants' subscription requests automatically, within the rules
 * and caps kept in the payer database (payer/autopay.ts). Options given here are saved first
 * (`--max-per-payment`, `--peer-cap`), so later runs keep them. `--once` runs one pass; otherwise
 * it polls every `--interval` seconds until Ctrl-C.
 */
import { bool, str, strs } from '../args'
import { CliError, EXIT_OK, EXIT_RUNTIME, UsageError, withHint } from '../errors'
import { table } from '../format'
import type { CommandSpec } from '../registry'
import {
  bitcoinNetwork,
  networkHint,
  openPayerSession,
  PAYER_OPTIONS,
  SIM_OPTION,
  simClient,
} from '../payer/session'
import { LimitError, parsePeerCap, SpendingLimits } from '../payer/limits'
import { maxPerPayment, runAutopayOnce, setMaxPerPayment, type AutopayReport } from '../payer/autopay'
import { parseDialect, parseFraming, parseGeneration, parseTransport } from '../payer/patterns'

const HINT = 'Run `paykit autopay --help` for usage.'

function render(report: AutopayReport, limits: SpendingLimits, max: number | null): string {
  const lines: string[] = []
  if (report.cancelledByProvider.length > 0)
    lines.push(
      'Cancelled by the merchant:',
      table(report.cancelledByProvider.map((c) => [c.id, c.reason ?? '(no reason given)'])),
    )
  lines.push(`Requests (${report.items.length}) from ${report.polled.length} merchant(s):`)
  if (report.items.length > 0)
    lines.push(
      table(
        report.items.map((i) => [
          i.requestId,
          `${i.amount} ${i.currency} by ${i.method}: ${i.outcome.toUpperCase()}${i.reason ? ` (${i.reason}: ${i.detail ?? ''})` : ''}`,
        ]),
      ),
    )
  const caps = limits.all()
  lines.push(
    `Per-payment maximum: ${max === null ? 'none' : `${max} sat`}`,
    caps.length > 0
      ? `Peer caps:\n${table(caps.map((c) => [c.peer, `${c.spentSats} spent + ${c.reservedSats} reserved of ${c.limitSats} sat ${c.period}`]))}`
      : 'Peer caps: none (autopay pays no one without a cap)',
  )
  return lines.join('\n')
}

export const autopayCommand: CommandSpec = {
  path: ['autopay'],
  summary: "Pay subscribed merchants' requests automatically, within per-payment and per-peer caps",
  description:
    "Each pass applies merchant cancellations, polls the merchants you hold agreements with for sealed requests, and pays a request only if an active agreement with that merchant matches its method, currency and amount (or max_amount_per_period), it is within --max-per-payment, and the merchant's --peer-cap for the current daily/weekly/monthly period has room (reserved atomically, committed when paid, released when not). It pays over Noise with receipt id autopay_{request_id}, through the simulator, and proves payment. Refusals are reported with their reason; a request is never paid twice. Settings given here are saved for later runs.",
  options: {
    once: { type: 'boolean', description: 'Run one pass and exit' },
    interval: { type: 'string', valueName: 'SECS', description: 'Seconds between passes', defaultText: '60' },
    'max-per-payment': {
      type: 'string',
      valueName: 'SATS',
      description: 'Largest single autopayment (saved); "none" removes the maximum',
    },
    'peer-cap': {
      type: 'string',
      valueName: 'PUBKY=SATS/PERIOD',
      multiple: true,
      description: 'Spending cap for a merchant per daily|weekly|monthly period (saved; repeatable)',
    },
    generation: {
      type: 'string',
      valueName: 'V',
      description: 'pubky-noise generation for IK',
      defaultText: '0.8.0',
    },
    dialect: { type: 'string', valueName: 'D', description: 'rust, builder or flat', defaultText: 'rust' },
    framing: { type: 'string', valueName: 'F', description: 'prefixed or raw' },
    transport: { type: 'string', valueName: 'T', description: 'tcp or ws', defaultText: 'tcp' },
    ...SIM_OPTION,
    ...PAYER_OPTIONS,
  },
  examples: [
    'paykit autopay --once --max-per-payment 5000 --peer-cap 8pin…=20000/monthly --sim http://127.0.0.1:40111',
    'paykit autopay --interval 300',
  ],
  async run(ctx, args) {
    const maxText = str(args.values, 'max-per-payment')
    if (maxText !== undefined && maxText !== 'none' && !/^[0-9]{1,15}$/.test(maxText))
      throw new UsageError('--max-per-payment must be a whole number of sats or "none"', HINT)
    const caps = strs(args.values, 'peer-cap').map((c) => {
      try {
        return parsePeerCap(c)
      } catch (e) {
        throw new UsageError((e as LimitError).message, HINT)
      }
    })
    const intervalText = str(args.values, 'interval') ?? '60'
    if (!/^[1-9][0-9]{0,5}$/.test(intervalText))
      throw new UsageError('--interval must be seconds (1 or more)', HINT)
    const channel = {
      generation: parseGeneration(str(args.values, 'generation'), HINT),
      dialect: parseDialect(str(args.values, 'dialect'), HINT),
      transport: parseTransport(str(args.values, 'transport'), HINT),
      ...(parseFraming(str(args.values, 'framing'), HINT)
        ? { framing: parseFraming(str(args.values, 'framing'), HINT)! }
        : {}),
    }
    const sim = await simClient(ctx, args, HINT)
    const network = await bitcoinNetwork(args, sim, HINT)
    const session = await openPayerSession(ctx, args, HINT)
    try {
      const { formatPublicKey, parsePublicKey } = await import('../../main/core/keys/public-key')
      const limits = new SpendingLimits(session.db, ctx.clock)
      for (const c of caps) {
        let peer: string
        try {
          peer = formatPublicKey(parsePublicKey(c.peer))
        } catch (e) {
          throw new UsageError(`--peer-cap: ${(e as Error).message}`, HINT)
        }
        limits.setLimit(peer, c.sats, c.period)
      }
      if (maxText !== undefined) setMaxPerPayment(session, maxText === 'none' ? null : Number(maxText))
      const once = bool(args.values, 'once')
      let failed = false
      let stop = false
      const stopped = once ? undefined : ctx.shutdownSignal().then(() => (stop = true))
      for (;;) {
        let report: AutopayReport
        try {
          report = await runAutopayOnce(session, { sim, network, channel, limits })
        } catch (e) {
          throw e instanceof CliError ? e : withHint(e, networkHint(session.target))
        }
        failed = failed || report.items.some((i) => i.outcome === 'failed')
        const text = render(report, limits, maxPerPayment(session))
        if (once) {
          ctx.result(text, { ...report, limits: limits.all(), maxPerPaymentSats: maxPerPayment(session) })
          break
        }
        ctx.note(`[${new Date(ctx.clock.now()).toISOString()}] ${text}`, true)
        await Promise.race([stopped, new Promise((r) => setTimeout(r, Number(intervalText) * 1000).unref())])
        if (stop) break
      }
      return failed ? EXIT_RUNTIME : EXIT_OK
    } finally {
      await session.close()
    }
  },
}
