/**
 * @module subscriptions/flow
 * The asynchronous subscription flow over homeservers, both roles: proposals, acceptance,
 * agreements, cancellations, and persisted replay protection.
 */
export * from './errors'
export * from './nonce-store'
export * from './common'
export * from './proposal'
export * from './agreement'
export * from './provider'
export * from './subscriber'
export * from './cancellation'
