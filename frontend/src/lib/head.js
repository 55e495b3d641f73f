// The document head of each page: title, meta description and Open Graph
// tags, in the current language. Pages with their own subject (a tender, an
// organization) call setHead with a function, re-run when the language changes.

import { watch } from 'vue'
import { i18n, t, te } from '@/i18n'

let current = () => ({})

function meta(attr, name, content) {
  let el = document.head.querySelector(`meta[${attr}="${name}"]`)
  if (!el) {
    el = document.createElement('meta')
    el.setAttribute(attr, name)
    document.head.appendChild(el)
  }
  el.setAttribute('content', content)
}

function apply() {
  const site = t('app.name')
  const { title = '', description = '' } = current() || {}
  const desc = description || t('head.description')
  document.title = title ? `${title} - ${site}` : site
  meta('name', 'description', desc)
  meta('property', 'og:title', title || site)
  meta('property', 'og:description', desc)
  meta('property', 'og:site_name', site)
  meta('property', 'og:type', 'website')
  meta('property', 'og:url', window.location.href)
  meta('property', 'og:locale', i18n.global.locale.value === 'en' ? 'en_US' : 'zh_CN')
}

/** setHead sets the page's head from fn() → {title, description}, now and on every language change. */
export function setHead(fn) {
  current = typeof fn === 'function' ? fn : () => fn || {}
  apply()
}

/** routeHead gives a route its default head: head.<route name>, if there is one. */
export function routeHead(route) {
  const key = `head.${String(route.name || '')}`
  setHead(() => ({ title: te(key) ? t(key) : '' }))
}

watch(i18n.global.locale, apply)
