// Test data: valid USCC codes, a tiny PDF, and Shanghai wall-clock times.

import { randomBytes } from 'node:crypto'

const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

/** uscc returns a random 统一社会信用代码 for a social organization (登记管理部门 5) with a valid GB 32100-2015 check character. */
export function uscc() {
  // 5 = civil affairs, 1 = social organization; 371329 = 临沭县; then a 9-character organization code.
  let body = '51371329'
  const bytes = randomBytes(9)
  for (let i = 0; i < 9; i++) body += CHARSET[bytes[i] % CHARSET.length]
  let sum = 0
  for (let i = 0; i < 17; i++) sum += CHARSET.indexOf(body[i]) * WEIGHTS[i]
  let c = 31 - (sum % 31)
  if (c === 31) c = 0
  return body + CHARSET[c]
}

/** runId is short and unique per run, for user names. */
export const runId = randomBytes(3).toString('hex')

/** pdf builds a small but well-formed one-page PDF whose text is title. */
export function pdf(title) {
  const text = title.replace(/[^\x20-\x7e]/g, '?').replace(/[()\\]/g, '')
  const content = `BT /F1 18 Tf 40 150 Td (${text}) Tj ET`
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 300] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ]
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n'
  const offsets = []
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'))
    out += `${i + 1} 0 obj\n${o}\nendobj\n`
  })
  const xref = Buffer.byteLength(out, 'latin1')
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`
  for (const off of offsets) out += `${String(off).padStart(10, '0')} 00000 n \n`
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(out, 'latin1')
}

function parts(date) {
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  })
  return Object.fromEntries(f.formatToParts(date).map((p) => [p.type, p.value]))
}

/** shanghaiInput renders a Date as the picker text "YYYY-MM-DD HH:mm" in Shanghai time. */
export function shanghaiInput(date) {
  const p = parts(date)
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`
}

/** shanghaiShown renders a Date the way the portal shows it: "YYYY/MM/DD HH:mm" in Shanghai time. */
export function shanghaiShown(date) {
  const p = parts(date)
  return `${p.year}/${p.month}/${p.day} ${p.hour}:${p.minute}`
}

/** shanghaiDate renders a date "YYYY-MM-DD" in Shanghai, days from now. */
export function shanghaiDate(days) {
  const p = parts(new Date(Date.now() + days * 86400_000))
  return `${p.year}-${p.month}-${p.day}`
}

/** nextMinuteAfter returns the first whole minute at least seconds from now. */
export function nextMinuteAfter(seconds) {
  const t = Date.now() + seconds * 1000
  return new Date(Math.ceil(t / 60_000) * 60_000)
}
