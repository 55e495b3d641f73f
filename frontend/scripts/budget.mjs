// budget: after vite build and compress.mjs, fails the build when the first
// view of a public page (a route of src/router.js without meta.roles) would
// transfer more than 170 KiB of JavaScript or 300 KiB in all, brotli-compressed
// as the portal sends it. The first view is index.html, the entry chunk, the
// page's chunk, everything they import statically and their CSS; what a page
// imports dynamically (a dialog, the signed-in tools of a page) is not part of it.
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'

const JS_BUDGET = 170 * 1024
const TOTAL_BUDGET = 300 * 1024
const root = new URL('../', import.meta.url).pathname
const dist = join(root, 'dist')
const manifestFile = join(dist, '.vite/manifest.json')
if (!existsSync(manifestFile)) {
  console.error('budget: dist/.vite/manifest.json is missing; run npm run build')
  process.exit(1)
}
const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'))

/** sent is the size the portal sends: the .br file when the build wrote one. */
const sent = (file) => {
  const p = join(dist, file)
  return existsSync(`${p}.br`) ? statSync(`${p}.br`).size : statSync(p).size
}

function closure(keys) {
  const files = new Set()
  const seen = new Set()
  const visit = (k) => {
    if (seen.has(k) || !manifest[k]) return
    seen.add(k)
    const m = manifest[k]
    files.add(m.file)
    for (const c of m.css || []) files.add(c)
    for (const i of m.imports || []) visit(i)
  }
  keys.forEach(visit)
  return files
}

// Public pages: each `path:` entry of the router up to the next, without `roles`.
const router = readFileSync(join(root, 'src/router.js'), 'utf8')
const pages = []
for (const part of router.split(/(?=\bpath:\s*')/).slice(1)) {
  const path = part.match(/^path:\s*'([^']*)'/)?.[1]
  const view = part.match(/import\('@\/([^']+)'\)/)?.[1]
  if (path && view && !/\broles\b/.test(part)) pages.push({ path, view: `src/${view}` })
}
if (!pages.length) {
  console.error('budget: found no public routes in src/router.js')
  process.exit(1)
}

const kib = (v) => `${(v / 1024).toFixed(1)} KiB`
let bad = 0
const html = sent('index.html')
// The messages of the language shown are loaded before the first render: the larger of the two counts.
const locales = ['src/locales/zh-CN.js', 'src/locales/en.js'].filter((k) => manifest[k])
for (const { path, view } of pages) {
  if (!manifest[view]) {
    console.error(`budget: ${view} (route ${path}) is not in the build manifest`)
    bad++
    continue
  }
  let js = 0
  let total = 0
  let files = 0
  for (const loc of locales.length ? locales : [null]) {
    let j = 0
    let t = html
    const fs = closure(['index.html', view, ...(loc ? [loc] : [])])
    files = Math.max(files, fs.size + 1)
    for (const f of fs) {
      const s = sent(f)
      t += s
      if (f.endsWith('.js')) j += s
    }
    js = Math.max(js, j)
    total = Math.max(total, t)
  }
  const over = js > JS_BUDGET || total > TOTAL_BUDGET
  if (over) bad++
  console.log(`${over ? 'OVER' : 'ok  '} ${path.padEnd(22)} JS ${kib(js).padStart(10)} / ${kib(JS_BUDGET)}   total ${kib(total).padStart(10)} / ${kib(TOTAL_BUDGET)}   ${String(files).padStart(2)} files`)
}
// Every chunk starts with V8's compile hint (vite.config.js, compileHints): a Vite whose hooks ran in another
// order would drop it without a word, and the pages' main thread would compile lazily again.
const chunks = [...new Set(Object.values(manifest).map((m) => m.file))].filter((f) => f.endsWith('.js'))
const unhinted = chunks.filter((f) => !readFileSync(join(dist, f), 'utf8').startsWith('//# allFunctionsCalledOnLoad\n'))
if (unhinted.length) console.error(`budget: ${unhinted.length} of ${chunks.length} chunks lack the compile hint, e.g. ${unhinted[0]}`)
// The manifest has done its work; it is not part of the site.
rmSync(join(dist, '.vite'), { recursive: true, force: true })
if (unhinted.length) process.exit(1)
if (bad) {
  console.error(`budget: ${bad} public page(s) over budget. Load heavy parts with import() where they are used.`)
  process.exit(1)
}
