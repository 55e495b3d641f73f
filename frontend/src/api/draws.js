// Verifiable draws (SPEC §8.4): published after the award.
import { api } from './client'

export const getDraws = (tenderId) => api.get(`/tenders/${encodeURIComponent(tenderId)}/draws`)
