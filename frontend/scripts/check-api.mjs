// check-api: the views name no endpoint. Every /api/v1 path lives in src/api/
// (one module per resource); anywhere else the literal is an error.
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

const root = new URL('../src/', import.meta.url).pathname

function walk(dir, out = []) {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f)
    if (statSync(p).isDirectory()) walk(p, out)
    else if (/\.(vue|js)$/.test(f)) out.push(p)
  }
  return out
}
let bad = 0
for (const file of walk(root)) {
  const rel = relative(root, file)
  if (rel.startsWith('api/')) continue
  const src = readFileSync(file, 'utf8')
  src.split('\n').forEach((line, i) => {
    if (line.includes('/api/v1')) {
      console.log(`${rel}:${i + 1}: /api/v1 path outside src/api/: ${line.trim()}`)
      bad++
    }
  })
  // Only the error type and the 401 hook may be taken from the client directly.
  for (const m of src.matchAll(/import\s*{([^}]*)}\s*from\s*'(?:@|\.)\/api\/client'/g)) {
    for (const name of m[1].split(',').map((x) => x.trim()).filter(Boolean)) {
      if (!['ApiError', 'setUnauthorizedHandler'].includes(name)) {
        console.log(`${rel}: imports ${name} from api/client; call a function of an api/<resource>.js module`)
        bad++
      }
    }
  }
}
console.log(`check-api: ${bad} problems`)
process.exit(bad ? 1 : 0)
