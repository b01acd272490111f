/**
 * @module observe/metrics
 * In-process counters and latency histograms (handshake success by pattern, encryption latency,
 * session lifetime, pkarr lookup latency, receipt intake…). Histograms keep a bounded reservoir so
 * memory stays constant however long the till runs; percentiles are computed on snapshot.
 */
export interface HistogramSnapshot {
  count: number
  sum: number
  min: number
  max: number
  p50: number
  p90: number
  p99: number
}

export class Histogram {
  private readonly samples: number[] = []
  private seen = 0
  private total = 0
  private lo = Infinity
  private hi = -Infinity
  private readonly capacity: number
  private readonly random: () => number

  constructor(capacity = 4096, random: () => number = Math.random) {
    this.capacity = capacity
    this.random = random
  }

  observe(value: number): void {
    this.seen++
    this.total += value
    if (value < this.lo) this.lo = value
    if (value > this.hi) this.hi = value
    if (this.samples.length < this.capacity) this.samples.push(value)
    else {
      // Reservoir sampling (Vitter's algorithm R): every observation has equal chance to be kept.
      const j = Math.floor(this.random() * this.seen)
      if (j < this.capacity) this.samples[j] = value
    }
  }

  snapshot(): HistogramSnapshot {
    const sorted = [...this.samples].sort((a, b) => a - b)
    const q = (p: number): number =>
      sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!
    return {
      count: this.seen,
      sum: this.total,
      min: this.seen ? this.lo : 0,
      max: this.seen ? this.hi : 0,
      p50: q(0.5),
      p90: q(0.9),
      p99: q(0.99),
    }
  }
}

const labelKey = (name: string, labels?: Record<string, string>): string =>
  labels && Object.keys(labels).length
    ? `${name}{${Object.entries(labels)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => `${k}=${v}`)
        .join(',')}}`
    : name

export class Metrics {
  private readonly counters = new Map<string, number>()
  private readonly histograms = new Map<string, Histogram>()

  inc(name: string, labels?: Record<string, string>, by = 1): void {
    const k = labelKey(name, labels)
    this.counters.set(k, (this.counters.get(k) ?? 0) + by)
  }

  observe(name: string, value: number, labels?: Record<string, string>): void {
    const k = labelKey(name, labels)
    let h = this.histograms.get(k)
    if (!h) {
      h = new Histogram()
      this.histograms.set(k, h)
    }
    h.observe(value)
  }

  /** Times `fn` (sync or async) into histogram `name`, in milliseconds. */
  async time<T>(name: string, fn: () => T | Promise<T>, labels?: Record<string, string>): Promise<T> {
    const start = performance.now()
    try {
      return await fn()
    } finally {
      this.observe(name, performance.now() - start, labels)
    }
  }

  counter(name: string, labels?: Record<string, string>): number {
    return this.counters.get(labelKey(name, labels)) ?? 0
  }

  snapshot(): { counters: Record<string, number>; histograms: Record<string, HistogramSnapshot> } {
    return {
      counters: Object.fromEntries(this.counters),
      histograms: Object.fromEntries([...this.histograms].map(([k, h]) => [k, h.snapshot()])),
    }
  }
}
