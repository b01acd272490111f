/**
 * @module platform/idle-lock
 * Auto-lock after a period without user activity. Time comes from an injected Clock so tests can
 * jump ahead; the production caller ticks it every few seconds (`start`), and the renderer reports
 * activity through `session:activity`.
 */
import type { Clock } from '../core/util/clock'

export class IdleLock {
  private lastActivity: number
  private timer: ReturnType<typeof setInterval> | null = null

  /**
   * @param clock time source
   * @param timeoutMs idle time before `onIdle` fires; 0 disables auto-lock
   * @param onIdle called once per idle period (again only after new activity)
   */
  constructor(
    private readonly clock: Clock,
    private timeoutMs: number,
    private readonly onIdle: () => void,
  ) {
    this.lastActivity = clock.now()
  }

  /** Records activity now. */
  touch(): void {
    this.lastActivity = this.clock.now()
  }

  setTimeout(ms: number): void {
    this.timeoutMs = ms
    this.touch()
  }

  /** When the lock would fire, or null when auto-lock is off. */
  deadline(): number | null {
    return this.timeoutMs > 0 ? this.lastActivity + this.timeoutMs : null
  }

  /** Fires `onIdle` if the deadline has passed; returns whether it fired. */
  tick(): boolean {
    const at = this.deadline()
    if (at === null || this.clock.now() < at) return false
    // Push the deadline past now so one idle period fires once.
    this.lastActivity = Number.POSITIVE_INFINITY
    this.onIdle()
    return true
  }

  /** Ticks every `intervalMs` on a real timer that does not keep the process alive. */
  start(intervalMs = 5000): void {
    this.stop()
    this.timer = setInterval(() => this.tick(), intervalMs)
    this.timer.unref?.()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }
}
