/**
 * @module directory/methods
 * Publishing our payment methods: one file per method at `/pub/paykit.app/v0/{method_id}` holding the
 * raw endpoint text, as paykit-rs writes it (`upsert_payment_endpoint`: the string verbatim, no JSON
 * wrapper), plus the optional `supported.json` snapshot (a JSON array of
 * `{"method_id","endpoint","enabled","updated_at"(ms)}`, paykit-lib `SupportedPaymentEntry`).
 *
 * Stronger than the reference: an endpoint is validated with the real parsers before it is written
 * (we never publish what a payer would have to reject), ids must follow the registry rules
 * (lowercase `[a-z0-9-]`, ≤ 32), and names that are Paykit's own files (`noise`, `supported.json`, …)
 * are refused, so nothing stray appears in the methods directory. Updating is a second PUT.
 */
import type { Clock } from '../util/clock'
import { InputError } from '../util/errors'
import { checkMethodId as checkRegistryId } from '../methods/ids'
import { MethodError } from '../methods/errors'
import { paymentMethodPath, RESERVED_METHOD_NAMES, SUPPORTED_SNAPSHOT_PATH } from './paths'
import { validateEndpoint, type ValidateOptions, type ValidatedEndpoint } from './method-validate'
import type { PubkyWriter } from '../store/types'

/** Registry rules, and not one of Paykit's own file names (`noise`, `supported.json`, …). */
export function checkMethodId(methodId: string): string {
  checkRegistryId(methodId)
  if (RESERVED_METHOD_NAMES.has(methodId)) {
    throw new MethodError(
      'invalid-method-id',
      `"${methodId}" is one of Paykit's own files, not a payment method id`,
    )
  }
  return methodId
}

export interface MethodToPublish {
  methodId: string
  endpoint: string
  /** Snapshot flag; a disabled method is listed in `supported.json` but its file is not written. */
  enabled?: boolean
}

/** Validates and PUTs one method file (create or update). Returns what was validated. */
export async function publishPaymentMethod(
  writer: PubkyWriter,
  methodId: string,
  endpoint: string,
  options: ValidateOptions,
): Promise<ValidatedEndpoint> {
  checkMethodId(methodId)
  const path = paymentMethodPath(methodId)
  const validated = validateEndpoint(methodId, endpoint, options)
  await writer.put(path, validated.endpoint)
  return validated
}

/** Deletes one method file (absent is fine). */
export async function removePaymentMethod(writer: PubkyWriter, methodId: string): Promise<void> {
  await writer.delete(paymentMethodPath(checkMethodId(methodId)))
}

/** The `supported.json` text for `methods` (times in ms, as the reference snapshot uses). */
export function formatSupportedSnapshot(methods: readonly MethodToPublish[], clock: Clock): string {
  const now = Math.floor(clock.now())
  return JSON.stringify(
    methods.map((m) => ({
      method_id: checkMethodId(m.methodId),
      endpoint: m.endpoint.trim(),
      enabled: m.enabled ?? true,
      updated_at: now,
    })),
  )
}

export interface PublishMethodsOptions extends ValidateOptions {
  clock: Clock
  /** Also write `supported.json` (default true). */
  snapshot?: boolean
}

/**
 * Publishes a whole method set: validates every method first (nothing is written if one is bad),
 * PUTs each enabled method's file, deletes the files of disabled ones, then writes the snapshot.
 */
export async function publishPaymentMethods(
  writer: PubkyWriter,
  methods: readonly MethodToPublish[],
  options: PublishMethodsOptions,
): Promise<ValidatedEndpoint[]> {
  const seen = new Set<string>()
  const validated = methods.map((m) => {
    checkMethodId(m.methodId)
    paymentMethodPath(m.methodId)
    if (seen.has(m.methodId)) throw new InputError(`method "${m.methodId}" is listed twice`)
    seen.add(m.methodId)
    return validateEndpoint(m.methodId, m.endpoint, options)
  })
  for (let i = 0; i < methods.length; i++) {
    const m = methods[i]!
    if (m.enabled === false) await writer.delete(paymentMethodPath(m.methodId))
    else await writer.put(paymentMethodPath(m.methodId), validated[i]!.endpoint)
  }
  if (options.snapshot ?? true) {
    await writer.put(
      SUPPORTED_SNAPSHOT_PATH,
      formatSupportedSnapshot(
        methods.map((m, i) => ({ ...m, endpoint: validated[i]!.endpoint })),
        options.clock,
      ),
    )
  }
  return validated
}

/** Deletes `supported.json`. */
export async function removeSupportedSnapshot(writer: PubkyWriter): Promise<void> {
  await writer.delete(SUPPORTED_SNAPSHOT_PATH)
}
