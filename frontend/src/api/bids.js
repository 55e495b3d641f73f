// Bids: the organization's own, and the opened ones staff qualify (SPEC §4).
import { BASE, allPages, api, upload } from './client'

const e = encodeURIComponent

/** listTenderBids follows next_cursor: every bid of the tender the caller may see. */
export const listTenderBids = (tenderId) => allPages((q) => api.get(`/tenders/${e(tenderId)}/bids`, q))
export const listMyBids = (query) => api.get('/me/bids', query)
/** allMyBids follows next_cursor: every bid of the caller's organization. */
export const allMyBids = () => allPages((q) => listMyBids(q))
export const createBid = (tenderId, body) => api.post(`/tenders/${e(tenderId)}/bids`, body, { idempotent: true })
export const getBid = (id) => api.get(`/bids/${e(id)}`)
export const updateBid = (id, body) => api.patch(`/bids/${e(id)}`, body)
export const submitBid = (id) => api.post(`/bids/${e(id)}/submit`, {}, { idempotent: true })
export const withdrawBid = (id) => api.post(`/bids/${e(id)}/withdraw`, {}, { idempotent: true })
export const qualifyBid = (id, qualified, reason) => api.post(`/bids/${e(id)}/qualify`, { qualified, reason })

export const listBidDocuments = (id) => allPages((q) => api.get(`/bids/${e(id)}/documents`, q))
export const uploadBidDocument = (id, file, onProgress) => upload(`/bids/${e(id)}/documents`, file, onProgress)

/** receiptKeyURL is the public key receipts are signed with, for a plain link. */
export const receiptKeyURL = `${BASE}/keys/receipts`
