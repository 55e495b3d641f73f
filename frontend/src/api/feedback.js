// Residents' feedback on tenders and its moderation.
import { api } from './client'

const e = encodeURIComponent

export const sendTenderFeedback = (tenderId, body) => api.post(`/public/tenders/${e(tenderId)}/feedback`, body, { auth: false })
export const listFeedback = (query) => api.get('/feedback', query)
/** moderateFeedback runs a moderation verb (approve, hide…) on one entry. */
export const moderateFeedback = (id, verb) => api.post(`/feedback/${e(id)}/${verb}`, {})
