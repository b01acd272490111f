/**
 * @module app/services/errors
 * Errors the app services throw. Their codes are members of the IPC ErrorCode union, so the
 * dispatcher passes them to the renderer unchanged.
 */
import { PaykitError } from '../../core/util/errors'

export const badPin = (): PaykitError<'bad-pin'> =>
  new PaykitError('bad-pin', 'That PIN is not right. Check it and try again.')
export const locked = (): PaykitError<'locked'> =>
  new PaykitError('locked', 'The app is locked. Unlock it with your PIN.')
export const forbidden = (message: string): PaykitError<'forbidden'> => new PaykitError('forbidden', message)
export const conflict = (message: string): PaykitError<'conflict'> => new PaykitError('conflict', message)
export const notFound = (message: string): PaykitError<'not-found'> => new PaykitError('not-found', message)
export const rateLimited = (seconds: number): PaykitError<'rate-limited'> =>
  new PaykitError('rate-limited', `Too many wrong PINs. Try again in ${seconds} seconds.`)
