/** A short heading per error code; the main process's message gives the detail. */
import type { ErrorCode, IpcError } from '@shared/ipc/errors'

const TITLES: Record<ErrorCode, string> = {
  'invalid-input': 'Please check the input',
  forbidden: 'Not allowed',
  locked: 'The app is locked',
  'bad-pin': 'Wrong PIN',
  'rate-limited': 'Too many attempts',
  'not-found': 'Not found',
  conflict: 'Already set up',
  decrypt: 'Could not decrypt',
  unavailable: 'Not available yet',
  storage: 'Storage problem',
  internal: 'Something went wrong',
  'needs-identity-key': 'Needs the identity key',
  'ring-session-expired': 'Pair with Pubky Ring again',
}

export function errorTitle(error: IpcError): string {
  return TITLES[error.code] ?? 'Something went wrong'
}
