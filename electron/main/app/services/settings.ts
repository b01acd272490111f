/**
 * @module app/services/settings
 * Merchant preferences. Changing them is for the owner: cashier mode refuses changes, and leaving
 * cashier mode takes the PIN.
 */
import type { Settings, SettingsPatch } from '../../../../shared/domain/settings'
import type { Emit } from '../../ipc/events'
import type { SessionService } from './session'
import type { StateRepo } from './state-repo'
import type { IdentityVault } from './vault'

export class SettingsService {
  constructor(
    private readonly repo: StateRepo,
    private readonly session: SessionService,
    private readonly vault: IdentityVault,
    private readonly emit: Emit,
  ) {}

  get(): Settings {
    return this.repo.get().settings
  }

  async update(patch: SettingsPatch): Promise<Settings> {
    const before = this.repo.get().settings
    const next = await this.repo.update((s) => ({ ...s, settings: { ...s.settings, ...patch } }))
    if (next.settings.autoLockMinutes !== before.autoLockMinutes) this.session.refreshAutoLock()
    this.emit('settings:changed', next.settings)
    return next.settings
  }

  async setCashierMode(enabled: boolean, pin: string): Promise<Settings> {
    if (!enabled) await this.session.verifyPin(pin)
    const next = await this.repo.update((s) => ({ ...s, settings: { ...s.settings, cashierMode: enabled } }))
    this.emit('settings:changed', next.settings)
    this.session.announce()
    return next.settings
  }

  async changePin(currentPin: string, newPin: string): Promise<Settings> {
    this.vault.checkPinStrength(newPin)
    await this.session.verifyPin(currentPin)
    const pinCheck = await this.vault.saveCredentials(this.session.credentials(), newPin)
    await this.repo.update((s) => ({ ...s, pinCheck }))
    return this.repo.get().settings
  }
}
