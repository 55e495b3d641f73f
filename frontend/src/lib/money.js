// Money in the API is integer fen; the UI shows and takes 元 with two decimals.
// Conversions are string arithmetic so that no float rounding can creep in.

const YUAN_RE = /^\s*(\d{1,13})(?:\.(\d{0,2}))?\s*$/

/**
 * yuanToFen parses a 元 amount typed by a person ("1,234.5", "300000", "0.07")
 * into integer fen. It returns null for anything that is not a non-negative
 * amount with at most two decimals.
 */
export function yuanToFen(input) {
  if (input === null || input === undefined) return null
  const s = String(input).replace(/[,，\s]/g, '')
  const m = YUAN_RE.exec(s)
  if (!m) return null
  const whole = m[1]
  const frac = (m[2] || '').padEnd(2, '0')
  const digits = (whole + frac).replace(/^0+(?=\d)/, '')
  const n = Number(digits)
  return Number.isSafeInteger(n) ? n : null
}

/** fenToYuanPlain renders integer fen as "1234.50" (no grouping), for form inputs. */
export function fenToYuanPlain(fen) {
  if (fen === null || fen === undefined || fen === '') return ''
  let s = String(Math.trunc(Number(fen)))
  let neg = false
  if (s.startsWith('-')) {
    neg = true
    s = s.slice(1)
  }
  s = s.padStart(3, '0')
  return `${neg ? '-' : ''}${s.slice(0, -2)}.${s.slice(-2)}`
}

/** formatFen renders integer fen as "1,234.50" (grouped, two decimals). */
export function formatFen(fen) {
  if (fen === null || fen === undefined || fen === '') return '—'
  const plain = fenToYuanPlain(fen)
  const [whole, frac] = plain.split('.')
  const neg = whole.startsWith('-')
  const digits = neg ? whole.slice(1) : whole
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${neg ? '-' : ''}${grouped}.${frac}`
}

/** isYuanInput reports whether s is acceptable while typing (may be incomplete). */
export function isYuanTyping(s) {
  return /^\d*(\.\d{0,2})?$/.test(String(s).replace(/[,，]/g, ''))
}
