/**
 * @module app/services/keys-core
 * The KeysPort bound to the real identity core (core/keys). Recovery-file errors are mapped to the
 * IPC codes: a damaged or foreign file is `invalid-input`, a wrong passphrase `decrypt`.
 */
import { PaykitError } from '../../core/util/errors'
import {
  generateMnemonic,
  identityFromMnemonic,
  identityFromSecret,
  validateMnemonic,
} from '../../core/keys/identity'
import { RecoveryFileError, decryptRecoveryFile, encryptRecoveryFile } from '../../core/keys/recovery-file'
import type { KeysPort } from './keys-port'

export const coreKeys: KeysPort = {
  generateMnemonic: () => generateMnemonic(),
  validateMnemonic: (phrase) => validateMnemonic(phrase),
  identityFromMnemonic: (phrase, passphrase) => identityFromMnemonic(phrase, passphrase ?? ''),
  identityFromSecret: (secret) => identityFromSecret(secret),
  encryptRecoveryFile: (secret, passphrase) => encryptRecoveryFile(secret, passphrase),
  decryptRecoveryFile: (file, passphrase) => {
    try {
      return decryptRecoveryFile(file, passphrase)
    } catch (e) {
      if (e instanceof RecoveryFileError) {
        const code = e.code === 'recovery-decrypt' ? 'decrypt' : 'invalid-input'
        throw new PaykitError(code, e.message, { cause: e })
      }
      throw e
    }
  },
}
