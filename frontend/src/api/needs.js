// Communities' needs (SPEC §7.2).
import { api } from './client'

const e = encodeURIComponent

export const listNeeds = (query) => api.get('/needs', query)
export const getNeed = (id) => api.get(`/needs/${e(id)}`)
export const reportNeed = (body) => api.post('/needs', body, { idempotent: true })
export const acceptNeed = (id) => api.post(`/needs/${e(id)}/accept`, {})
export const declineNeed = (id, reason) => api.post(`/needs/${e(id)}/decline`, { reason })
