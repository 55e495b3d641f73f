// firstView is a Vite plugin that writes a small script into index.html's <head> at build time. Without it a
// phone loads a public page in a chain: index.html → the entry script → (once it runs) the language's messages
// and the page's chunk → the chunks and CSS that chunk imports → (once the page mounts) its first API call → the
// first paint of its content (the LCP element). The script starts all of these at once, from the first bytes of
// index.html:
// - <link rel=modulepreload> for the messages of the language the app will show (the same choice as
//   src/i18n.js: the remembered one, else the browser's first Chinese or English language, else zh-CN);
// - <link rel=modulepreload> / <link rel=preload as=style> for the page's chunk and everything it imports
//   statically, for the public routes of src/router.js (those without meta.roles);
// - for an anonymous visitor on a page without a query string, the GET requests named by the route's
//   meta.prefetch (paths under /api/v1, ':param' taken from the address), as fetch() promises that
//   src/api/client.js takes instead of asking again (once, within 30 s).
// The portal's CSP allows this one inline script by its hash (handlers/spa.go). Each route's table is a few
// dozen bytes; index.html stays a few KiB.
import { readFileSync } from 'node:fs'

/** publicRoutes reads src/router.js as scripts/budget.mjs does: path, view, meta.prefetch of each route without roles. */
export function publicRoutes(routerSource) {
  const out = []
  for (const part of routerSource.split(/(?=\bpath:\s*')/).slice(1)) {
    const path = part.match(/^path:\s*'([^']*)'/)?.[1]
    const view = part.match(/import\('@\/([^']+)'\)/)?.[1]
    if (!path || !view || /\broles\b/.test(part) || path.includes('(')) continue
    const prefetch = [...(part.match(/prefetch:\s*\[([^\]]*)\]/)?.[1] || '').matchAll(/'([^']+)'/g)].map((m) => m[1])
    out.push({ path, view: `src/${view}`, prefetch })
  }
  return out
}

// The script itself, run in the browser; serialized with its data by the plugin. Plain ES5-ish code: it runs
// before anything else and must not throw (a failure only means no early requests).
/* eslint-disable no-var */
function boot(files, locales, routes) {
  try {
    var d = document
    var have = {}
    var add = function (i) {
      var f = files[i]
      if (have[f]) return
      have[f] = 1
      var l = d.createElement('link')
      if (/\.css$/.test(f)) {
        l.rel = 'preload'
        l.as = 'style'
      } else l.rel = 'modulepreload'
      // As Vite asks for them (crossorigin): a preload in another credentials mode is fetched twice.
      l.crossOrigin = ''
      l.href = f
      d.head.appendChild(l)
    }
    var store = {}
    try {
      store = window.localStorage
    } catch (e) {}
    var lang = store.getItem && store.getItem('portal.locale')
    if (!locales[lang]) {
      lang = 'zh-CN'
      var prefs = navigator.languages || [navigator.language]
      for (var i = 0; i < prefs.length; i++) {
        var x = String(prefs[i]).toLowerCase()
        if (x.indexOf('zh') === 0) break
        if (x.indexOf('en') === 0) {
          lang = 'en'
          break
        }
      }
    }
    locales[lang].forEach(add)
    var path = location.pathname.replace(/(.)\/$/, '$1')
    for (var r = 0; r < routes.length; r++) {
      var m = path.match(new RegExp(routes[r][0]))
      if (!m) continue
      routes[r][1].forEach(add)
      var signedIn = false
      try {
        signedIn = !!JSON.parse(store.getItem('portal.auth') || '{}').accessToken
      } catch (e) {}
      if (signedIn || location.search || !window.fetch) break
      var api = (window.__portalFirstView = { t: Date.now(), api: {} })
      var names = routes[r][3]
      routes[r][2].forEach(function (p) {
        var u =
          '/api/v1' +
          p.replace(/:(\w+)/g, function (_, k) {
            return encodeURIComponent(decodeURIComponent(m[names.indexOf(k) + 1]))
          })
        api.api[u] = fetch(u, { headers: { Accept: 'application/json, application/problem+json' } })
        api.api[u].catch(function () {})
      })
      break
    }
  } catch (e) {}
}
/* eslint-enable no-var */

export function firstView({ router }) {
  return {
    name: 'first-view',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const bundle = ctx.bundle
        if (!bundle) return html
        const chunks = Object.values(bundle).filter((c) => c.type === 'chunk')
        const byFile = Object.fromEntries(chunks.map((c) => [c.fileName, c]))
        const entry = chunks.find((c) => c.isEntry)
        const closure = (start) => {
          const seen = new Set()
          const visit = (f) => {
            if (seen.has(f) || !byFile[f]) return
            seen.add(f)
            byFile[f].imports.forEach(visit)
          }
          visit(start)
          return seen
        }
        // What index.html loads anyway (the entry, its static imports, their CSS) is not repeated.
        const inHtml = new Set()
        for (const f of closure(entry.fileName)) {
          inHtml.add(f)
          for (const c of byFile[f].viteMetadata?.importedCss || []) inHtml.add(c)
        }
        const files = []
        const index = (f) => {
          const at = files.indexOf(`/${f}`)
          return at >= 0 ? at : files.push(`/${f}`) - 1
        }
        const firstViewOf = (moduleEnd) => {
          const chunk = chunks.find((c) => c.facadeModuleId && c.facadeModuleId.replaceAll('\\', '/').endsWith(`/${moduleEnd}`))
          if (!chunk) throw new Error(`first-view: no chunk for ${moduleEnd}`)
          const out = []
          for (const f of closure(chunk.fileName)) {
            if (!inHtml.has(f)) out.push(index(f))
            for (const c of byFile[f].viteMetadata?.importedCss || []) if (!inHtml.has(c)) out.push(index(c))
          }
          return [...new Set(out)]
        }
        const locales = {
          'zh-CN': firstViewOf('src/locales/zh-CN.js'),
          en: firstViewOf('src/locales/en.js'),
        }
        const routes = publicRoutes(readFileSync(router, 'utf8')).map(({ path, view, prefetch }) => {
          const names = [...path.matchAll(/:(\w+)/g)].map((m) => m[1])
          const re = `^${path.replace(/:\w+/g, '([^/]+)')}$`
          return [re, firstViewOf(view), prefetch, names]
        })
        const script = `(${boot.toString()})(${JSON.stringify(files)},${JSON.stringify(locales)},${JSON.stringify(routes)})`
        return html.replace('</head>', `  <script>${script}</script>\n  </head>`)
      },
    },
  }
}
