import { createI18n } from 'vue-i18n'
import zhCN from './locales/zh-CN.json'

// Each feature may keep its messages in locales/<feature>/{zh-CN,en}.json; they
// are merged over the shared files so features do not edit one big file.
// English is loaded on demand (locales/en.js), so Chinese readers never download it.
const features = import.meta.glob('./locales/*/zh-CN.json', { eager: true, import: 'default' })

function merge(into, from) {
  for (const [k, v] of Object.entries(from)) {
    if (v && typeof v === 'object' && !Array.isArray(v) && into[k] && typeof into[k] === 'object') merge(into[k], v)
    else into[k] = v
  }
  return into
}
for (const [, msgs] of Object.entries(features).sort()) merge(zhCN, msgs)

const LOCALE_KEY = 'portal.locale'
export const LOCALES = ['zh-CN', 'en']

/**
 * preferred picks the language on a first visit from the browser's preferred
 * languages: the first one that is Chinese or English decides; zh-CN otherwise.
 */
export function preferred(languages = navigator.languages || [navigator.language]) {
  for (const l of languages || []) {
    const x = String(l).toLowerCase()
    if (x.startsWith('zh')) return 'zh-CN'
    if (x.startsWith('en')) return 'en'
  }
  return 'zh-CN'
}

function initial() {
  const saved = localStorage.getItem(LOCALE_KEY)
  return LOCALES.includes(saved) ? saved : preferred()
}

/** i18n is the app's translator; zh-CN is complete and the fallback. */
export const i18n = createI18n({
  legacy: false,
  globalInjection: true,
  locale: 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN },
  missingWarn: false,
  fallbackWarn: false,
})

let english = null
/** loadMessages fetches a language's messages once (zh-CN is always there). */
function loadMessages(l) {
  if (l !== 'en') return Promise.resolve()
  english ||= import('./locales/en.js').then(({ default: parts }) => {
    i18n.global.setLocaleMessage('en', parts.reduce((all, m) => merge(all, m), {}))
  }).catch((e) => {
    english = null // offline for a moment: the next switch tries again
    throw e
  })
  return english
}

function apply(l) {
  i18n.global.locale.value = l
  document.documentElement.lang = l
}

/** startLocale applies the remembered or browser-preferred language before the app mounts. */
export async function startLocale() {
  const l = initial()
  await loadMessages(l).catch(() => {})
  apply(i18n.global.availableLocales.includes(l) ? l : 'zh-CN')
}

/** setLocale switches the language and remembers the choice. */
export async function setLocale(l) {
  if (!LOCALES.includes(l)) return
  await loadMessages(l)
  apply(l)
  localStorage.setItem(LOCALE_KEY, l)
}

export const t = (...args) => i18n.global.t(...args)
export const te = (key) => i18n.global.te(key) || i18n.global.te(key, 'zh-CN')
