// Procurement procedures and their legal basis (SPEC §7.3).
import { api } from './client'

export const listProcedures = () => api.get('/procedures', { limit: 100 })
