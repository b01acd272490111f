/**
 * @module noise
 * Pubky Noise for Paykit POS: the Noise core (CipherState, SymmetricState, HandshakeState, pattern
 * tables), the Pubky identity layer (generations 0.8.0, 1.1.0, 1.2.0), framing and the TCP and
 * WebSocket session adapters. See pubky-noise.md and the profile decisions (README §1).
 */
export * from './constants'
export { NoiseError, type NoiseErrorCode } from './errors'
export { CipherState } from './cipher-state'
export { SymmetricState, noiseHkdf } from './symmetric-state'
export { HandshakeState, type HandshakeOptions, type TransportKeys } from './handshake-state'
export { PATTERNS, getPattern, type HandshakePattern, type Token } from './patterns'
export { parseProtocolName, type Suite } from './suite'
export * from './identity'
export { BindingMemo, bindingMemoFor, DEFAULT_BINDING_MEMO_SIZE } from './binding-memo'
export { StaticDhMemo, DEFAULT_STATIC_DH_MEMO_SIZE } from './static-dh-memo'
export * from './pubky-handshake'
export { encodeFrame, allocFrame, FrameDecoder, classifyOpening, type Opening } from './framing'
export { NoiseSession, type Framing, type SessionOptions, type SessionRemote } from './session'
export { connectTcp, NoiseTcpListener, type TcpConnectOptions, type TcpListenOptions } from './tcp'
export { connectWs, NoiseWsListener, type WsConnectOptions } from './ws'
export { runCacophony, formatReport, type CacophonyReport } from './cacophony'
export { formatSessionId, parseSessionId } from './session-id'
