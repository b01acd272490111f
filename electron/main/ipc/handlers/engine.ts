/**
 * Thin adapters from the engine's commands (engine, checkout, receipts, requests, subscribers,
 * directory) to the EngineHost, each answer mapped to a contract DTO (engine-dto.ts).
 */
import type { CheckoutCommands } from '../../../../shared/ipc/domains/checkout'
import type { DirectoryCommands } from '../../../../shared/ipc/domains/directory'
import type { EngineCommands } from '../../../../shared/ipc/domains/engine'
import type { ReceiptsCommands } from '../../../../shared/ipc/domains/receipts'
import type { RequestsCommands } from '../../../../shared/ipc/domains/requests'
import type { SubscribersCommands } from '../../../../shared/ipc/domains/subscribers'
import type { ReceiptSearch } from '../../../../shared/domain/checkout'
import type { ReceiptQuery } from '../../core/receipts/repo'
import { InputError } from '../../core/util/errors'
import type { AppServices } from '../../app/services/app-services'
import { notFound } from '../../app/services/errors'
import * as dto from '../../app/services/engine-dto'
import { receiptPdfName } from '../../app/pdf-export'
import type { HandlersFor } from '../router'

const query = (q: ReceiptSearch): ReceiptQuery => ({
  ...(q.text.trim() !== '' ? { text: q.text } : {}),
  ...(q.from !== null ? { from: q.from } : {}),
  ...(q.to !== null ? { to: q.to } : {}),
})

export const engineHandlers = ({ engine, repo }: AppServices) =>
  ({
    'engine:status': async () => engine.status(),
    'engine:identity': async () =>
      engine.call(async (api) =>
        dto.identityInfo(await api.identity(), repo.get().identity?.homeserver.kind ?? 'embedded'),
      ),
    'engine:listener': async () => engine.call(async (api) => dto.listenerInfo(await api.listenerStatus())),
  }) satisfies HandlersFor<keyof EngineCommands>

export const checkoutHandlers = ({ engine, displayState }: AppServices) =>
  ({
    'checkout:start': async (req) => {
      // Amounts are sats end to end; fiat needs a price source this offline till does not have.
      if (req.currency !== 'SAT')
        throw new InputError('Checkouts are priced in sats. Set the currency to Bitcoin (sats) in Settings.')
      const session = await engine.call(async (api) =>
        dto.checkoutSession(
          await api.checkoutStart({
            amountSats: req.amountMinor,
            tipSats: req.tipMinor,
            memo: req.memo.trim() === '' ? null : req.memo.trim(),
          }),
        ),
      )
      // The customer display (when on) shows this checkout's amount and QR.
      displayState.showCheckout(session)
      return session
    },
    'checkout:cancel': async ({ checkoutId }) =>
      engine.call(async (api) =>
        dto.checkoutStatus(await api.checkoutCancel(checkoutId, 'cancelled at the till')),
      ),
    'checkout:get': async ({ checkoutId }) =>
      engine.call(async (api) => {
        const row = await api.checkoutGet(checkoutId)
        if (!row) throw notFound(`There is no checkout ${checkoutId}.`)
        return dto.checkoutStatus(row)
      }),
    'checkout:list': async ({ limit }) =>
      engine.call(async (api) => (await api.checkoutList(limit)).map(dto.checkoutStatus)),
  }) satisfies HandlersFor<keyof CheckoutCommands>

export const receiptsHandlers = ({ engine, pdf }: AppServices) =>
  ({
    'receipts:search': async (req) =>
      engine.call(async (api) => {
        const page = await api.receiptsSearch(query(req), req.limit, req.cursor)
        return { items: page.items.map(dto.receiptRow), cursor: page.nextCursor }
      }),
    'receipts:get': async ({ receiptId }) =>
      engine.call(async (api) => {
        const row = await api.receiptsGet(receiptId)
        if (!row) throw notFound(`There is no receipt ${receiptId}.`)
        return dto.receiptDetail(row)
      }),
    'receipts:export-csv': async (req) =>
      engine.call(async (api) => {
        const csv = await api.receiptsExportCsv(query(req))
        const rows = Math.max(0, csv.split('\n').filter((l) => l.trim() !== '').length - 1)
        const day = new Date().toISOString().slice(0, 10)
        return { fileName: `paykit-receipts-${day}.csv`, csv, rows }
      }),
    // The sender's own page is printed (the open receipt, through the print stylesheet); the id
    // names the file. No engine call: the receipt on screen is what the merchant saves.
    'receipts:save-pdf': async ({ receiptId }, { sender }) => pdf(sender, receiptPdfName(receiptId)),
    'receipts:summary': async ({ from, to, tzOffsetMinutes }) =>
      engine.call(async (api) => dto.endOfDay(await api.receiptsSummary(from, to, tzOffsetMinutes))),
  }) satisfies HandlersFor<keyof ReceiptsCommands>

export const requestsHandlers = ({ engine }: AppServices) =>
  ({
    'requests:incoming': async () => engine.call(async (api) => (await api.requestsIn()).map(dto.requestIn)),
    'requests:outgoing': async () =>
      engine.call(async (api) =>
        (await api.requestsOut()).map(dto.requestOut).sort((a, b) => b.createdAt - a.createdAt),
      ),
    'requests:send': async (req) =>
      engine.call(async (api) =>
        dto.requestOut(
          await api.requestsSend({
            to: req.to,
            amountSats: req.amountSats,
            method: req.method,
            description: req.description.trim() === '' ? null : req.description.trim(),
          }),
        ),
      ),
    'requests:poll': async () => engine.call((api) => api.requestsPoll()),
  }) satisfies HandlersFor<keyof RequestsCommands>

export const subscribersHandlers = ({ engine }: AppServices) => {
  const view = () => engine.call(async (api) => dto.subscribers(await api.subscribersView()))
  return {
    'subscribers:view': view,
    'subscribers:propose': async (req) =>
      engine.call(async (api) => {
        const r = await api.subscribersPropose({
          subscriber: req.subscriber,
          amountSats: req.amountSats,
          frequency: dto.frequencyText(req.frequency),
          method: req.method,
          description: req.description.trim(),
        })
        return { subscriptionId: r.subscriptionId }
      }),
    'subscribers:pause': async ({ subscriptionId }) => {
      await engine.call((api) => api.subscribersPause(subscriptionId))
      return view()
    },
    'subscribers:resume': async ({ subscriptionId }) => {
      await engine.call((api) => api.subscribersResume(subscriptionId))
      return view()
    },
    'subscribers:cancel': async ({ subscriptionId }) => {
      await engine.call((api) => api.subscribersCancel(subscriptionId, 'cancelled by the shop'))
      return view()
    },
    'subscribers:sync': async () => {
      const r = await engine.call((api) => api.subscribersSync())
      return { imported: r.imported.length, cancelled: r.cancelled.length, model: await view() }
    },
    'subscribers:bill': async () =>
      engine.call(async (api) => {
        // New agreements and cancellations first, so this pass bills exactly who should be billed.
        await api.subscribersSync()
        return dto.billingSummary(await api.billingRun())
      }),
  } satisfies HandlersFor<keyof SubscribersCommands>
}

export const directoryHandlers = ({ engine, session, repo }: AppServices) =>
  ({
    'directory:methods': async () => engine.call(async (api) => dto.methodRows(await api.directoryMethods())),
    'directory:add-method': async ({ methodId, endpoint }) =>
      engine.call(async (api) => dto.methodRows(await api.directoryAddMethod(methodId, endpoint))),
    'directory:remove-method': async ({ methodId }) =>
      engine.call(async (api) => dto.methodRows(await api.directoryRemoveMethod(methodId))),
    'directory:set-watch-only': async ({ key }) => {
      const identity = repo.get().identity
      if (!identity) throw notFound('Set up an identity first.')
      await engine.restartWith(session.engineCredentials(), identity.homeserver, key)
      return engine.call(async (api) => dto.methodRows(await api.directoryMethods()))
    },
  }) satisfies HandlersFor<keyof DirectoryCommands>
