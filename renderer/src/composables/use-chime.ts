/**
 * The PAID chime, synthesised with Web Audio (no file to ship, nothing fetched). Silently does
 * nothing where audio is unavailable (tests, a browser without a sound device).
 */
export function playChime(): boolean {
  const Ctor = (globalThis as { AudioContext?: typeof AudioContext }).AudioContext
  if (!Ctor) return false
  try {
    const ctx = new Ctor()
    const start = ctx.currentTime
    // Two rising notes (E6 then A6), short and unmistakable over shop noise.
    ;[1318.5, 1760].forEach((freq, i) => {
      const osc = ctx.createOscillator()
      const gain = ctx.createGain()
      osc.type = 'sine'
      osc.frequency.value = freq
      const t = start + i * 0.16
      gain.gain.setValueAtTime(0.0001, t)
      gain.gain.exponentialRampToValueAtTime(0.4, t + 0.02)
      gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.3)
      osc.connect(gain).connect(ctx.destination)
      osc.start(t)
      osc.stop(t + 0.32)
    })
    setTimeout(() => void ctx.close(), 1000)
    return true
  } catch {
    return false
  }
}
