/**
 * @module noise/cacophony
 * Runs cacophony-format Noise test vectors (the JSON form of snow's `tests/vectors/cacophony.txt`)
 * through this implementation, once per crypto provider. Both sides are driven: the initiator's
 * writes must equal each `ciphertext` byte for byte, the responder must read the payload back, and
 * the same for the responder's messages; then the transport messages; then `handshake_hash`.
 *
 * A vector whose protocol name is not spoken here is *skipped*, never counted as passed.
 */
import type { CryptoProvider } from '../crypto/provider'
import { fromHex, toHex } from '../util/bytes'
import { fixedRng } from '../util/rng'
import type { CipherState } from './cipher-state'
import { HandshakeState } from './handshake-state'
import { parseProtocolName } from './suite'

export interface CacophonyMessage {
  payload: string
  ciphertext: string
}

export interface CacophonyVector {
  protocol_name: string
  init_prologue?: string
  init_static?: string
  init_ephemeral?: string
  init_remote_static?: string
  init_psks?: unknown
  resp_prologue?: string
  resp_static?: string
  resp_ephemeral?: string
  resp_remote_static?: string
  resp_psks?: unknown
  handshake_hash?: string
  messages: CacophonyMessage[]
}

export type VectorStatus = 'pass' | 'fail' | 'skip'

export interface VectorOutcome {
  index: number
  protocolName: string
  status: VectorStatus
  /** Why it failed (provider named) or was skipped. */
  reason?: string
}

export interface CacophonyReport {
  outcomes: VectorOutcome[]
  passed: number
  failed: number
  skipped: number
}

const hexOrUndefined = (v: unknown, name: string): Uint8Array | undefined =>
  typeof v === 'string' && v.length > 0 ? fromHex(v, name) : undefined

/** Checks one vector with one provider; returns undefined on success or a failure description. */
function runOne(v: CacophonyVector, crypto: CryptoProvider): string | undefined {
  const initEph = hexOrUndefined(v.init_ephemeral, 'init_ephemeral')
  const respEph = hexOrUndefined(v.resp_ephemeral, 'resp_ephemeral')
  const init = new HandshakeState({
    protocolName: v.protocol_name,
    initiator: true,
    prologue: hexOrUndefined(v.init_prologue, 'init_prologue') ?? new Uint8Array(0),
    ...optional('staticSecret', hexOrUndefined(v.init_static, 'init_static')),
    ...optional('remoteStatic', hexOrUndefined(v.init_remote_static, 'init_remote_static')),
    rng: initEph ? fixedRng(initEph) : noRng('initiator'),
    crypto,
  })
  const resp = new HandshakeState({
    protocolName: v.protocol_name,
    initiator: false,
    prologue: hexOrUndefined(v.resp_prologue, 'resp_prologue') ?? new Uint8Array(0),
    ...optional('staticSecret', hexOrUndefined(v.resp_static, 'resp_static')),
    ...optional('remoteStatic', hexOrUndefined(v.resp_remote_static, 'resp_remote_static')),
    rng: respEph ? fixedRng(respEph) : noRng('responder'),
    crypto,
  })
  const oneWay = init.pattern.oneWay
  let i = 0
  for (; i < v.messages.length && !init.isComplete; i++) {
    const m = v.messages[i]!
    const [writer, reader] = i % 2 === 0 ? [init, resp] : [resp, init]
    const payload = fromHex(m.payload, `messages[${i}].payload`)
    const ct = writer.writeMessage(payload)
    if (toHex(ct) !== m.ciphertext.toLowerCase()) return `handshake message ${i}: ciphertext differs`
    const got = reader.readMessage(ct)
    if (toHex(got) !== toHex(payload)) return `handshake message ${i}: payload read back differs`
  }
  if (!init.isComplete || !resp.isComplete) return 'the messages end before the handshake completes'
  const a = init.transport()
  const b = resp.transport()
  if (toHex(a.handshakeHash) !== toHex(b.handshakeHash)) return 'the two sides disagree on the handshake hash'
  if (v.handshake_hash && toHex(a.handshakeHash) !== v.handshake_hash.toLowerCase())
    return 'handshake_hash differs'
  for (; i < v.messages.length; i++) {
    const m = v.messages[i]!
    const fromInit = oneWay || i % 2 === 0
    const send: CipherState | undefined = fromInit ? a.send : b.send
    const recv: CipherState | undefined = fromInit ? b.recv : a.recv
    if (!send || !recv) return `transport message ${i}: no cipher for that direction`
    const payload = fromHex(m.payload, `messages[${i}].payload`)
    const ct = send.encryptWithAd(new Uint8Array(0), payload)
    if (toHex(ct) !== m.ciphertext.toLowerCase()) return `transport message ${i}: ciphertext differs`
    if (toHex(recv.decryptWithAd(new Uint8Array(0), ct)) !== toHex(payload))
      return `transport message ${i}: payload read back differs`
  }
  return undefined
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}

function noRng(side: string): (n: number) => Uint8Array {
  return () => {
    throw new Error(`the vector gives no ephemeral key for the ${side}`)
  }
}

/** Why a vector is skipped, or undefined when this implementation speaks it. */
function skipReason(v: CacophonyVector): string | undefined {
  if (typeof v?.protocol_name !== 'string') return 'no protocol_name'
  if (v.init_psks !== undefined || v.resp_psks !== undefined) return 'PSK vectors are not supported'
  try {
    parseProtocolName(v.protocol_name)
  } catch (e) {
    return (e as Error).message
  }
  if (!Array.isArray(v.messages)) return 'no messages array'
  return undefined
}

/**
 * Runs every vector of a parsed cacophony file through every given provider. A vector passes only
 * when it passes with all of them; a failure reason names the provider.
 */
export function runCacophony(file: unknown, providers: readonly CryptoProvider[]): CacophonyReport {
  const vectors = (file as { vectors?: unknown })?.vectors
  if (!Array.isArray(vectors))
    throw new TypeError('a cacophony file must be an object with a "vectors" array')
  if (providers.length === 0) throw new TypeError('at least one crypto provider is needed')
  const outcomes: VectorOutcome[] = []
  vectors.forEach((raw: CacophonyVector, index) => {
    const protocolName = String(raw?.protocol_name)
    const skip = skipReason(raw)
    if (skip) {
      outcomes.push({ index, protocolName, status: 'skip', reason: skip })
      return
    }
    const failures: string[] = []
    for (const p of providers) {
      let why: string | undefined
      try {
        why = runOne(raw, p)
      } catch (e) {
        why = `threw ${(e as { code?: string }).code ?? ''} ${(e as Error).message}`.trim()
      }
      if (why) failures.push(`${p.name}: ${why}`)
    }
    outcomes.push(
      failures.length
        ? { index, protocolName, status: 'fail', reason: failures.join('; ') }
        : { index, protocolName, status: 'pass' },
    )
  })
  const count = (s: VectorStatus): number => outcomes.filter((o) => o.status === s).length
  return { outcomes, passed: count('pass'), failed: count('fail'), skipped: count('skip') }
}

/** The report as text lines: one per failure and skip, then `N passed, N failed, N skipped`. */
export function formatReport(report: CacophonyReport): string[] {
  const lines: string[] = []
  for (const o of report.outcomes) {
    if (o.status === 'fail') lines.push(`FAIL #${o.index} ${o.protocolName}: ${o.reason ?? ''}`)
    if (o.status === 'skip') lines.push(`skip #${o.index} ${o.protocolName}: ${o.reason ?? ''}`)
  }
  lines.push(`${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped`)
  return lines
}
