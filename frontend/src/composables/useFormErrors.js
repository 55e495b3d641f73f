import { reactive, ref } from 'vue'
import { ApiError } from '@/api/client'
import { fieldMessage, notifyError, problemMessage } from '@/lib/feedback'
import { t } from '@/i18n'

/**
 * useFormErrors keeps a form's server-side problems: fields[name] for errors
 * shown beside a field (el-form-item :error), others for the rest.
 * known lists the field names the form shows; prefixes (e.g. "evaluation.criteria")
 * are matched by startsWith.
 */
export function useFormErrors(known = []) {
  const fields = reactive({})
  const others = ref([])
  const message = ref('')

  function clear() {
    for (const k of Object.keys(fields)) delete fields[k]
    others.value = []
    message.value = ''
  }

  function isKnown(f) {
    return known.some((k) => f === k || f.startsWith(`${k}.`) || f.startsWith(`${k}[`))
  }

  function apply(err, { toast = true } = {}) {
    clear()
    if (!(err instanceof ApiError)) {
      notifyError(err)
      return
    }
    message.value = problemMessage(err)
    for (const e of err.errors) {
      const f = e.field || ''
      const msg = fieldMessage(e)
      if (f && isKnown(f)) fields[f] = fields[f] ? `${fields[f]}${t('common.clauseSep')}${msg}` : msg
      else others.value.push({ ...e, message: msg })
    }
    if (toast) notifyError(err)
  }

  /** under returns the errors whose field starts with prefix, for grouped editors. */
  function under(prefix) {
    return Object.entries(fields)
      .filter(([f]) => f === prefix || f.startsWith(`${prefix}.`) || f.startsWith(`${prefix}[`))
      .map(([field, msg]) => ({ field, message: msg }))
  }

  return { fields, others, message, clear, apply, under }
}
