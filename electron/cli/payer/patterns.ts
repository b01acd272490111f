/**
 * @module cli/payer/patterns
 * Which Pubky Noise pattern the payer uses toward a merchant, and what each one proves
 * (pubky-noise.md §1; the seed's flowchart):
 *
 *   anonymous donation (no identity to reveal)                 → N
 *   the merchant's static key is not bound to its identity yet → XX (first contact: learn it in-band)
 *   a known merchant, sender authenticated by a signed payload → IK (the default authenticated payment)
 *   a known merchant, sender authenticated through pkarr only  → IK-raw (only when asked for: our key
 *                                                                stays cold, the merchant must look
 *                                                                our key binding up itself)
 *
 * A merchant may list the patterns it takes in its `/noise` metadata (`{"patterns":[…]}`): a
 * Ring-linked till does (its identity key stays in Pubky Ring, so it publishes no key binding and
 * cannot sign XX). Then its record, on its own homeserver where only its session writes, is what
 * authenticates its key, and we choose IK when listed, else IK-raw, rather than XX.
 *
 * Pure functions: the command parses options into these values and prints the facts.
 */
import type { PubkyPattern } from '../../main/core/noise/constants'
import type { Generation } from '../../main/core/noise/identity'
import type { Dialect } from '../../main/core/interactive/messages'
import type { Framing } from '../../main/core/noise/session'
import { UsageError } from '../errors'

/** What the handshake proves to each side, in words for the summary. */
export interface PatternFacts {
  /** Whether the merchant learns our identity key inside the handshake. */
  provesPayer: boolean
  /** Whether we know the merchant holds the key bound to its identity. */
  provesMerchant: boolean
  /** Whether the merchant can answer at all (N is one-way). */
  twoWay: boolean
  summary: string
}

/**
 * Facts per pattern. `generation` matters for XX only: 1.1.0/1.2.0 carry signed identity payloads
 * both ways, 0.8.0 carries none.
 */
export function patternFacts(pattern: PubkyPattern, generation: Generation): PatternFacts {
  switch (pattern) {
    case 'IK':
      return {
        provesPayer: true,
        provesMerchant: true,
        twoWay: true,
        summary:
          'IK: we dialled the X25519 key the merchant published (only its holder can answer) and signed our identity into the first message, so the merchant knows who pays',
      }
    case 'IK-raw':
      return {
        provesPayer: false,
        provesMerchant: true,
        twoWay: true,
        summary:
          'IK-raw: the merchant is proven by its published key; we send no signed identity, so the merchant knows our payer only if it looks up our pkarr key binding',
      }
    case 'N':
      return {
        provesPayer: false,
        provesMerchant: true,
        twoWay: false,
        summary:
          'N: one-way and anonymous: only the merchant can read it, it learns nothing about us, and it cannot answer (no receipt, no confirmation)',
      }
    case 'NN':
      return {
        provesPayer: false,
        provesMerchant: false,
        twoWay: true,
        summary: 'NN: encrypted but unauthenticated both ways: proves nothing about either side',
      }
    case 'XX':
      return generation === '0.8.0'
        ? {
            provesPayer: false,
            provesMerchant: false,
            twoWay: true,
            summary:
              'XX (0.8.0): first contact: keys are exchanged in the handshake but no identity payloads are signed, so neither side is bound to an identity',
          }
        : {
            provesPayer: true,
            provesMerchant: true,
            twoWay: true,
            summary: `XX (${generation}): first contact with signed identity payloads both ways`,
          }
  }
}

export interface PatternSituation {
  /** The person asked for an anonymous payment (`--anonymous`). */
  anonymous: boolean
  /** The merchant's `/noise` record was found. */
  merchantKeyKnown: boolean
  /** A verified pkarr key binding ties that key to the merchant's identity. */
  merchantKeyBound: boolean
  /** The patterns the merchant's `/noise` metadata lists (absent: it says nothing). */
  offered?: readonly PubkyPattern[]
}

export interface PatternChoice {
  pattern: PubkyPattern
  /** Why: given on the command line, or which flowchart branch. */
  reason: string
}

/** The flowchart. `given` (from `--pattern`) always wins. */
export function choosePattern(situation: PatternSituation, given?: PubkyPattern): PatternChoice {
  if (given !== undefined) return { pattern: given, reason: 'given with --pattern' }
  if (situation.anonymous) return { pattern: 'N', reason: 'anonymous donation: reveal no identity' }
  const offered = situation.offered
  if (
    situation.merchantKeyKnown &&
    offered !== undefined &&
    !(situation.merchantKeyBound && offered.includes('IK'))
  ) {
    if (offered.includes('IK'))
      return {
        pattern: 'IK',
        reason:
          "the merchant's /noise record lists IK (a Ring-linked till: its key is vouched for by its own homeserver, not a key binding)",
      }
    if (offered.includes('IK-raw'))
      return { pattern: 'IK-raw', reason: "the merchant's /noise record lists IK-raw, not IK" }
  }
  if (!situation.merchantKeyKnown || !situation.merchantKeyBound)
    return {
      pattern: 'XX',
      reason: situation.merchantKeyKnown
        ? 'first contact: the published Noise key carries no verified binding to the merchant identity'
        : 'first contact: no Noise key published',
    }
  return { pattern: 'IK', reason: 'known merchant: authenticated payment (default)' }
}

const PATTERN_NAMES: Readonly<Record<string, PubkyPattern>> = {
  ik: 'IK',
  'ik-raw': 'IK-raw',
  n: 'N',
  nn: 'NN',
  xx: 'XX',
}
const GENERATIONS: readonly Generation[] = ['0.8.0', '1.1.0', '1.2.0']
const DIALECTS: Readonly<Record<string, Dialect>> = {
  rust: 'rust',
  builder: 'mobile-builder',
  flat: 'mobile-flat',
}

export function parsePattern(text: string | undefined, hint: string): PubkyPattern | undefined {
  if (text === undefined) return undefined
  const p = PATTERN_NAMES[text.toLowerCase()]
  if (!p) throw new UsageError(`--pattern must be ik, ik-raw, n, nn or xx, got ${JSON.stringify(text)}`, hint)
  return p
}

export function parseGeneration(text: string | undefined, hint: string): Generation {
  if (text === undefined) return '0.8.0'
  if (!(GENERATIONS as readonly string[]).includes(text))
    throw new UsageError(`--generation must be 0.8.0, 1.1.0 or 1.2.0, got ${JSON.stringify(text)}`, hint)
  return text as Generation
}

export function parseDialect(text: string | undefined, hint: string): Dialect {
  if (text === undefined) return 'rust'
  const d = DIALECTS[text.toLowerCase()]
  if (!d) throw new UsageError(`--dialect must be rust, builder or flat, got ${JSON.stringify(text)}`, hint)
  return d
}

export function parseFraming(text: string | undefined, hint: string): Framing | undefined {
  if (text === undefined) return undefined
  if (text !== 'prefixed' && text !== 'raw')
    throw new UsageError(`--framing must be prefixed or raw, got ${JSON.stringify(text)}`, hint)
  return text
}

export function parseTransport(text: string | undefined, hint: string): 'tcp' | 'ws' {
  if (text === undefined || text === 'tcp') return 'tcp'
  if (text === 'ws') return 'ws'
  throw new UsageError(`--transport must be tcp or ws, got ${JSON.stringify(text)}`, hint)
}

/**
 * Refuses combinations that cannot work, before anything is sent: raw framing carries no pattern
 * byte (so IK only), and N cannot carry the ConfirmReceipt a receipt payment needs.
 */
export function checkCombination(
  pattern: PubkyPattern,
  framing: Framing | undefined,
  needsReply: boolean,
  hint: string,
): void {
  if (framing === 'raw' && pattern !== 'IK')
    throw new UsageError(
      `--framing raw carries no pattern selector, so the merchant would read it as IK; ${pattern} needs --framing prefixed`,
      hint,
    )
  if (pattern === 'N' && needsReply)
    throw new UsageError(
      'N is one-way: the merchant cannot answer with the receipt and invoice a checkout needs. Use IK (the default) to pay a checkout',
      hint,
    )
}
