// Client-side mirror of the publish rules for criteria and panel size (SPEC §4 Tender),
// so the wizard can say what is wrong before the server does.

import { fromHundredths, toHundredths } from '@/lib/decimal'

export const PUBLIC_TENDER_FEN = 100000000

/** criteriaProblems returns i18n keys (with params) describing every broken rule. */
export function criteriaProblems(criteria, kind, method) {
  const out = []
  let sum = 0
  let bad = false
  for (const c of criteria) {
    const h = toHundredths(c.max_score)
    if (!c.name || !String(c.name).trim()) out.push({ key: 'criteria.ruleName' })
    if (h === null || h <= 0 || h % 100 !== 0 || h > 10000) bad = true
    else sum += h
  }
  if (bad) out.push({ key: 'criteria.ruleMax' })
  if (sum !== 10000) out.push({ key: 'criteria.ruleSum', params: { sum: fromHundredths(sum) } })
  const prices = criteria.filter((c) => c.kind === 'price')
  if (kind === 'venture') {
    if (prices.length) out.push({ key: 'criteria.ruleVentureNoPrice' })
  } else if (method === 'lowest_price') {
    if (prices.length !== 1 || criteria.length !== 1) out.push({ key: 'criteria.ruleLowestOnlyPrice' })
  } else if (prices.length !== 1 || (toHundredths(prices[0].max_score) ?? 0) < 1000) {
    out.push({ key: 'criteria.rulePurchasePrice' })
  }
  return out
}

/** criteriaSum is the running sum of max scores in hundredths. */
export function criteriaSum(criteria) {
  return criteria.reduce((a, c) => a + (toHundredths(c.max_score) ?? 0), 0)
}

/** panelProblem returns an i18n key when the panel size breaks 87号令 第四十七条, else null. */
export function panelProblem(size, budgetFen) {
  if (!Number.isInteger(size) || size < 3 || size % 2 === 0) return { key: 'wizard.panelOdd' }
  if (budgetFen != null && budgetFen >= PUBLIC_TENDER_FEN && size < 5) return { key: 'wizard.panelFive' }
  return null
}
