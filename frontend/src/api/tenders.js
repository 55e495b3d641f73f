// Tenders, their notice documents, questions and opening record (SPEC §3–§4).
import { allPages, api, upload } from './client'

const e = encodeURIComponent

export const listTenders = (query) => api.get('/tenders', query)
export const getTender = (id) => api.get(`/tenders/${e(id)}`)
export const createTender = (body) => api.post('/tenders', body, { idempotent: true })
export const updateTender = (id, body) => api.patch(`/tenders/${e(id)}`, body)
export const publishTender = (id) => api.post(`/tenders/${e(id)}/publish`, {}, { idempotent: true })
export const cancelTender = (id, reason) => api.post(`/tenders/${e(id)}/cancel`, { reason }, { idempotent: true })

/** listTenderDocuments follows next_cursor: every notice document. */
export const listTenderDocuments = (id) => allPages((q) => api.get(`/tenders/${e(id)}/documents`, q))
export const uploadTenderDocument = (id, file, onProgress) => upload(`/tenders/${e(id)}/documents`, file, onProgress)

/** listQuestions follows next_cursor: every question the caller may see. */
export const listQuestions = (id) => allPages((q) => api.get(`/tenders/${e(id)}/questions`, q))
export const askQuestion = (id, text) => api.post(`/tenders/${e(id)}/questions`, { text })
export const answerQuestion = (questionId, text) => api.post(`/questions/${e(questionId)}/answer`, { text })

export const getOpening = (id) => api.get(`/tenders/${e(id)}/opening`)
