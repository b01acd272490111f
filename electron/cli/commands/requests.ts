/**
 * @module cli/commands/requests
 * `paykit requests`: the payment requests merchants have sealed to us on their homeservers
 * (paykit-protocol.md §5.4), opened and checked by core/requests/inbox (the sender must own the
 * homeserver the request was read from), listed as active or expired with what we did about each.
 * `paykit request <pubky>`: the other direction: publish a sealed payment request to someone
 * (core/requests/outbox, on our own homeserver, sealed to their `/noise` key).
 */
import { str, strs } from '../args'
import { EXIT_OK, UsageError, withHint } from '../errors'
import { table } from '../format'
import type { CommandSpec } from '../registry'
import { contactsFor, pollRequests, requestState } from '../payer/inbox'
import { networkHint, openPayerSession, PAYER_OPTIONS } from '../payer/session'

const HINT = 'Run `paykit requests --help` for usage.'

export const requestsCommand: CommandSpec = {
  path: ['requests'],
  summary: 'List the payment requests merchants addressed to us (sealed, on their homeservers)',
  description:
    'Polls each merchant (those given with --from, plus every merchant you paid or subscribed to) for requests sealed to your Noise key, opens them, refuses any whose sender is not the owner of the homeserver it was read from, and lists them as active or expired with what autopay did about each (settled, refused and why, or open). Records that could not be read are listed with their reason.',
  options: {
    from: {
      type: 'string',
      valueName: 'PUBKY',
      multiple: true,
      description: 'A merchant to poll (repeatable)',
    },
    ...PAYER_OPTIONS,
  },
  examples: ['paykit requests --from 8pin… --homeserver ~/.paykit/node', 'paykit requests --json'],
  async run(ctx, args) {
    const session = await openPayerSession(ctx, args, HINT)
    try {
      const contacts = contactsFor(session, strs(args.values, 'from'))
      if (contacts.length === 0)
        throw new UsageError(
          'no merchant to poll: give --from <pubky> (merchants you pay are remembered)',
          HINT,
        )
      let result: Awaited<ReturnType<typeof pollRequests>>
      try {
        result = await pollRequests(session, contacts)
      } catch (e) {
        throw withHint(e, networkHint(session.target))
      }
      for (const c of contacts) {
        if (!result.unreachable.some((u) => u.sender === c)) session.rememberMerchant(c)
      }
      const items = result.requests.map((r) => ({
        sender: r.sender,
        requestId: r.requestId,
        status: r.status,
        amount: r.view.amount.toString(),
        currency: r.view.currency,
        method: r.view.method,
        description: r.view.description,
        createdAt: r.view.createdAt,
        expiresAt: r.view.expiresAt,
        schema: r.schema,
        sealedVersion: r.sealedVersion,
        ...requestState(session, r.sender, r.requestId),
      }))
      const lines: string[] = []
      for (const status of ['active', 'expired'] as const) {
        const group = items.filter((i) => i.status === status)
        lines.push(`${status === 'active' ? 'Active' : 'Expired'} requests (${group.length}):`)
        if (group.length > 0)
          lines.push(
            table(
              group.map((i) => [
                i.requestId,
                `${i.amount} ${i.currency} by ${i.method} from ${i.sender.slice(0, 12)}…${
                  i.description ? ` "${i.description}"` : ''
                }  [${i.state}${i.detail ? `: ${i.detail}` : ''}]`,
              ]),
            ),
          )
      }
      if (result.rejected.length > 0)
        lines.push(
          `Refused records (${result.rejected.length}):`,
          table(
            result.rejected.map((r) => [
              `${r.sender.slice(0, 12)}…/${r.requestId}`,
              `${r.code}: ${r.reason}`,
            ]),
          ),
        )
      if (result.unreachable.length > 0)
        lines.push(
          `Unreachable (${result.unreachable.length}):`,
          table(result.unreachable.map((u) => [u.sender, `${u.code}: ${u.reason}`])),
        )
      ctx.result(lines.join('\n'), {
        polled: contacts,
        requests: items,
        rejected: result.rejected,
        unreachable: result.unreachable,
        inactive: result.inactive,
      })
      return EXIT_OK
    } finally {
      await session.close()
    }
  },
}

const SEND_HINT = 'Run `paykit request --help` for usage.'

export const requestCommand: CommandSpec = {
  path: ['request'],
  summary: 'Ask someone for a payment: publish a sealed payment request to them',
  description:
    "Publishes a payment request (the paykit-rs PublishedRequest schema) on your own homeserver at requests/{scope(them)}/{id}, sealed to the recipient's published Noise key, with a collision-free id and an expiry. The recipient finds it by polling you.",
  positionals: [{ name: 'pubky', description: 'Who should pay', required: true }],
  options: {
    amount: { type: 'string', valueName: 'SATS', description: 'Amount in sats (required)' },
    method: { type: 'string', valueName: 'M', description: 'lightning or onchain', defaultText: 'lightning' },
    description: { type: 'string', valueName: 'TEXT', description: 'What it is for' },
    ttl: { type: 'string', valueName: 'SECS', description: 'Lifetime in seconds', defaultText: '86400' },
    ...PAYER_OPTIONS,
  },
  examples: ['paykit request 8pin… --amount 1500 --description "Table 4 refund"'],
  async run(ctx, args) {
    const amount = str(args.values, 'amount')
    if (amount === undefined || !/^[1-9][0-9]{0,14}$/.test(amount))
      throw new UsageError('--amount must be a positive whole number of sats', SEND_HINT)
    const method = str(args.values, 'method') ?? 'lightning'
    if (method !== 'lightning' && method !== 'onchain')
      throw new UsageError('--method must be lightning or onchain', SEND_HINT)
    const ttlText = str(args.values, 'ttl') ?? '86400'
    if (!/^[1-9][0-9]{0,8}$/.test(ttlText))
      throw new UsageError('--ttl must be a number of seconds', SEND_HINT)
    const { formatPublicKey, parsePublicKey } = await import('../../main/core/keys/public-key')
    let to: string
    try {
      to = formatPublicKey(parsePublicKey(args.positionals[0]!))
    } catch (e) {
      throw new UsageError(`<pubky>: ${(e as Error).message}`, SEND_HINT)
    }
    const session = await openPayerSession(ctx, args, SEND_HINT)
    try {
      const { RequestOutbox } = await import('../../main/core/requests/outbox')
      const writer = await session.writer()
      const outbox = new RequestOutbox({
        writer,
        reader: session.reader,
        identity: session.identity.publicKey,
        clock: ctx.clock,
        rng: ctx.rng,
      })
      let rec: Awaited<ReturnType<typeof outbox.publish>>
      try {
        rec = await outbox.publish({
          to,
          amount,
          currency: 'SAT',
          method,
          description: str(args.values, 'description') ?? null,
          ttlSecs: Number(ttlText),
        })
      } catch (e) {
        throw withHint(e, `Could not publish; does ${to} publish a Noise key (\`paykit directory show\`)?`)
      }
      session.rememberMerchant(to)
      ctx.result(
        [
          `Published request ${rec.requestId} to ${to}.`,
          table([
            ['amount', `${amount} SAT by ${method}`],
            ['path', rec.path],
            ['expires', rec.expiresAt === null ? 'never' : new Date(rec.expiresAt * 1000).toISOString()],
          ]),
        ].join('\n'),
        {
          requestId: rec.requestId,
          to,
          amount,
          currency: 'SAT',
          method,
          path: rec.path,
          expiresAt: rec.expiresAt,
        },
      )
      return EXIT_OK
    } finally {
      await session.close()
    }
  },
}
