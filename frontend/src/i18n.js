import { createI18n } from 'vue-i18n'
import { compile } from '@intlify/core-base'
// Each feature may keep its messages in locales/<feature>/{zh-CN,en}.json; they
// are merged over the shared files so features do not edit one big file.
// Each language is one chunk (locales/zh-CN.js, locales/en.js) loaded before
// the first render, so a visitor downloads only the language shown.

function merge(into, from) {
  for (const [k, v] of Object.entries(from)) {
    if (v && typeof v === 'object' && !Array.isArray(v) && into[k] && typeof into[k] === 'object') merge(into[k], v)
    else into[k] = v
  }
  return into
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

// vue-i18n compiles each message the first time it is shown, at run time (a parse into an AST it then
// interprets): on a public page's first render, dozens of messages — a fifth of the render's CPU on a throttled
// phone (issue #17, total blocking time). Nearly all are plain text; they are their own result and are not
// parsed. A message with any of vue-i18n's syntax characters ({ } for interpolation, @ for links, | for plural
// forms, $) goes to vue-i18n's own compiler, as before.
const PLAIN = /^[^{}@|$]*$/
export function messageCompiler(message, ctx) {
  if (typeof message === 'string' && PLAIN.test(message)) return () => message
  return compile(message, ctx)
}

/** i18n is the app's translator; zh-CN is complete and the fallback. */
export const i18n = createI18n({
  messageCompiler,
  legacy: false,
  globalInjection: true,
  locale: 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: {},
  missingWarn: false,
  fallbackWarn: false,
})

const chunks = { 'zh-CN': () => import('./locales/zh-CN.js'), en: () => import('./locales/en.js') }
const loading = {}
/** loadMessages fetches a language's messages once. */
function loadMessages(l) {
  loading[l] ||= chunks[l]()
    .then(({ default: parts }) => {
      i18n.global.setLocaleMessage(l, parts.reduce((all, m) => merge(all, m), {}))
    })
    .catch((e) => {
      loading[l] = null // offline for a moment: the next switch tries again
      throw e
    })
  return loading[l]
}

function apply(l) {
  i18n.global.locale.value = l
  document.documentElement.lang = l
}

/** startLocale applies the remembered or browser-preferred language before the app mounts. */
export async function startLocale() {
  const l = initial()
  await loadMessages(l).catch(() => loadMessages('zh-CN'))
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
