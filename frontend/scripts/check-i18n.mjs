// check-i18n: every literal key used in src exists in zh-CN (complete) and en,
// both languages have the same keys (the shared files merged with every
// locales/<feature>/ pair, as src/i18n.js merges them), each feature ships both
// files, and no English message contains Chinese. Run: npm run check:i18n
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('../src/', import.meta.url).pathname
const read = (p) => JSON.parse(readFileSync(join(root, p), 'utf8'))
let bad = 0
function merge(into, from) {
  for (const [k, v] of Object.entries(from)) {
    if (v && typeof v === 'object' && !Array.isArray(v) && into[k] && typeof into[k] === 'object') merge(into[k], v)
    else into[k] = v
  }
  return into
}
const zh = read('locales/zh-CN.json')
const en = read('locales/en.json')
for (const d of readdirSync(join(root, 'locales')).sort()) {
  if (!statSync(join(root, 'locales', d)).isDirectory()) continue
  for (const f of ['zh-CN.json', 'en.json']) {
    if (!existsSync(join(root, 'locales', d, f))) { console.log(`locales/${d}/ lacks ${f}`); bad++ }
  }
  if (existsSync(join(root, 'locales', d, 'zh-CN.json'))) merge(zh, read(`locales/${d}/zh-CN.json`))
  if (existsSync(join(root, 'locales', d, 'en.json'))) merge(en, read(`locales/${d}/en.json`))
}

function flat(o, p = '', out = new Set()) {
  for (const [k, v] of Object.entries(o)) {
    const key = p ? `${p}.${k}` : k
    if (v && typeof v === 'object') flat(v, key, out)
    else out.add(key)
  }
  return out
}
const zk = flat(zh)
const ek = flat(en)
// Han characters and the full-width punctuation (：、，（）《》) an English reader must not get.
const han = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/
function english(o, p = '') {
  for (const [k, v] of Object.entries(o)) {
    const key = p ? `${p}.${k}` : k
    if (v && typeof v === 'object') english(v, key)
    else if (typeof v === 'string' && han.test(v)) { console.log(`en has Chinese at ${key}: ${v}`); bad++ }
  }
}
english(en)

function walk(dir, out = []) {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f)
    if (statSync(p).isDirectory()) walk(p, out)
    else if (/\.(vue|js)$/.test(f)) out.push(p)
  }
  return out
}
const used = new Set()
const re = /(?:\$t|\bt|\$te|\bte|notifyOk|confirmAction|promptText)\(\s*'([A-Za-z0-9_.]+)'/g
const reKey = /key: '([a-z][A-Za-z0-9_]*\.[A-Za-z0-9_.]+)'/g
for (const file of walk(root)) {
  const src = readFileSync(file, 'utf8')
  for (const m of src.matchAll(re)) used.add(m[1])
  for (const m of src.matchAll(reKey)) used.add(m[1])
}
for (const k of used) {
  if (!zk.has(k)) { console.log(`missing in zh-CN: ${k}`); bad++ }
  if (!ek.has(k)) { console.log(`missing in en: ${k}`); bad++ }
}
for (const k of zk) if (!ek.has(k)) { console.log(`en lacks: ${k}`); bad++ }
for (const k of ek) if (!zk.has(k)) { console.log(`zh-CN lacks: ${k}`); bad++ }
// Every problem the server can send has a message in both languages: each
// code (errors.<code>), each literal key (apiKeys.<key>) and each literal field
// of a field error (apiFields.<field>, indexes dropped, dots as underscores),
// read from the Go sources so a new server message cannot land untranslated.
const repo = new URL('../../', import.meta.url).pathname
function goFiles(dir, out = []) {
  for (const f of readdirSync(dir)) {
    if (f.startsWith('.') || ['node_modules', 'frontend', 'e2e'].includes(f)) continue
    const p = join(dir, f)
    if (statSync(p).isDirectory()) goFiles(p, out)
    else if (f.endsWith('.go') && !f.endsWith('_test.go')) out.push(p)
  }
  return out
}
const server = new Set()
for (const file of goFiles(repo)) {
  const src = readFileSync(file, 'utf8')
  for (const m of src.matchAll(/\bCode[A-Z]\w*\s*=\s*"([a-z_]+)"/g)) server.add(`errors.${m[1]}`)
  for (const m of src.matchAll(/\bKey:\s*"([a-z_]+(?:\.[a-z_]+)+)"/g)) server.add(`apiKeys.${m[1]}`)
  for (const m of src.matchAll(/(?:Errorf|\.Err)\(\s*(?:tender\.)?Code\w+,\s*"([a-z_]+(?:\.[a-z_]+)+)"/g)) server.add(`apiKeys.${m[1]}`)
  for (const m of src.matchAll(/\.Addf?\(\s*"([a-z_][a-z_.\[\]0-9]*)",/g)) server.add(`apiFields.${m[1].replace(/\[\d*\]/g, '').replace(/\./g, '_')}`)
}
for (const k of server) {
  if (!zk.has(k)) { console.log(`server message without zh-CN text: ${k} (add it to locales/<feature>/zh-CN.json)`); bad++ }
  if (!ek.has(k)) { console.log(`server message without English text: ${k} (add it to locales/<feature>/en.json)`); bad++ }
}
console.log(`${server.size} server messages, ${used.size} keys used, ${zk.size} in zh-CN, ${ek.size} in en, ${bad} problems`)
process.exit(bad ? 1 : 0)
