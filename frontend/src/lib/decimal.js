// Scores carry at most two decimals; comparisons and sums use integer
// hundredths so 33.33 + 33.33 + 33.34 is exactly 100.

const SCORE_RE = /^\s*(\d+)(?:\.(\d{0,2}))?\s*$/

/** toHundredths parses "36.5" into 3650; null when not a non-negative number with ≤ 2 decimals. */
export function toHundredths(v) {
  if (v === null || v === undefined || v === '') return null
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0) return null
    v = String(v)
  }
  const m = SCORE_RE.exec(String(v))
  if (!m) return null
  const n = Number(m[1] + (m[2] || '').padEnd(2, '0'))
  return Number.isSafeInteger(n) ? n : null
}

/** fromHundredths renders 3650 as "36.50". */
export function fromHundredths(h) {
  const s = String(Math.abs(h)).padStart(3, '0')
  return `${h < 0 ? '-' : ''}${s.slice(0, -2)}.${s.slice(-2)}`
}

/** scoreNumber turns a validated score string into the JSON number the API takes. */
export function scoreNumber(v) {
  const h = toHundredths(v)
  return h === null ? null : h / 100
}

/** formatScore shows an API score with two decimals. */
export function formatScore(v) {
  if (v === null || v === undefined || v === '') return '—'
  const h = toHundredths(typeof v === 'number' ? v.toFixed(2) : v)
  if (h === null) return String(v)
  return fromHundredths(h)
}
