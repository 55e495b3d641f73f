// The catalogue of purchasable services.
import { api } from './client'

export const listCatalog = (query) => api.get('/catalog', query)
export const createCatalogItem = (body) => api.post('/catalog', body)
export const updateCatalogItem = (id, body) => api.patch(`/catalog/${encodeURIComponent(id)}`, body)
