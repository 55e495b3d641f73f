import { onBeforeUnmount, ref } from 'vue'

/** useNarrow is true on phone-width screens, for layouts that CSS alone cannot switch. */
export function useNarrow(px = 768) {
  const mq = window.matchMedia(`(max-width: ${px}px)`)
  const narrow = ref(mq.matches)
  const on = (e) => {
    narrow.value = e.matches
  }
  mq.addEventListener('change', on)
  onBeforeUnmount(() => mq.removeEventListener('change', on))
  return narrow
}
