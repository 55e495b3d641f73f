// Staff and evaluator accounts.
import { api } from './client'

export const listUsers = (query) => api.get('/users', query)
export const createUser = (body) => api.post('/users', body)
export const updateUser = (id, body) => api.patch(`/users/${encodeURIComponent(id)}`, body)
