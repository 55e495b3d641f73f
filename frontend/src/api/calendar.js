// The working-day calendar deadlines are counted on.
import { api } from './client'

export const getCalendar = (year) => api.get(`/calendar/${encodeURIComponent(year)}`)
export const saveCalendar = (year, body) => api.put(`/calendar/${encodeURIComponent(year)}`, body)
