// Unified social credit code (统一社会信用代码), GB 32100-2015.

const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

/** usccCheckChar returns the check character for the first 17 characters, or null. */
export function usccCheckChar(first17) {
  let sum = 0
  for (let i = 0; i < 17; i++) {
    const v = CHARSET.indexOf(first17[i])
    if (v < 0) return null
    sum += v * WEIGHTS[i]
  }
  let c = 31 - (sum % 31)
  if (c === 31) c = 0
  return CHARSET[c]
}

/**
 * checkUSCC explains what is wrong with a (possibly partial) code as it is typed.
 * It returns {ok, reason, expected} where reason is an i18n key under uscc.*.
 */
export function checkUSCC(raw) {
  const code = String(raw || '').trim().toUpperCase()
  if (!code) return { ok: false, reason: 'empty' }
  for (let i = 0; i < code.length; i++) {
    if (!CHARSET.includes(code[i])) return { ok: false, reason: 'badChar', char: code[i], pos: i + 1 }
  }
  if (code.length < 18) return { ok: false, reason: 'tooShort', count: code.length }
  if (code.length > 18) return { ok: false, reason: 'tooLong', count: code.length }
  const expected = usccCheckChar(code.slice(0, 17))
  if (expected !== code[17]) return { ok: false, reason: 'badCheck', expected, got: code[17] }
  return { ok: true, reason: 'ok' }
}
