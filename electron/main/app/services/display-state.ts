/**
 * @module app/services/display-state
 * The customer-facing display's one piece of state: idle ("welcome"), the checkout waiting for
 * payment (amount + QR), or PAID. Fed by the till (`showCheckout` after `checkout:start`) and by the
 * engine's checkout events on the bus; read by the display server. It keeps only what the customer
 * may see: no receipt ids, payer keys or memos.
 */
import type { CheckoutSession } from '../../../../shared/domain/checkout'
import type { DisplayState } from '../../../../shared/domain/display'
import type { EventBus } from '../../ipc/events'

export type DisplayTimers = {
  set(fn: () => void, ms: number): unknown
  clear(handle: unknown): void
}

const realTimers: DisplayTimers = {
  set: (fn, ms) => {
    const t = setTimeout(fn, ms)
    t.unref()
    return t
  },
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
}

/** How long PAID stays on the customer's screen before it goes back to the welcome. */
export const PAID_HOLD_MS = 15_000

export class DisplayStateService {
  private state: DisplayState
  private readonly listeners = new Set<(s: DisplayState) => void>()
  private timer: unknown = null
  private readonly off: () => void

  constructor(
    bus: EventBus,
    private readonly shopName: () => string,
    private readonly timers: DisplayTimers = realTimers,
    private readonly paidHoldMs = PAID_HOLD_MS,
  ) {
    this.state = { kind: 'idle', shopName: shopName() }
    this.off = bus.subscribe((event, payload) => {
      if (event === 'checkout:paid') this.onPaid(payload as { checkoutId: string; totalMinor: number })
      else if (event === 'checkout:changed') {
        const p = payload as { checkoutId: string; state: string }
        if (p.state === 'cancelled' || p.state === 'expired') this.onGone(p.checkoutId)
      } else if (event === 'settings:changed') {
        this.set({ ...this.state, shopName: this.shopName() })
      }
    })
  }

  current(): DisplayState {
    return this.state
  }

  /** Calls `listener` on every change; returns its unsubscribe function. */
  subscribe(listener: (s: DisplayState) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** The till started a checkout: the customer sees its amount and QR. */
  showCheckout(session: CheckoutSession): void {
    this.set({
      kind: 'waiting',
      shopName: this.shopName(),
      checkoutId: session.checkoutId,
      totalMinor: session.totalMinor,
      currency: session.currency,
      qr: session.qr,
      expiresAt: session.expiresAt,
    })
  }

  /** Back to the welcome screen. */
  idle(): void {
    this.set({ kind: 'idle', shopName: this.shopName() })
  }

  dispose(): void {
    this.off()
    this.cancelTimer()
    this.listeners.clear()
  }

  private onPaid(p: { checkoutId: string; totalMinor: number }): void {
    // Only the checkout on screen turns PAID; a late payment of an older one must not replace it.
    if (this.state.kind !== 'waiting' || this.state.checkoutId !== p.checkoutId) return
    this.set({
      kind: 'paid',
      shopName: this.shopName(),
      checkoutId: p.checkoutId,
      totalMinor: p.totalMinor,
      currency: this.state.currency,
    })
    this.timer = this.timers.set(() => {
      this.timer = null
      if (this.state.kind === 'paid' && this.state.checkoutId === p.checkoutId) this.idle()
    }, this.paidHoldMs)
  }

  private onGone(checkoutId: string): void {
    if (this.state.kind === 'waiting' && this.state.checkoutId === checkoutId) this.idle()
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.timers.clear(this.timer)
    this.timer = null
  }

  private set(next: DisplayState): void {
    if (next.kind !== 'paid') this.cancelTimer()
    this.state = next
    for (const l of this.listeners) {
      try {
        l(next)
      } catch {
        // A closed display connection must not stop the others.
      }
    }
  }
}
