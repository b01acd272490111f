/** Seconds left until `deadline` (ms since epoch), ticking while the component is mounted. */
import { computed, onBeforeUnmount, onMounted, ref, type Ref } from 'vue'

export function useCountdown(deadline: Ref<number>, now: () => number = Date.now, intervalMs = 250) {
  const current = ref(now())
  let timer: ReturnType<typeof setInterval> | undefined
  onMounted(() => {
    timer = setInterval(() => (current.value = now()), intervalMs)
  })
  onBeforeUnmount(() => clearInterval(timer))
  const secondsLeft = computed(() => Math.max(0, Math.ceil((deadline.value - current.value) / 1000)))
  const label = computed(() => {
    const s = secondsLeft.value
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
  })
  return { secondsLeft, label, tick: () => (current.value = now()) }
}
