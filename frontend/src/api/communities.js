// Communities and their 四社联动 indicators (SPEC §7.1).
import { allPages, api } from './client'

const e = encodeURIComponent

export const listCommunities = (query) => api.get('/communities', query)
export const getCommunity = (id) => api.get(`/communities/${e(id)}`)
export const getIndicators = (id) => api.get(`/communities/${e(id)}/indicators`)
export const createCommunity = (body) => api.post('/communities', body)
export const updateCommunity = (id, body) => api.patch(`/communities/${e(id)}`, body)

/** allCommunities pages through the whole registry (a county has a few hundred at most). */
export const allCommunities = async () => (await allPages(listCommunities)).items
