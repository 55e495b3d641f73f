// Organizations: registration, the public directory and staff review.
import { api } from './client'

const e = encodeURIComponent

export const registerOrganization = (body) => api.post('/organizations/register', body, { auth: false, idempotent: true })
export const listPublicOrganizations = (query) => api.get('/public/organizations', query)
export const getPublicOrganization = (id) => api.get(`/public/organizations/${e(id)}`)

export const listOrganizations = (query) => api.get('/organizations', query)
export const getOrganization = (id) => api.get(`/organizations/${e(id)}`)
export const updateOrganization = (id, body) => api.patch(`/organizations/${e(id)}`, body)
/** reviewOrganization runs approve, reject or suspend (reject and suspend take {reason}). */
export const reviewOrganization = (id, verb, body = {}) => api.post(`/organizations/${e(id)}/${verb}`, body)
