// The audit log and its hash-chain check.
import { api } from './client'

export const listAudit = (query) => api.get('/audit', query)
export const verifyAudit = () => api.get('/audit/verify')
