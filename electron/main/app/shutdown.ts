/**
 * @module app/shutdown
 * Ordered shutdown. Modules register an async stopper as they start; at quit the stoppers run one at
 * a time in reverse order of registration (the last started stops first: IPC, then listeners, then
 * directory record removal, then the database flush), each bounded by a timeout so one stuck
 * stopper cannot keep the app from quitting. Failures are logged and the rest still run.
 */
import type { Logger } from '../platform/logger'
import { describeError } from '../platform/logger'

export type Stopper = () => Promise<void> | void

export class ShutdownRegistry {
  private readonly stoppers: { name: string; stop: Stopper }[] = []
  private running: Promise<string[]> | null = null

  constructor(
    private readonly log: Logger,
    private readonly timeoutMs = 5000,
  ) {}

  /** Adds a stopper; returns a function that removes it (for modules stopped earlier). */
  register(name: string, stop: Stopper): () => void {
    const entry = { name, stop }
    this.stoppers.push(entry)
    return () => {
      const i = this.stoppers.indexOf(entry)
      if (i >= 0) this.stoppers.splice(i, 1)
    }
  }

  get names(): string[] {
    return this.stoppers.map((s) => s.name)
  }

  /** Runs every stopper once, newest first; resolves with the names in the order they ran. Idempotent. */
  runAll(): Promise<string[]> {
    this.running ??= this.run()
    return this.running
  }

  private async run(): Promise<string[]> {
    const ran: string[] = []
    for (const { name, stop } of [...this.stoppers].reverse()) {
      let timer: ReturnType<typeof setTimeout> | undefined
      try {
        await Promise.race([
          Promise.resolve().then(stop),
          new Promise((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`timed out after ${this.timeoutMs} ms`)),
              this.timeoutMs,
            )
          }),
        ])
      } catch (e) {
        this.log.error(`shutdown: ${name} failed`, { cause: describeError(e) })
      } finally {
        clearTimeout(timer)
      }
      ran.push(name)
    }
    return ran
  }
}
