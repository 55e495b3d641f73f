// Stored documents of tenders and bids.
import { BASE, api, download } from './client'

const e = encodeURIComponent

/** documentURL is the plain link to a public document's content. */
export const documentURL = (id) => `${BASE}/documents/${e(id)}/content`
export const downloadDocument = (id, filename) => download(`/documents/${e(id)}/content`, filename)
export const deleteDocument = (id) => api.del(`/documents/${e(id)}`)
