/**
 * The benchmark's one row shape. Every bench module measures ours beside a baseline in the same run
 * on the same machine and reports the ratio; targets are checked here, never in timed unit tests.
 */
export interface BenchRow {
  /** Section, e.g. 'noise', 'sealed', 'homeserver', 'engine', 'app'. */
  group: string
  /** What was measured, e.g. 'IK responder handshakes/s (native)'. */
  metric: string
  /** Our measured value. */
  value: number
  unit: string
  /** The baseline measured side by side (omitted when the metric is absolute). */
  baseline?: { name: string; value: number }
  /** value / baseline.value, or for "lower is better" metrics baseline / value. */
  ratio?: number
  /** Human-readable target, e.g. '>= 1.0x' or '<= 25 ms'. */
  target?: string
  /** Whether the target was met. */
  met?: boolean
}

export interface BenchModule {
  /** Runs the measurements; `quick` shortens them (used by the smoke test). */
  run(options: { quick: boolean }): Promise<BenchRow[]>
}
