import { reactive, ref } from 'vue'
import { notifyOk } from '@/lib/feedback'
import { useFormErrors } from '@/composables/useFormErrors'

/**
 * useFormDialog is the open/save cycle of a create-or-edit dialog (FormDialog):
 * open(row) fills the form from blank() and, when editing, fill(row); save()
 * calls submit(form, editing) and on success closes, toasts and calls done();
 * a problem lands in errors beside its fields. The form holds only blank()'s
 * keys, so a row edited before never leaks into the next new one.
 */
export function useFormDialog({ fields, blank, fill = (row) => row, submit, done }) {
  const visible = ref(false)
  const editing = ref(null)
  const form = reactive(blank())
  const errors = useFormErrors(fields)
  const busy = ref(false)

  function open(row) {
    errors.clear()
    editing.value = row || null
    const next = blank()
    if (row) {
      const filled = fill(row)
      for (const k of Object.keys(next)) if (k in filled) next[k] = filled[k]
    }
    Object.assign(form, next)
    visible.value = true
  }

  async function save() {
    busy.value = true
    try {
      await submit(form, editing.value)
      visible.value = false
      notifyOk('common.saved')
      done?.()
    } catch (e) {
      errors.apply(e)
    } finally {
      busy.value = false
    }
  }

  return { visible, editing, form, errors, busy, open, save }
}
