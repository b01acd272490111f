/**
 * @module pubky
 * Entry points of the Pubky platform layer: the embedded node, the static testnet, and the gateway
 * (which loads the SDK lazily, on `PubkyGateway.open`, so importing this module patches nothing).
 */
export { startEmbeddedNode, type EmbeddedNode, type EmbeddedNodeOptions } from './embedded-node'
export {
  startTestnet,
  TESTNET_PORTS,
  TESTNET_HOMESERVER_KEY,
  type Testnet,
  type TestnetOptions,
} from './testnet'
export {
  PubkyGateway,
  PubkyGatewayError,
  MAINNET_RELAYS,
  type NetworkProfile,
  type ListOptions,
  type RingSignin,
  type RingSigninOptions,
} from './gateway'
export {
  RING_CAPABILITIES,
  RingError,
  checkRingLink,
  needsIdentityKey,
  type RingLink,
  type RingErrorCode,
} from './ring-link'
