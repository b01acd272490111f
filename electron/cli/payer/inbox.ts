/**
 * @module cli/payer/inbox
 * Reading the sealed payment requests merchants addressed to us (core/requests/inbox: owner
 * binding, recipient check, id check, Sealed Blob v1/v2), for `paykit requests` and `autopay`.
 * Every poll lists everything currently published (the merchant deletes settled requests); what
 * we already paid is known from the payer database, not from a "seen" flag.
 */
import { pollInbox, type InboxPollResult } from '../../main/core/requests/inbox'
import type { PayerSession } from './session'

/** Merchants to poll: those named, those we paid or subscribed to. */
export function contactsFor(session: PayerSession, from: readonly string[]): string[] {
  const providers = session.db
    .all<{ provider: string }>("SELECT DISTINCT provider FROM agreements WHERE state = 'active'")
    .map((r) => r.provider)
  return [...new Set([...from, ...session.knownMerchants(), ...providers])]
}

export async function pollRequests(
  session: PayerSession,
  contacts: readonly string[],
): Promise<InboxPollResult> {
  return pollInbox(contacts, {
    reader: session.reader,
    identity: session.identity.publicKey,
    noiseKeys: [session.noise],
    clock: session.ctx.clock,
    dedupe: { claim: () => true },
  })
}

/** What we did about a request: paid (settled), paying, refused (with reason), or nothing yet. */
export function requestState(
  session: PayerSession,
  sender: string,
  requestId: string,
): { state: string; detail: string | null } {
  const paid = session.db.get<{ state: string; receipt_id: string }>(
    'SELECT state, receipt_id FROM payments WHERE merchant = ? AND request_id = ?',
    sender,
    requestId,
  )
  if (paid) return { state: paid.state, detail: paid.receipt_id }
  const refused = session.db.get<{ reason: string; detail: string }>(
    'SELECT reason, detail FROM refusals WHERE merchant = ? AND request_id = ?',
    sender,
    requestId,
  )
  if (refused) return { state: 'refused', detail: `${refused.reason}: ${refused.detail}` }
  return { state: 'open', detail: null }
}
