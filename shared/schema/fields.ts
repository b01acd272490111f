/**
 * @module schema/fields
 * Field validators shared by the main-process request schemas and the renderer's forms, so a form
 * explains exactly what main would reject. Messages say what to do, not just "invalid".
 */
import { z } from 'zod'
import { CURRENCY_CODES, MAX_MINOR, type CurrencyCode } from '../domain/money'

export const Z32_PATTERN = /^[ybndrfg8ejkmcpqxot1uwisza345h769]{52}$/

/** An unlock PIN or passphrase as typed; the secret store's own minimum is checked in main. */
export const pinField = z
  .string({ error: 'PIN must be text' })
  .min(4, { error: 'PIN must be at least 4 characters' })
  .max(128, { error: 'PIN must be at most 128 characters' })

export const passphraseField = z
  .string({ error: 'Passphrase must be text' })
  .min(8, { error: 'Use a passphrase of at least 8 characters' })
  .max(1024, { error: 'Passphrase must be at most 1024 characters' })

/** A z-base-32 public key, 52 characters, with an optional `pubky` prefix removed by the caller. */
export const z32Field = z
  .string({ error: 'Public key must be text' })
  .regex(Z32_PATTERN, { error: 'A public key is 52 z-base-32 characters (a–z, 1, 3–9, no l, v, 0 or 2)' })

/** Base64 (standard or url-safe, padding optional), capped at 4 MiB of text. */
export const base64Field = z
  .string({ error: 'File content must be text' })
  .max(4 * 1024 * 1024, { error: 'File is too large (more than 3 MiB)' })
  .regex(/^[A-Za-z0-9+/_-]*={0,2}$/, { error: 'File content is not base64' })

export const currencyField = z.enum(CURRENCY_CODES as [CurrencyCode, ...CurrencyCode[]], {
  error: `Currency must be one of ${CURRENCY_CODES.join(', ')}`,
})

export const minorField = z
  .number({ error: 'Amount must be a number' })
  .int({ error: 'Amount must be whole minor units (sats, cents)' })
  .min(0, { error: 'Amount cannot be negative' })
  .max(MAX_MINOR, { error: 'Amount is too large' })

export const homeserverField = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('embedded') }),
    z.strictObject({
      kind: z.literal('hosted'),
      homeserver: z32Field,
      signupToken: z
        .string({ error: 'Signup token must be text' })
        .max(256, { error: 'Signup token must be at most 256 characters' })
        .regex(/^[\x21-\x7e]*$/, { error: 'Signup token has spaces or unusual characters' }),
    }),
  ],
  { error: 'Choose the embedded homeserver or a hosted one' },
)

/** Normalises what a person pastes as a public key: trims, lowercases, drops `pubky` / `pk:` prefixes. */
export function normalizePublicKeyInput(text: string): string {
  const t = text.trim().toLowerCase()
  if (t.startsWith('pubky://')) return t.slice(8).replace(/\/.*$/, '')
  if (t.startsWith('pubky')) return t.slice(5)
  if (t.startsWith('pk:')) return t.slice(3)
  return t
}

/** First issue's message of a failed parse, for forms and error envelopes. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]
  if (!issue) return 'The request is malformed'
  const path = issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : ''
  return `${path}${issue.message}`
}
