/**
 * @module domain/settings
 * Merchant preferences shown and edited in Settings. Nothing here is secret.
 */
import type { CurrencyCode } from './money'

export type Settings = {
  /** Shown on the checkout screen and (later) on receipts. */
  readonly shopName: string
  readonly currency: CurrencyCode
  /** Tip buttons on the checkout screen, whole percent, at most four. */
  readonly tipPresets: readonly number[]
  /** Cashier mode: can charge, cannot change settings, export keys or restore. Leaving it needs the PIN. */
  readonly cashierMode: boolean
  /** Lock the app after this many idle minutes; 0 turns auto-lock off. */
  readonly autoLockMinutes: number
  /** Play a chime on the PAID screen. */
  readonly soundOnPaid: boolean
}

/** What `settings:update` may change; cashier mode has its own PIN-checked command. */
export type SettingsPatch = {
  readonly shopName?: string
  readonly currency?: CurrencyCode
  readonly tipPresets?: readonly number[]
  readonly autoLockMinutes?: number
  readonly soundOnPaid?: boolean
}

export const DEFAULT_SETTINGS: Settings = {
  shopName: 'My shop',
  currency: 'SAT',
  tipPresets: [5, 10, 15],
  cashierMode: false,
  autoLockMinutes: 5,
  soundOnPaid: true,
}

export const AUTO_LOCK_CHOICES = [0, 1, 2, 5, 10, 15, 30, 60] as const

/**
 * Read-only customer-facing display (amount, QR, status) for a second screen: off, on this computer
 * only (127.0.0.1), or on the local network (0.0.0.0, its own port). Owner-only; off by default.
 */
export type CustomerDisplayMode = 'off' | 'local' | 'lan'
export const CUSTOMER_DISPLAY_MODES = [
  'off',
  'local',
  'lan',
] as const satisfies readonly CustomerDisplayMode[]
