/**
 * @module sealed
 * Sealed Blob: write v1, read v1 and v2 (profile decision 2). See paykit-protocol.md §4.
 */
export * from './errors'
export * from './envelope'
export * from './seal'
export * from './open'
export * from './aad'
