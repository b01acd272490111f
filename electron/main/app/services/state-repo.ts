/**
 * @module app/services/state-repo
 * The in-memory copy of the device state and its file; every change is written before it is seen.
 */
import type { PersistedState, StateFile } from '../../platform/state-file'

export class StateRepo {
  private constructor(
    private readonly file: StateFile,
    private current: PersistedState,
  ) {}

  static async open(file: StateFile): Promise<StateRepo> {
    return new StateRepo(file, await file.load())
  }

  get(): PersistedState {
    return this.current
  }

  /** Applies `change`, writes the result, then makes it current (a failed write changes nothing). */
  async update(change: (s: PersistedState) => PersistedState): Promise<PersistedState> {
    const next = change(this.current)
    await this.file.save(next)
    this.current = next
    return next
  }
}
