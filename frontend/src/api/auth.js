// Sessions: login, refresh, logout.
import { BASE, api } from './client'

export const login = (username, password) => api.post('/auth/login', { username, password }, { auth: false })
export const logout = (refreshToken) => api.post('/auth/logout', { refresh_token: refreshToken })

/**
 * refreshSession trades a refresh token for a new pair with a bare fetch (not
 * request, which itself refreshes on 401); null when the session is gone.
 */
export async function refreshSession(refreshToken) {
  const res = await fetch(`${BASE}/auth/refresh`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ refresh_token: refreshToken }),
  })
  return res.ok ? res.json() : null
}
