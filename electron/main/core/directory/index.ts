/**
 * @module directory
 * The public Paykit directory: paths and scopes, payment methods (publish and discover), the Noise
 * endpoint record and 0.8.0 key bindings.
 */
export * from './paths'
export * from './scope'
export * from './errors'
export * from './method-validate'
export * from './methods'
export * from './noise-endpoint'
export * from './key-binding'
export * from './discover'
