// The panel, declarations, score sheets, the evaluation and the recommendation (SPEC §5).
import { allPages, api, download } from './client'
import { i18n } from '@/i18n'

const e = encodeURIComponent

export const getPanel = (tenderId) => api.get(`/tenders/${e(tenderId)}/panel`)
/** drawPanel takes {size} for a random draw or {evaluator_ids} for a pick. */
export const drawPanel = (tenderId, body) => api.post(`/tenders/${e(tenderId)}/panel`, body, { idempotent: true })
/** listMyPanels is one page ({limit, cursor}); allMyPanels every panel. */
export const listMyPanels = (query) => api.get('/me/panels', query)
export const allMyPanels = () => allPages(listMyPanels)
export const declare = (tenderId, body) => api.post(`/tenders/${e(tenderId)}/declaration`, body)

/** listScores reads every page of the score sheet(s) the caller may see. */
export const listScores = (tenderId) => allPages((q) => api.get(`/tenders/${e(tenderId)}/scores`, q))
export const saveScores = (tenderId, bidId, scores) => api.put(`/tenders/${e(tenderId)}/bids/${e(bidId)}/scores`, { scores })
export const submitScores = (tenderId) => api.post(`/tenders/${e(tenderId)}/scores/submit`, {}, { idempotent: true })

// lotId: the lot (标包) of a tender in lots (§7.4); '' for a tender without lots.
const lotQuery = (lotId) => (lotId ? { lot_id: lotId } : undefined)
export const getEvaluation = (tenderId, lotId = '') => api.get(`/tenders/${e(tenderId)}/evaluation`, lotQuery(lotId))
/** getRecommendation computes the recommendation once: for a claim with several claimants it runs the public draw. */
export const getRecommendation = (tenderId, lotId = '') => api.get(`/tenders/${e(tenderId)}/recommendation`, lotQuery(lotId))
/** downloadEvaluationXlsx saves the 评分汇总表 under filename, its sheets and headings in the UI's language (?lang=). */
export const downloadEvaluationXlsx = (tenderId, filename, lotId = '') =>
  download(`/tenders/${e(tenderId)}/evaluation.xlsx?lang=${e(i18n.global.locale.value)}${lotId ? `&lot_id=${e(lotId)}` : ''}`, filename, { own: true })
