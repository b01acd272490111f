/**
 * @module listener/self-check
 * The listener proves it answers before the till says it is ready: over a real loopback
 * connection it runs what a payer's wallet runs — an IK handshake against our static key, then a
 * `RequestReceipt` (Rust dialect) — and expects the typed refusal a receipt for a checkout that does
 * not exist gets (`UNKNOWN_REFERENCE`). That one exchange covers the socket accept, the Noise
 * responder, the session, the dispatcher, the message decoder, the intake checks (the ledger read
 * included) and the encrypted error reply; a refusal writes nothing, so the check changes no money
 * state. The probe identity is throwaway and its secrets are wiped.
 *
 * (It also means the first customer's receipt is not the first to run that code: the one-time
 * compile and first-call costs are paid here, at start-up, not inside a burst at the counter.)
 */
import { connectTcp } from '../noise/tcp'
import type { Generation } from '../noise/identity'
import type { CryptoProvider } from '../crypto/provider'
import { decodeMessage, encodeMessage } from '../interactive/messages'
import { systemRng, type Rng } from '../util/rng'
import { toHex, utf8, wipe } from '../util/bytes'

/** What `PaykitListener.status().selfCheck` reports. */
export interface SelfCheckResult {
  ok: boolean
  /** Round trip from connect to the answer (ms). */
  ms: number
  /** What was seen: the refusal's code, or why the check failed. */
  detail: string
  /** When it ran (ms, the listener's clock). */
  at: number
}

export interface SelfCheckOptions {
  /** Where to connect: the listener's own address (a wildcard bind is reached over loopback). */
  host: string
  port: number
  /** The listener's X25519 static public key. */
  remoteStatic: Uint8Array
  /** Our Ed25519 key: the payee the probe names. */
  merchant: Uint8Array
  crypto: CryptoProvider
  generation: Generation
  rng?: Rng
  timeoutMs?: number
}

/** The answer a working listener gives the probe. */
export const SELF_CHECK_EXPECTED_CODE = 'UNKNOWN_REFERENCE'
/** Prefix of the probe's receipt and checkout ids (never issued by checkouts: those are `chk_…`). */
export const SELF_CHECK_ID_PREFIX = 'selfcheck_'

/** The address to dial for a listener bound to `host`. */
export function loopbackFor(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1'
  if (host === '::') return '::1'
  return host
}

/** Runs the probe; never throws (a failure is reported in the result). */
export async function runSelfCheck(o: SelfCheckOptions, now: () => number): Promise<SelfCheckResult> {
  const rng = o.rng ?? systemRng
  const ed25519Secret = rng(32)
  const staticSecret = rng(32)
  const start = performance.now()
  const at = now()
  const done = (ok: boolean, detail: string): SelfCheckResult => ({
    ok,
    ms: performance.now() - start,
    detail,
    at,
  })
  const timeoutMs = o.timeoutMs ?? 5_000
  let timer: NodeJS.Timeout | undefined
  let close: (() => void) | undefined
  try {
    const exchange = (async () => {
      const session = await connectTcp({
        host: loopbackFor(o.host),
        port: o.port,
        staticSecret,
        identity: { ed25519Secret },
        remoteStatic: o.remoteStatic,
        generation: o.generation,
        crypto: o.crypto,
        handshakeTimeoutMs: timeoutMs,
      })
      close = () => session.close()
      const id = `${SELF_CHECK_ID_PREFIX}${toHex(rng(8))}`
      const reply = new Promise<Uint8Array>((resolve) => {
        const off = session.onMessage((m) => {
          off()
          resolve(m)
        })
      })
      session.send(
        utf8(
          encodeMessage(
            {
              type: 'RequestReceipt',
              receipt: {
                receiptId: id,
                payer: o.crypto.ed25519PublicKey(ed25519Secret),
                payee: o.merchant,
                methodId: 'onchain',
                amount: '1',
                currency: 'SAT',
                createdAt: Math.floor(at / 1000),
                metadata: { checkout_id: id },
              },
            },
            'rust',
          ),
        ),
      )
      const decoded = decodeMessage(new TextDecoder().decode(await reply))
      const m = decoded.message
      if (m.type !== 'Error') return done(false, `the listener answered ${m.type} instead of a refusal`)
      if (decoded.dialect !== 'rust')
        return done(false, `the listener answered in the ${decoded.dialect} dialect`)
      if (m.code !== SELF_CHECK_EXPECTED_CODE)
        return done(false, `the listener refused with ${m.code} instead of ${SELF_CHECK_EXPECTED_CODE}`)
      return done(true, m.code)
    })().catch((e: unknown) => done(false, `the listener could not be reached: ${(e as Error).message}`))
    const deadline = new Promise<SelfCheckResult>((resolve) => {
      timer = setTimeout(() => resolve(done(false, `no answer within ${timeoutMs} ms`)), timeoutMs)
    })
    return await Promise.race([exchange, deadline])
  } finally {
    clearTimeout(timer)
    close?.()
    wipe(ed25519Secret, staticSecret)
  }
}
