import { defineStore } from 'pinia'
import { login as apiLogin, logout as apiLogout, refreshSession } from '@/api/auth'

const STORAGE_KEY = 'portal.auth'

function load() {
  try {
    return JSON.parse(localStorage.getItem(STORAGE_KEY)) || {}
  } catch {
    return {}
  }
}

// refreshing is shared so that parallel 401s spend the (rotating) refresh token once.
let refreshing = null

/** useAuthStore holds the session; it is mirrored to localStorage (see main.js). */
export const useAuthStore = defineStore('auth', {
  state: () => {
    const s = load()
    return {
      accessToken: s.accessToken || '',
      refreshToken: s.refreshToken || '',
      user: s.user || null,
    }
  },
  getters: {
    loggedIn: (s) => !!s.accessToken && !!s.user,
    role: (s) => s.user?.role || '',
  },
  actions: {
    persist() {
      localStorage.setItem(
        STORAGE_KEY,
        JSON.stringify({ accessToken: this.accessToken, refreshToken: this.refreshToken, user: this.user }),
      )
    },
    setSession(data) {
      this.accessToken = data.access_token
      if (data.refresh_token) this.refreshToken = data.refresh_token
      if (data.user) this.user = data.user
    },
    clear() {
      this.accessToken = ''
      this.refreshToken = ''
      this.user = null
    },
    async login(username, password) {
      const data = await apiLogin(username, password)
      this.setSession(data)
      return data.user
    },
    /** refresh trades the refresh token for a new pair once; false when the session is gone. */
    refresh() {
      if (!this.refreshToken) return Promise.resolve(false)
      if (!refreshing) {
        const token = this.refreshToken
        refreshing = refreshSession(token)
          .then((data) => {
            if (!data) return false
            this.setSession(data)
            return true
          })
          .catch(() => false)
          .finally(() => {
            refreshing = null
          })
      }
      return refreshing
    },
    async logout() {
      try {
        if (this.accessToken) await apiLogout(this.refreshToken)
      } catch {
        /* the token may be expired already; forgetting it locally is what matters */
      }
      this.clear()
    },
  },
})
