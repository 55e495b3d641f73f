import { createI18n } from 'vue-i18n'
import zhCN from './locales/zh-CN.json'
import en from './locales/en.json'

// Each feature may keep its messages in locales/<feature>/{zh-CN,en}.json; they
// are merged over the shared files so features do not edit one big file.
const features = import.meta.glob('./locales/*/*.json', { eager: true, import: 'default' })

function merge(into, from) {
  for (const [k, v] of Object.entries(from)) {
    if (v && typeof v === 'object' && !Array.isArray(v) && into[k] && typeof into[k] === 'object') merge(into[k], v)
    else into[k] = v
  }
  return into
}
for (const [path, msgs] of Object.entries(features).sort()) {
  const locale = path.split('/').pop().replace('.json', '')
  if (locale === 'zh-CN') merge(zhCN, msgs)
  else if (locale === 'en') merge(en, msgs)
}

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
  locale: initial(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
  missingWarn: false,
  fallbackWarn: false,
})

document.documentElement.lang = i18n.global.locale.value

/** setLocale switches the language and remembers the choice. */
export function setLocale(l) {
  if (!LOCALES.includes(l)) return
  i18n.global.locale.value = l
  localStorage.setItem(LOCALE_KEY, l)
  document.documentElement.lang = l
}

export const t = (...args) => i18n.global.t(...args)
export const te = (key) => i18n.global.te(key) || i18n.global.te(key, 'zh-CN')
