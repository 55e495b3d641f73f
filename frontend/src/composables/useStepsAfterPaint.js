import { onBeforeUnmount, ref } from 'vue'

/**
 * useStepsAfterPaint renders a page's lower parts after its first screen has painted, one part per task
 * (issue #17: on a phone one render of the whole page was a long task, and total blocking time counts each
 * task's time over 50 ms). run(n, onStart) sets step to 0, waits for the next paint (an animation frame; or
 * 250 ms, as a tab in the background runs no frames), calls onStart, then counts step up to n, one per task.
 * The template shows part k with v-if="step >= k". reset() stops and sets step to 0; unmounting stops.
 */
export function useStepsAfterPaint() {
  const step = ref(0)
  let timer = 0
  let frame = 0
  const stop = () => {
    clearTimeout(timer)
    cancelAnimationFrame(frame)
    timer = frame = 0
  }
  function run(n, onStart) {
    stop()
    step.value = 0
    const next = () => {
      step.value++
      timer = step.value < n ? setTimeout(next) : 0
    }
    const begin = () => {
      stop()
      onStart?.()
      if (n > 0) timer = setTimeout(next)
    }
    frame = requestAnimationFrame(begin)
    timer = setTimeout(begin, 250)
  }
  function reset() {
    stop()
    step.value = 0
  }
  onBeforeUnmount(stop)
  return { step, run, reset }
}
