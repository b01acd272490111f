/**
 * @module cli/commands/subscribe
 * `paykit subscribe list | accept <id> | cancel <id>`: the subscriber's side of Paykit
 * subscriptions (paykit-protocol.md §6.4) through core/subscriptions/flow:
 * - list: proposals merchants sealed to us (owner binding: the proposal's provider must own the
 *   homeserver it was read from; its signature must verify), and our agreements; a provider's
 *   cancellation found on its homeserver is applied here;
 * - accept: re-checks the provider's signature and nonce, signs as subscriber, writes the two
 *   sealed agreement copies on OUR homeserver, and remembers the agreement for autopay;
 * - cancel: writes the sealed cancellation for both parties on our homeserver; autopay stops.
 */
import { str, strs } from '../args'
import { CliError, EXIT_OK, UsageError, withHint } from '../errors'
import { table } from '../format'
import type { CommandSpec } from '../registry'
import { networkHint, openPayerSession, PAYER_OPTIONS, type PayerSession } from '../payer/session'
import {
  applyProviderCancellations,
  getAgreement,
  listAgreements,
  markCancelled,
  saveAgreement,
} from '../payer/agreements'
import type { DiscoveredProposal } from '../../main/core/subscriptions/flow'

const FROM_OPTION = {
  from: {
    type: 'string',
    valueName: 'PUBKY',
    multiple: true,
    description: 'A merchant to poll for proposals (repeatable)',
  },
} as const

function providersFor(session: PayerSession, from: readonly string[]): string[] {
  return [...new Set([...from, ...session.knownMerchants()])]
}

function describeProposal(p: DiscoveredProposal): Record<string, unknown> {
  if (p.schema === 'mobile')
    return {
      id: p.id,
      provider: p.provider,
      schema: 'mobile',
      acceptable: false,
      note: 'mobile proposals carry no provider signature',
    }
  const t = p.subscription.terms
  return {
    id: p.id,
    provider: p.provider,
    schema: 'rust',
    amount: t.amount.toString(),
    currency: t.currency,
    method: t.method,
    frequency: t.frequency,
    description: t.description,
    signed: p.providerSignature !== null,
    offerOpen: p.offerOpen,
    acceptable: p.providerSignature !== null && p.offerOpen,
  }
}

export const subscribeListCommand: CommandSpec = {
  path: ['subscribe', 'list'],
  summary: 'List subscription proposals from merchants and your agreements',
  description:
    'Polls each merchant (--from, plus every merchant you paid or subscribed to) for proposals sealed to you, checks each (provider = homeserver owner, addressed to you, provider signature valid), applies cancellations the providers published, and lists proposals and agreements.',
  options: { ...FROM_OPTION, ...PAYER_OPTIONS },
  examples: ['paykit subscribe list --from 8pin… --homeserver ~/.paykit/node'],
  async run(ctx, args) {
    const hint = 'Run `paykit subscribe list --help` for usage.'
    const session = await openPayerSession(ctx, args, hint)
    try {
      const { discoverProposals } = await import('../../main/core/subscriptions/flow')
      let proposals: Awaited<ReturnType<typeof discoverProposals>>
      let cancelled: Awaited<ReturnType<typeof applyProviderCancellations>>
      try {
        proposals = await discoverProposals(
          session.readFlow(),
          providersFor(session, strs(args.values, 'from')),
        )
        cancelled = await applyProviderCancellations(session)
      } catch (e) {
        throw withHint(e, networkHint(session.target))
      }
      const agreements = listAgreements(session.db)
      const accepted = new Set(agreements.map((a) => a.subscriptionId))
      const open = proposals.proposals.filter((p) => !accepted.has(p.id))
      const lines = [`Proposals (${open.length}):`]
      if (open.length > 0)
        lines.push(
          table(
            open.map((p) => {
              const d = describeProposal(p)
              return [
                p.id,
                p.schema === 'rust'
                  ? `${String(d['amount'])} ${String(d['currency'])} ${p.subscription.terms.frequency.kind} by ${String(d['method'])} from ${p.provider.slice(0, 12)}… "${String(d['description'])}"${d['acceptable'] ? '' : ' (not acceptable: unsigned or expired offer)'}`
                  : `mobile proposal from ${p.provider.slice(0, 12)}… (unsigned; cannot be accepted)`,
              ]
            }),
          ),
        )
      lines.push(`Agreements (${agreements.length}):`)
      if (agreements.length > 0)
        lines.push(
          table(
            agreements.map((a) => [
              a.subscriptionId,
              `${a.amount} ${a.currency} ${a.frequency} by ${a.method} with ${a.provider.slice(0, 12)}…  [${a.state}${a.cancelledBy ? ` by ${a.cancelledBy === session.identity.z32 ? 'you' : 'the merchant'}` : ''}]`,
            ]),
          ),
        )
      if (proposals.rejected.length > 0)
        lines.push(
          `Refused records (${proposals.rejected.length}):`,
          table(
            proposals.rejected.map((r) => [`${r.owner.slice(0, 12)}…/${r.id}`, `${r.code}: ${r.reason}`]),
          ),
        )
      ctx.result(lines.join('\n'), {
        proposals: open.map(describeProposal),
        agreements,
        rejected: proposals.rejected,
        cancelledByProvider: cancelled,
      })
      return EXIT_OK
    } finally {
      await session.close()
    }
  },
}

export const subscribeAcceptCommand: CommandSpec = {
  path: ['subscribe', 'accept'],
  summary: 'Accept a proposal: sign it and write both sealed agreement copies on your homeserver',
  description:
    "Finds proposal <id> (polling --from and known merchants), re-verifies the provider's signature within its offer window and records its nonce (a replayed nonce is refused), signs as subscriber, and writes agreements/{you}/{id} and agreements/{provider}/{id}, each sealed to that party, on your homeserver. The agreement is kept for autopay.",
  positionals: [{ name: 'id', description: 'The subscription id of the proposal', required: true }],
  options: { ...FROM_OPTION, ...PAYER_OPTIONS },
  examples: ['paykit subscribe accept sub_1767225600000_0000_1a2b3c4d5e6f7081 --from 8pin…'],
  async run(ctx, args) {
    const hint = 'Run `paykit subscribe accept --help` for usage.'
    const id = args.positionals[0]!
    const session = await openPayerSession(ctx, args, hint)
    try {
      const { acceptProposal, discoverProposals } = await import('../../main/core/subscriptions/flow')
      const found = await discoverProposals(
        session.readFlow(),
        providersFor(session, strs(args.values, 'from')),
      ).catch((e: unknown) => {
        throw withHint(e, networkHint(session.target))
      })
      const matches = found.proposals.filter((p) => p.id === id)
      if (matches.length === 0) {
        const why = found.rejected.find((r) => r.id === id)
        throw new CliError(
          'cli-input',
          why
            ? `proposal ${id} was refused: ${why.code}: ${why.reason}`
            : `no proposal ${id} from the merchants polled`,
          'Run `paykit subscribe list --from <merchant>` to see what is on offer.',
          why ? { originalCode: why.code } : undefined,
        )
      }
      if (matches.length > 1)
        throw new CliError(
          'cli-input',
          `${matches.length} merchants offer a proposal with id ${id}`,
          'Give only that merchant with --from.',
        )
      let accepted: Awaited<ReturnType<typeof acceptProposal>>
      try {
        accepted = await acceptProposal(await session.flow(), matches[0]!)
      } catch (e) {
        throw e instanceof CliError ? e : withHint(e, 'Nothing was accepted.')
      }
      saveAgreement(session.db, accepted.agreement, ctx.clock.now())
      session.rememberMerchant(matches[0]!.provider)
      const t = accepted.agreement.subscription.terms
      ctx.result(
        [
          `Accepted subscription ${id}.`,
          table([
            ['provider', matches[0]!.provider],
            [
              'terms',
              `${t.amount.toString()} ${t.currency} ${t.frequency.kind} by ${t.method}: ${t.description}`,
            ],
            ...accepted.paths.map((p, i) => [i === 0 ? 'written' : '', p] as [string, string]),
          ]),
          'Autopay pays its requests within your caps: paykit autopay --peer-cap <provider>=SATS/monthly',
        ].join('\n'),
        {
          subscriptionId: id,
          provider: matches[0]!.provider,
          amount: t.amount.toString(),
          currency: t.currency,
          method: t.method,
          frequency: t.frequency,
          paths: accepted.paths,
        },
      )
      return EXIT_OK
    } finally {
      await session.close()
    }
  },
}

export const subscribeCancelCommand: CommandSpec = {
  path: ['subscribe', 'cancel'],
  summary: 'Cancel an agreement: publish the sealed cancellation to both parties; autopay stops',
  description:
    'Writes {"cancelled_at","reason","subscription_id"} sealed to you and to the provider at cancellations/{party}/{id} on your homeserver, and marks the agreement cancelled so autopay never pays its requests again.',
  positionals: [{ name: 'id', description: 'The subscription id', required: true }],
  options: {
    reason: { type: 'string', valueName: 'TEXT', description: 'Why (sent to the merchant)' },
    ...PAYER_OPTIONS,
  },
  examples: ['paykit subscribe cancel sub_… --reason "moving away"'],
  async run(ctx, args) {
    const hint = 'Run `paykit subscribe cancel --help` for usage.'
    const id = args.positionals[0]!
    const session = await openPayerSession(ctx, args, hint)
    try {
      const found = getAgreement(session.db, id)
      if (!found) throw new UsageError(`no agreement ${id}; see \`paykit subscribe list\``, hint)
      if (found.stored.state === 'cancelled')
        throw new CliError('cli-state', `agreement ${id} is already cancelled`)
      const { cancelSubscription } = await import('../../main/core/subscriptions/flow')
      let written: Awaited<ReturnType<typeof cancelSubscription>>
      try {
        written = await cancelSubscription(await session.flow(), found.subscription, {
          reason: str(args.values, 'reason') ?? null,
        })
      } catch (e) {
        throw e instanceof CliError ? e : withHint(e, networkHint(session.target))
      }
      markCancelled(session.db, id, session.identity.z32, written.cancellation.cancelledAt)
      ctx.result(
        [
          `Cancelled subscription ${id}.`,
          table(written.paths.map((p, i) => [i === 0 ? 'written' : '', p] as [string, string])),
        ].join('\n'),
        { subscriptionId: id, cancelledAt: written.cancellation.cancelledAt, paths: written.paths },
      )
      return EXIT_OK
    } finally {
      await session.close()
    }
  },
}
