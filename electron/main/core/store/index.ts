/**
 * @module store
 * The storage port (Pubky homeserver reads and writes) and its implementations.
 */
export * from './errors'
export * from './types'
export * from './listing'
export * from './records'
export * from './gateway-store'
export * from './http-reader'
