import { ref } from 'vue'
import { confirmAction, notifyOk } from '@/lib/feedback'
import { useFormErrors } from '@/composables/useFormErrors'

/**
 * useSubmit is the submission of a small form outside a dialog (an
 * organization's question or objection): run() asks confirmKey first when given,
 * calls submit() with busy set, and on success clears the errors, toasts okKey
 * (when given) and calls done(); a problem lands in errors beside its field
 * (fields, as useFormErrors). run returns true when the submission went through.
 */
export function useSubmit(fields, { submit, okKey = '', confirmKey = '', done }) {
  const errors = useFormErrors(fields)
  const busy = ref(false)
  async function run() {
    if (confirmKey && !(await confirmAction(confirmKey))) return false
    busy.value = true
    try {
      await submit()
      errors.clear()
      if (okKey) notifyOk(okKey)
      done?.()
      return true
    } catch (e) {
      errors.apply(e)
      return false
    } finally {
      busy.value = false
    }
  }
  return { errors, busy, run }
}
