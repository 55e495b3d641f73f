// The catalogue of purchasable services.
import { allPages, api } from './client'

/** listCatalog follows next_cursor: every item (query: {all} for the bureau's inactive ones too). */
export const listCatalog = ({ all } = {}) => allPages((q) => api.get('/catalog', { ...q, all }))
export const createCatalogItem = (body) => api.post('/catalog', body)
export const updateCatalogItem = (id, body) => api.patch(`/catalog/${encodeURIComponent(id)}`, body)
