/**
 * @module listener
 * The merchant's Noise server: admission control, handshakes (every pattern, generation and
 * framing core/noise speaks), the three-dialect message loop and receipt intake with proofs.
 */
export * from './limits'
export * from './errors'
export * from './intake'
export * from './dispatch'
export * from './server'
