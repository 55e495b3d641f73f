import { readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import { firstView } from './scripts/first-view.mjs'

const dist = fileURLToPath(new URL('./dist', import.meta.url))

// Chunks. Left alone, Rolldown cut the first view of a public page into 25–60 small files (Element Plus's hooks,
// lodash functions, one chunk per component's CSS...): over HTTP/1.1 the browser fetches six at a time, so a
// phone on a slow link waited a round trip per six files. A few groups keep each first view at a handful:
// - vue: Vue, the router, Pinia and vue-i18n, which every page runs;
// - ui: Element Plus's base and the components the public pages show on their first view (with their CSS), and
//   the small libraries they use;
// - app: the API modules, lib/ and composables/, a few KiB shared by nearly every page.
// Everything else (tables, forms, dialogs, date pickers: the bureau's and organizations' pages) is chunked
// automatically and loads with the pages that use it.
const VUE = /node_modules[\\/](@vue|vue|vue-router|pinia|vue-i18n|@intlify)[\\/]/
// Element Plus components (directories of element-plus/es/components) that most public pages show first, and those
// of the select (with its popper and scrollbar), which the list pages' filters show.
const UI = ['config-provider', 'base', 'icon', 'input', 'button', 'tag', 'empty', 'loading', 'card', 'skeleton', 'skeleton-item', 'result', 'alert', 'row', 'col', 'link']
const SELECT = ['select', 'select-v2', 'option', 'option-group', 'scrollbar', 'tooltip', 'popper', 'slot', 'focus-trap']
const component = (names) =>
  new RegExp(`element-plus[\\\\/](es[\\\\/]components[\\\\/](${names.join('|')})[\\\\/]|theme-chalk[\\\\/]el-(${names.join('|')})\\.css)`)
const UI_RE = component(UI)
// The form's hooks (every input asks for its form item), not the form itself (its validator is 30 KiB).
const FORM_HOOKS = /element-plus[\\/]es[\\/]components[\\/]form[\\/]src[\\/](hooks|constants)/
const SELECT_RE = component(SELECT)
// What Element Plus's components share (its hooks and utilities, the lodash functions and VueUse they call) goes
// with ui, so that a page with a form or a table but no select does not fetch ui-select for a shared helper. The
// popper hooks stay with the select (they bring Popper.js).
const UI_BASE = /node_modules[\\/](element-plus[\\/]es[\\/](utils|hooks[\\/](?!use-popper)|constants|locale|directives)|lodash-es|@vueuse)[\\/]/
const src = fileURLToPath(new URL('./src', import.meta.url))
const APP = (id) => /^[\\/](api|lib|composables)[\\/]/.test(id.startsWith(src) ? id.slice(src.length) : '')

// buttonWithoutTinyColor replaces Element Plus's button-custom.mjs by src/lib/button-custom.js (see there).
function buttonWithoutTinyColor() {
  return {
    name: 'button-without-tinycolor',
    enforce: 'pre',
    resolveId(source, importer) {
      if (source === './button-custom.mjs' && /element-plus[\\/]es[\\/]components[\\/]button[\\/]/.test(importer || '')) {
        return `${src}/lib/button-custom.js`
      }
    },
  }
}

// compileHints marks every chunk with V8's explicit compile hint: Chromium then compiles all its functions while
// the file streams in, on a background thread, instead of each one on the main thread the first time it is
// called. A chunk is loaded when its page or component is shown, and nearly all its functions (setup, render)
// run right then. On a first visit that lazy compilation was a quarter of the main thread's work on the tender
// page, most of it after the first paint: in alternated Lighthouse runs the page's total blocking time fell by
// about a third with the hint on the chunks every page runs, and by a further quarter with it on every chunk
// (issue #17; bench/README.md). Other browsers read a comment. The minifier drops comments, so the hint is
// written into the files once they are on disk (before scripts/compress.mjs compresses them).
const COMPILE_HINT = '//# allFunctionsCalledOnLoad\n'
function compileHints() {
  return {
    name: 'compile-hints',
    apply: 'build',
    writeBundle(_, bundle) {
      for (const c of Object.values(bundle)) {
        if (c.type !== 'chunk') continue
        const file = `${dist}/${c.fileName}`
        writeFileSync(file, COMPILE_HINT + readFileSync(file, 'utf8'))
      }
    },
  }
}

// keepGitkeep recreates dist/.gitkeep after Vite empties dist, so `go build`
// keeps working on a clean clone (//go:embed all:dist needs one file).
function keepGitkeep() {
  return {
    name: 'keep-gitkeep',
    apply: 'build',
    closeBundle() {
      mkdirSync(dist, { recursive: true })
      writeFileSync(`${dist}/.gitkeep`, '')
    },
  }
}

export default defineConfig({
  plugins: [
    vue(),
    // Imports only the Element Plus components a template uses (and their CSS),
    // so route chunks stay small instead of one bundle with the whole library.
    Components({
      resolvers: [ElementPlusResolver({ importStyle: 'css' })],
      dts: false,
    }),
    buttonWithoutTinyColor(),
    // index.html starts the page's chunks, its messages and its first API answers from its first bytes.
    firstView({ router: fileURLToPath(new URL('./src/router.js', import.meta.url)) }),
    compileHints(),
    keepGitkeep(),
  ],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  define: {
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: false,
  },
  build: {
    outDir: dist,
    emptyOutDir: true,
    // Read by scripts/budget.mjs (which then deletes it) to follow each page's imports.
    manifest: true,
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'vue', test: VUE, priority: 30 },
            { name: 'ui-select', test: SELECT_RE, priority: 25 },
            { name: 'ui', test: (id) => UI_RE.test(id) || FORM_HOOKS.test(id) || UI_BASE.test(id), priority: 26 },
            { name: 'app', test: APP, priority: 10 },
          ],
        },
      },
    },
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
})
