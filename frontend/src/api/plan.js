// The yearly list of purchasable services (购买服务项目清单, SPEC §7.2).
import { api } from './client'

const e = encodeURIComponent

export const getProjectList = (query) => api.get('/project-list', query)
export const getPlanItem = (id) => api.get(`/project-list/items/${e(id)}`)
export const createPlanItem = (body) => api.post('/project-list/items', body, { idempotent: true })
export const updatePlanItem = (id, body) => api.patch(`/project-list/items/${e(id)}`, body)
export const publishPlanItem = (id) => api.post(`/project-list/items/${e(id)}/publish`, {})
export const dropPlanItem = (id, reason) => api.post(`/project-list/items/${e(id)}/drop`, { reason })
export const tenderFromItem = (id) => api.post(`/project-list/items/${e(id)}/tender`, {}, { idempotent: true })
