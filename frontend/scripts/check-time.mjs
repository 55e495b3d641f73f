// check-time: src/lib/time.js writes Shanghai dates and times by arithmetic in zh-CN and English (no
// Intl.DateTimeFormat with a time zone on a page's first render, issue #17); this holds that output to Intl's
// own, every 7 h 13 min from 1995 to 2040. Run by scripts/test.sh.
import { formatDate, formatDateTime } from '../src/lib/time.js'

const zone = { timeZone: 'Asia/Shanghai' }
const dateOpts = { ...zone, year: 'numeric', month: '2-digit', day: '2-digit' }
const timeOpts = { ...dateOpts, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
let checked = 0
const bad = []
for (let t = Date.UTC(1995, 0, 1); t < Date.UTC(2040, 0, 1); t += (7 * 60 + 13) * 60 * 1000) {
  const iso = new Date(t).toISOString()
  for (const locale of ['zh-CN', 'en']) {
    checked++
    const pairs = [
      [formatDateTime(iso, locale), new Intl.DateTimeFormat(locale, timeOpts).format(t)],
      [formatDate(iso, locale), new Intl.DateTimeFormat(locale, dateOpts).format(t)],
    ]
    for (const [ours, intl] of pairs) if (ours !== intl) bad.push(`${iso} ${locale}: ${JSON.stringify(ours)}, Intl ${JSON.stringify(intl)}`)
  }
}
if (bad.length) {
  console.error(`check-time: ${bad.length} of ${checked} differ from Intl:\n  ${bad.slice(0, 10).join('\n  ')}`)
  process.exit(1)
}
console.log(`check-time: ${checked} dates and times as Intl writes them`)
