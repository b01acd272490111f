/**
 * @module schema/requests
 * Runtime validators for every command request, keyed like the contract. The map's type makes a
 * missing or extra schema a compile error, and each schema's output must match the contract type.
 * Objects are strict: unknown fields are rejected rather than silently dropped.
 */
import { z } from 'zod'
import type { CommandName, CommandRequest } from '../ipc/contract'
import { AUTO_LOCK_CHOICES, CUSTOMER_DISPLAY_MODES } from '../domain/settings'
import {
  base64Field,
  currencyField,
  homeserverField,
  minorField,
  passphraseField,
  pinField,
  z32Field,
  normalizePublicKeyInput,
} from './fields'
import { frequencyField, methodEndpointField, methodIdField, watchOnlyField } from './methods'

const empty = z.strictObject({})

const phraseField = z
  .string({ error: 'Recovery phrase must be text' })
  .min(1, { error: 'Enter the recovery phrase' })
  .max(1000, { error: 'Recovery phrase is too long (at most 24 words)' })

/** A Pubky Ring pairing id as main hands it out: 32 lowercase hex characters. */
const pairingIdField = z
  .string({ error: 'Pairing id must be text' })
  .regex(/^[0-9a-f]{32}$/, { error: 'Pairing id is 32 hex characters; start the pairing again' })

const bip39Passphrase = z
  .string({ error: 'Passphrase must be text' })
  .max(1024, { error: 'Passphrase is too long' })

const settingsPatch = z.strictObject({
  shopName: z
    .string({ error: 'Shop name must be text' })
    .trim()
    .min(1, { error: 'Shop name cannot be empty' })
    .max(60, { error: 'Shop name must be at most 60 characters' })
    .exactOptional(),
  currency: currencyField.exactOptional(),
  tipPresets: z
    .array(
      z
        .number({ error: 'Tip must be a number' })
        .int({ error: 'Tip must be a whole percent' })
        .min(1, { error: 'Tip must be at least 1%' })
        .max(100, { error: 'Tip must be at most 100%' }),
    )
    .max(4, { error: 'At most four tip buttons' })
    .exactOptional(),
  autoLockMinutes: z
    .number({ error: 'Auto-lock must be a number of minutes' })
    .refine((n) => (AUTO_LOCK_CHOICES as readonly number[]).includes(n), {
      error: `Auto-lock must be one of ${AUTO_LOCK_CHOICES.join(', ')} minutes`,
    })
    .exactOptional(),
  soundOnPaid: z.boolean({ error: 'Sound on paid must be on or off' }).exactOptional(),
})

/** Engine row ids (checkout, receipt, subscription): short printable text. */
const idField = z
  .string({ error: 'Id must be text' })
  .min(1, { error: 'Id is missing' })
  .max(100, { error: 'Id is too long' })
  .regex(/^[\x21-\x7e]+$/, { error: 'Id has spaces or unusual characters' })

const limitField = z
  .number({ error: 'Limit must be a number' })
  .int({ error: 'Limit must be a whole number' })
  .min(1, { error: 'Limit must be at least 1' })
  .max(500, { error: 'Limit must be at most 500' })

/** Milliseconds since the epoch, 2000-01-01 … 2200-01-01. */
const timeField = z
  .number({ error: 'Time must be a number' })
  .int({ error: 'Time must be whole milliseconds' })
  .min(946_684_800_000, { error: 'Date is too early' })
  .max(7_258_118_400_000, { error: 'Date is too late' })

const receiptSearch = {
  text: z.string({ error: 'Search must be text' }).max(100, { error: 'Search is at most 100 characters' }),
  from: timeField.nullable(),
  to: timeField.nullable(),
}

const satsField = z
  .number({ error: 'Amount must be a number' })
  .int({ error: 'Amount must be whole sats' })
  .min(1, { error: 'Enter an amount above zero' })
  .max(2_100_000_000_000_000, { error: 'Amount is more than all bitcoin' })

const payMethodField = z.enum(['lightning', 'onchain'], { error: 'Method must be lightning or onchain' })

const descriptionField = z
  .string({ error: 'Description must be text' })
  .max(140, { error: 'Description must be at most 140 characters' })

/** A customer's public key as pasted (pubky…, pk:…, pubky://…): normalised, then checked. */
const counterpartyField = z
  .string({ error: 'Public key must be text' })
  .max(200, { error: 'Public key is too long' })
  .transform(normalizePublicKeyInput)
  .pipe(z32Field)

type SchemaMap<Names extends string, Req extends Record<Names, unknown>> = {
  readonly [K in Names]: z.ZodType<Req[K]>
}

export const requestSchemas = {
  'app:info': empty,
  'session:status': empty,
  'session:unlock': z.strictObject({ pin: pinField }),
  'session:lock': empty,
  'session:activity': empty,
  'identity:draft': empty,
  'identity:create': z.strictObject({
    draftId: z.string().min(1).max(100),
    confirmations: z.array(z.string().max(64)).min(1).max(24),
    pin: pinField,
    homeserver: homeserverField,
  }),
  'identity:import-phrase': z.strictObject({
    phrase: phraseField,
    passphrase: bip39Passphrase,
    pin: pinField,
    homeserver: homeserverField,
  }),
  'identity:import-file': z.strictObject({
    fileBase64: base64Field.min(1, { error: 'Choose a recovery file' }),
    filePassphrase: z.string().min(1, { error: 'Enter the recovery file passphrase' }).max(1024),
    pin: pinField,
    homeserver: homeserverField,
  }),
  'identity:export-recovery-file': z.strictObject({ pin: pinField, passphrase: passphraseField }),
  'identity:ring-start': z.strictObject({ homeserver: homeserverField }),
  'identity:ring-wait': z.strictObject({ pairingId: pairingIdField }),
  'identity:ring-cancel': z.strictObject({ pairingId: pairingIdField }),
  'identity:ring-finish': z.strictObject({ pairingId: pairingIdField, pin: pinField }),
  'identity:ring-relink': empty,
  'identity:ring-relink-finish': z.strictObject({ pairingId: pairingIdField, pin: pinField }),
  'settings:get': empty,
  'settings:update': settingsPatch,
  'settings:set-cashier-mode': z.strictObject({
    enabled: z.boolean({ error: 'enabled must be true or false' }),
    pin: z.string().max(128),
  }),
  'settings:change-pin': z.strictObject({ currentPin: pinField, newPin: pinField }),
  'display:info': empty,
  'display:set-mode': z.strictObject({
    mode: z.enum(CUSTOMER_DISPLAY_MODES, { error: 'Customer display must be off, local or lan' }),
  }),
  'backup:export': z.strictObject({ pin: pinField, passphrase: passphraseField }),
  'backup:restore': z.strictObject({
    fileBase64: base64Field.min(1, { error: 'Choose a backup file' }),
    passphrase: z.string().min(1, { error: 'Enter the backup passphrase' }).max(1024),
    pin: pinField,
  }),
  'engine:status': empty,
  'engine:identity': empty,
  'engine:listener': empty,
  'checkout:start': z.strictObject({
    amountMinor: minorField.min(1, { error: 'Enter an amount above zero' }),
    tipMinor: minorField,
    currency: currencyField,
    memo: z.string().max(140, { error: 'Memo must be at most 140 characters' }),
  }),
  'checkout:cancel': z.strictObject({ checkoutId: idField }),
  'checkout:get': z.strictObject({ checkoutId: idField }),
  'checkout:list': z.strictObject({ limit: limitField }),
  'receipts:search': z.strictObject({
    ...receiptSearch,
    limit: limitField,
    cursor: z.string().max(200, { error: 'Cursor is too long' }).nullable(),
  }),
  'receipts:get': z.strictObject({ receiptId: idField }),
  'receipts:save-pdf': z.strictObject({ receiptId: idField }),
  'receipts:export-csv': z.strictObject(receiptSearch),
  'receipts:summary': z
    .strictObject({
      from: timeField,
      to: timeField,
      tzOffsetMinutes: z
        .number()
        .int()
        .min(-840, { error: 'Time zone offset is out of range' })
        .max(840, { error: 'Time zone offset is out of range' }),
    })
    .refine((r) => r.to > r.from, { error: 'The end of the period must be after its start' })
    .refine((r) => r.to - r.from <= 366 * 86_400_000, { error: 'A summary covers at most one year' }),
  'requests:incoming': empty,
  'requests:outgoing': empty,
  'requests:send': z.strictObject({
    to: counterpartyField,
    amountSats: satsField,
    method: payMethodField,
    description: descriptionField,
  }),
  'requests:poll': empty,
  'subscribers:view': empty,
  'subscribers:propose': z.strictObject({
    subscriber: counterpartyField,
    amountSats: satsField,
    frequency: frequencyField,
    method: payMethodField,
    description: descriptionField.min(1, { error: 'Describe the plan (the subscriber sees it)' }),
  }),
  'subscribers:pause': z.strictObject({ subscriptionId: idField }),
  'subscribers:resume': z.strictObject({ subscriptionId: idField }),
  'subscribers:cancel': z.strictObject({ subscriptionId: idField }),
  'subscribers:sync': empty,
  'subscribers:bill': empty,
  'directory:methods': empty,
  'directory:add-method': z.strictObject({ methodId: methodIdField, endpoint: methodEndpointField }),
  'directory:remove-method': z.strictObject({ methodId: z.string().min(1).max(64) }),
  'directory:set-watch-only': z.strictObject({ key: watchOnlyField }),
} as const satisfies SchemaMap<CommandName, { [K in CommandName]: CommandRequest<K> }>
