// Awards, objections against them and performance ratings (SPEC §5–§6).
import { allPages, api } from './client'

const e = encodeURIComponent

/** listAwards and listObjections follow next_cursor: every award and objection of the tender. */
export const listAwards = (tenderId) => allPages((q) => api.get(`/tenders/${e(tenderId)}/awards`, q))
/** awardTender takes {bid_ids, publicity_ends_at, reason}; lotId names the lot of a tender in lots (§7.4). */
export const awardTender = (tenderId, body, lotId = '') =>
  api.post(`/tenders/${e(tenderId)}/award`, body, { idempotent: true, query: lotId ? { lot_id: lotId } : undefined })
export const ratePerformance = (awardId, body) => api.post(`/awards/${e(awardId)}/performance`, body)

export const listObjections = (tenderId) => allPages((q) => api.get(`/tenders/${e(tenderId)}/objections`, q))
export const fileObjection = (tenderId, text) => api.post(`/tenders/${e(tenderId)}/objections`, { text }, { idempotent: true })
export const resolveObjection = (id, body) => api.post(`/objections/${e(id)}/resolve`, body)
