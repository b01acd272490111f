/**
 * @module noise/patterns
 * Handshake patterns as frozen data (Noise rev 34 §7.4 one-way and §7.5 interactive patterns).
 * The HandshakeState interprets these tables; nothing here is code.
 */

export type Token = 'e' | 's' | 'ee' | 'es' | 'se' | 'ss'
export type PreToken = 'e' | 's'

export interface HandshakePattern {
  readonly name: string
  /** Pre-message of the initiator (`-> s` before `...`). */
  readonly initiatorPre: readonly PreToken[]
  /** Pre-message of the responder (`<- s` before `...`). */
  readonly responderPre: readonly PreToken[]
  /** Message i is sent by the initiator when i is even, by the responder when odd. */
  readonly messages: readonly (readonly Token[])[]
  /** One-way patterns: only the initiator ever sends (after the handshake too). */
  readonly oneWay: boolean
}

const def = (
  name: string,
  initiatorPre: PreToken[],
  responderPre: PreToken[],
  messages: Token[][],
  oneWay = false,
): HandshakePattern =>
  Object.freeze({
    name,
    initiatorPre: Object.freeze(initiatorPre),
    responderPre: Object.freeze(responderPre),
    messages: Object.freeze(messages.map((m) => Object.freeze(m))),
    oneWay,
  })

/** Every fundamental pattern of Noise rev 34. Pubky Noise uses IK, N, NN and XX. */
export const PATTERNS: Readonly<Record<string, HandshakePattern>> = Object.freeze({
  N: def('N', [], ['s'], [['e', 'es']], true),
  K: def('K', ['s'], ['s'], [['e', 'es', 'ss']], true),
  X: def('X', [], ['s'], [['e', 'es', 's', 'ss']], true),
  NN: def('NN', [], [], [['e'], ['e', 'ee']]),
  NK: def(
    'NK',
    [],
    ['s'],
    [
      ['e', 'es'],
      ['e', 'ee'],
    ],
  ),
  NX: def('NX', [], [], [['e'], ['e', 'ee', 's', 'es']]),
  XN: def('XN', [], [], [['e'], ['e', 'ee'], ['s', 'se']]),
  XK: def(
    'XK',
    [],
    ['s'],
    [
      ['e', 'es'],
      ['e', 'ee'],
      ['s', 'se'],
    ],
  ),
  XX: def('XX', [], [], [['e'], ['e', 'ee', 's', 'es'], ['s', 'se']]),
  KN: def('KN', ['s'], [], [['e'], ['e', 'ee', 'se']]),
  KK: def(
    'KK',
    ['s'],
    ['s'],
    [
      ['e', 'es', 'ss'],
      ['e', 'ee', 'se'],
    ],
  ),
  KX: def('KX', ['s'], [], [['e'], ['e', 'ee', 'se', 's', 'es']]),
  IN: def(
    'IN',
    [],
    [],
    [
      ['e', 's'],
      ['e', 'ee', 'se'],
    ],
  ),
  IK: def(
    'IK',
    [],
    ['s'],
    [
      ['e', 'es', 's', 'ss'],
      ['e', 'ee', 'se'],
    ],
  ),
  IX: def(
    'IX',
    [],
    [],
    [
      ['e', 's'],
      ['e', 'ee', 'se', 's', 'es'],
    ],
  ),
})

export function getPattern(name: string): HandshakePattern | undefined {
  return Object.hasOwn(PATTERNS, name) ? PATTERNS[name] : undefined
}

/** Whether the initiator (or responder) needs a static key pair of its own for this pattern. */
export function needsLocalStatic(p: HandshakePattern, initiator: boolean): boolean {
  const pre = initiator ? p.initiatorPre : p.responderPre
  if (pre.includes('s')) return true
  return p.messages.some((m, i) => (i % 2 === 0) === initiator && m.includes('s'))
}

/** Whether the peer's static key must be known before the handshake (a pre-message). */
export function needsRemoteStatic(p: HandshakePattern, initiator: boolean): boolean {
  return (initiator ? p.responderPre : p.initiatorPre).includes('s')
}
