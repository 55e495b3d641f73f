// check-i18n: every literal key used in src exists in zh-CN (complete) and en,
// and both locale files have the same keys. Run: npm run check:i18n
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('../src/', import.meta.url).pathname
const zh = JSON.parse(readFileSync(join(root, 'locales/zh-CN.json'), 'utf8'))
const en = JSON.parse(readFileSync(join(root, 'locales/en.json'), 'utf8'))

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
let bad = 0
for (const k of used) {
  if (!zk.has(k)) { console.log(`missing in zh-CN: ${k}`); bad++ }
  if (!ek.has(k)) { console.log(`missing in en: ${k}`); bad++ }
}
for (const k of zk) if (!ek.has(k)) { console.log(`en lacks: ${k}`); bad++ }
for (const k of ek) if (!zk.has(k)) { console.log(`zh-CN lacks: ${k}`); bad++ }
console.log(`${used.size} keys used, ${zk.size} in zh-CN, ${ek.size} in en, ${bad} problems`)
process.exit(bad ? 1 : 0)
