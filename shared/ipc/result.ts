/**
 * @module ipc/result
 * Every command answers with this envelope. Electron keeps only `message` of an error thrown across
 * `invoke`, so errors travel as values, never as throws.
 */
import type { IpcError } from './errors'

export type IpcResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: IpcError }

export const ipcOk = <T>(value: T): IpcResult<T> => ({ ok: true, value })
export const ipcErr = <T = never>(error: IpcError): IpcResult<T> => ({ ok: false, error })
