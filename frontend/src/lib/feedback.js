// How the UI tells people what happened: translated problems, confirmations, prompts.

import { ApiError } from '@/api/client'
import { i18n, t, te } from '@/i18n'

/** problemMessage translates an API problem: by its key, else by its code, with the server's detail. */
export function problemMessage(err) {
  if (!(err instanceof ApiError)) return t('errors.unknown')
  // The portal writes its problem details in Chinese for the clerk: in Chinese, say exactly that.
  if (err.detail && i18n.global.locale.value === 'zh-CN' && /[\u4e00-\u9fff]/.test(err.detail)) return err.detail
  let main
  if (err.key && te(`apiKeys.${err.key}`)) main = t(`apiKeys.${err.key}`)
  else if (te(`errors.${err.code}`)) main = t(`errors.${err.code}`)
  else main = err.title || t('errors.internal')
  // The server's Chinese detail is only repeated to readers of Chinese.
  const zh = i18n.global.locale.value === 'zh-CN'
  const detail = err.detail && err.detail !== main && (zh || !HAN.test(err.detail)) ? err.detail : ''
  return detail ? t('common.noted', { text: main, note: detail }) : main
}

const HAN = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/

/** fieldKey is the apiFields message key of a server field path: evaluation.criteria[2].name → evaluation_criteria_name. */
export const fieldKey = (field) => `apiFields.${String(field || '').replace(/\[\d*\]/g, '').replace(/\./g, '_')}`

/**
 * fieldMessage translates one field error: the server writes it in Chinese, so
 * Chinese readers get it as is and others get the field's message in their language.
 */
export function fieldMessage(e) {
  const msg = e?.message || ''
  if (i18n.global.locale.value === 'zh-CN' || !HAN.test(msg)) return msg
  const key = fieldKey(e.field)
  return te(key) ? t(key) : t('errors.validation_failed')
}

// Toasts and dialogs are loaded on first use, so that no page's first view
// downloads them.
const message = () =>
  Promise.all([import('element-plus/es/components/message/index.mjs'), import('element-plus/es/components/message/style/css')]).then(([m]) => m.ElMessage)
const messageBox = () =>
  Promise.all([import('element-plus/es/components/message-box/index.mjs'), import('element-plus/es/components/message-box/style/css')]).then(
    ([m]) => m.ElMessageBox,
  )

/** notifyError shows a failed call as a toast. */
export function notifyError(err) {
  if (!(err instanceof ApiError)) console.error(err)
  const text = problemMessage(err)
  message().then((m) => m.error({ message: text, grouping: true }))
}

/** notifyOk shows a short success toast. */
export function notifyOk(key, params) {
  const text = t(key, params || {})
  message().then((m) => m.success({ message: text, grouping: true }))
}

/** confirmAction asks before an irreversible step; true when confirmed. */
export async function confirmAction(messageKey, params = {}, titleKey = 'common.confirmTitle') {
  try {
    const box = await messageBox()
    await box.confirm(t(messageKey, params), t(titleKey), {
      type: 'warning',
      confirmButtonText: t('common.confirm'),
      cancelButtonText: t('common.cancel'),
      confirmButtonClass: 'confirm-ok',
      cancelButtonClass: 'confirm-cancel',
      autofocus: false,
    })
    return true
  } catch {
    return false
  }
}

/** promptText asks for a reason or note; null when cancelled. */
export async function promptText(messageKey, params = {}, { required = true, titleKey = 'common.confirmTitle' } = {}) {
  try {
    const box = await messageBox()
    const { value } = await box.prompt(t(messageKey, params), t(titleKey), {
      confirmButtonText: t('common.confirm'),
      cancelButtonText: t('common.cancel'),
      confirmButtonClass: 'confirm-ok',
      cancelButtonClass: 'confirm-cancel',
      inputType: 'textarea',
      inputValidator: (v) => (!required || (v && v.trim()) ? true : t('common.required')),
    })
    return (value || '').trim()
  } catch {
    return null
  }
}
