// Every time is shown in Asia/Shanghai, whatever the browser's zone. China has
// had no daylight saving since 1991, so the offset is a constant +08:00.

export const TIME_ZONE = 'Asia/Shanghai'
const OFFSET = '+08:00'

const cache = new Map()
function fmt(locale, opts) {
  const k = locale + JSON.stringify(opts)
  if (!cache.has(k)) cache.set(k, new Intl.DateTimeFormat(locale, { timeZone: TIME_ZONE, ...opts }))
  return cache.get(k)
}

// shanghaiParts are the wall-clock fields in Shanghai of a time, by arithmetic on the constant offset.
function shanghaiParts(d) {
  const s = new Date(d.getTime() + 8 * 3600 * 1000)
  const p2 = (n) => String(n).padStart(2, '0')
  return { y: String(s.getUTCFullYear()).padStart(4, '0'), m: p2(s.getUTCMonth() + 1), d: p2(s.getUTCDate()), hh: p2(s.getUTCHours()), mm: p2(s.getUTCMinutes()) }
}

/** formatDateTime shows "2026/12/08 10:00" in Shanghai time. */
export function formatDateTime(v, locale = 'zh-CN') {
  if (!v) return '—'
  const d = new Date(v)
  if (Number.isNaN(d.getTime())) return String(v)
  // In the portal's two languages written as Intl writes it, without a formatter: the first Intl.DateTimeFormat
  // with a time zone loads ICU's zone data, a long task on a phone (issue #17, total blocking time).
  if (locale === 'zh-CN' || locale === 'en') {
    const p = shanghaiParts(d)
    return locale === 'en' ? `${p.m}/${p.d}/${p.y}, ${p.hh}:${p.mm}` : `${p.y}/${p.m}/${p.d} ${p.hh}:${p.mm}`
  }
  return fmt(locale, {
    year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).format(d)
}

/** formatDate shows a calendar date; "2027-01-01" stays that date. */
export function formatDate(v, locale = 'zh-CN') {
  if (!v) return '—'
  const s = String(v)
  // A calendar date in the two languages the portal speaks needs no time zone: written as Intl writes it, without
  // building a formatter (the first Intl.DateTimeFormat with a time zone loads ICU's zone data, ~18 ms on a fast
  // desktop, several times that on a phone, and the tender page's first screen shows a service period).
  const ymd = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s)
  if (ymd && (locale === 'zh-CN' || locale === 'en')) return locale === 'en' ? `${ymd[2]}/${ymd[3]}/${ymd[1]}` : `${ymd[1]}/${ymd[2]}/${ymd[3]}`
  const d = ymd ? new Date(`${s}T00:00:00${OFFSET}`) : new Date(s)
  if (Number.isNaN(d.getTime())) return s
  if (locale === 'zh-CN' || locale === 'en') {
    const p = shanghaiParts(d)
    return locale === 'en' ? `${p.m}/${p.d}/${p.y}` : `${p.y}/${p.m}/${p.d}`
  }
  return fmt(locale, { year: 'numeric', month: '2-digit', day: '2-digit' }).format(d)
}

/** shanghaiYear is the year in Shanghai at ms (default now), by arithmetic on the constant offset: no
 * Intl.DateTimeFormat with a time zone, whose first use loads ICU's zone data (the project list's first render,
 * issue #17). */
export function shanghaiYear(ms = Date.now()) {
  return new Date(ms + 8 * 3600 * 1000).getUTCFullYear()
}

/** toShanghaiLocal turns an RFC 3339 time into "YYYY-MM-DDTHH:mm:ss" wall-clock time in Shanghai, for pickers. */
export function toShanghaiLocal(v) {
  if (!v) return ''
  const d = new Date(v)
  if (Number.isNaN(d.getTime())) return ''
  const parts = Object.fromEntries(
    fmt('en-CA', {
      year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
    }).formatToParts(d).map((p) => [p.type, p.value]),
  )
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`
}

/** fromShanghaiLocal turns picker wall-clock "YYYY-MM-DDTHH:mm:ss" (Shanghai) into RFC 3339. */
export function fromShanghaiLocal(s) {
  if (!s) return null
  return `${s.length === 16 ? `${s}:00` : s}${OFFSET}`
}

// serverOffset is server time minus browser time, learnt from the Date header
// of API responses, so countdowns follow the portal's clock, not the PC's.
let serverOffset = 0
export function learnServerDate(header) {
  if (!header) return
  const t = Date.parse(header)
  if (!Number.isNaN(t)) serverOffset = t - Date.now()
}
export function serverNow() {
  return Date.now() + serverOffset
}
