// compress: after vite build, writes name.br and name.gz beside every text
// file of dist/ (at the highest levels: this runs once per build, not per
// request). The portal serves them as they are (handlers/spa.go). Files under
// 1 KiB, and those that compression would not shrink, stay as they are.
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'

const dist = new URL('../dist/', import.meta.url).pathname
const TEXT = /\.(js|mjs|css|html|svg|json|txt|xml|map)$/
const MIN = 1024

function walk(dir, out = []) {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f)
    if (statSync(p).isDirectory()) walk(p, out)
    else if (TEXT.test(f)) out.push(p)
  }
  return out
}

let raw = 0
let br = 0
let n = 0
for (const file of walk(dist)) {
  const b = readFileSync(file)
  if (b.length < MIN) continue
  const x = brotliCompressSync(b, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: b.length, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT },
  })
  const g = gzipSync(b, { level: 9 })
  if (x.length < b.length) writeFileSync(`${file}.br`, x)
  if (g.length < b.length) writeFileSync(`${file}.gz`, g)
  raw += b.length
  br += Math.min(x.length, b.length)
  n++
}
const kib = (v) => `${(v / 1024).toFixed(1)} KiB`
console.log(`compress: ${n} files of ${relative(process.cwd(), dist) || 'dist'}, ${kib(raw)} → ${kib(br)} with brotli`)
