/**
 * @module schema/requests
 * Runtime validators for every command request, keyed like the contract. The map's type makes a
 * missing or extra schema a compile error, and each schema's output must match the contract type.
 * Objects are strict: unknown fields are rejected rather than silently dropped.
 */
import { z } from 'zod'
import type { CommandName, CommandRequest, EngineCommandName, EngineCommands } from '../ipc/contract'
import { AUTO_LOCK_CHOICES } from '../domain/settings'
import { base64Field, currencyField, homeserverField, minorField, passphraseField, pinField } from './fields'

const empty = z.strictObject({})

const phraseField = z
  .string({ error: 'Recovery phrase must be text' })
  .min(1, { error: 'Enter the recovery phrase' })
  .max(1000, { error: 'Recovery phrase is too long (at most 24 words)' })

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
  'settings:get': empty,
  'settings:update': settingsPatch,
  'settings:set-cashier-mode': z.strictObject({
    enabled: z.boolean({ error: 'enabled must be true or false' }),
    pin: z.string().max(128),
  }),
  'settings:change-pin': z.strictObject({ currentPin: pinField, newPin: pinField }),
  'backup:export': z.strictObject({ pin: pinField, passphrase: passphraseField }),
  'backup:restore': z.strictObject({
    fileBase64: base64Field.min(1, { error: 'Choose a backup file' }),
    passphrase: z.string().min(1, { error: 'Enter the backup passphrase' }).max(1024),
    pin: pinField,
  }),
} as const satisfies SchemaMap<CommandName, { [K in CommandName]: CommandRequest<K> }>

const pageRequest = z.strictObject({
  limit: z.number().int().min(1).max(500),
  cursor: z.string().max(200).nullable(),
})

/** Schemas for the engine's declared commands, ready for when their handlers land. */
export const engineRequestSchemas = {
  'checkout:start': z.strictObject({
    amountMinor: minorField.min(1, { error: 'Enter an amount above zero' }),
    tipMinor: minorField,
    currency: currencyField,
    memo: z.string().max(140, { error: 'Memo must be at most 140 characters' }),
  }),
  'checkout:cancel': z.strictObject({ checkoutId: z.string().min(1).max(100) }),
  'receipts:list': pageRequest,
  'requests:list': pageRequest,
  'subscribers:list': pageRequest,
} as const satisfies SchemaMap<EngineCommandName, { [K in EngineCommandName]: EngineCommands[K]['req'] }>
