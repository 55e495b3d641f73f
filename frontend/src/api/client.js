// The one way the UI talks to /api/v1: bearer token, one refresh on 401,
// problem+json errors turned into ApiError.

import { useAuthStore } from '@/stores/auth'
import { learnServerDate } from '@/lib/time'
import { newKey } from '@/lib/ids'
import { filenameFromDisposition, saveBlob } from '@/lib/files'

export const BASE = '/api/v1'

/** ApiError is a failed API call: the RFC 9457 problem plus the HTTP status. */
export class ApiError extends Error {
  constructor(status, problem = {}) {
    super(problem.detail || problem.title || `HTTP ${status}`)
    this.status = status
    this.code = problem.code || codeForStatus(status)
    this.key = problem.key || ''
    this.title = problem.title || ''
    this.detail = problem.detail || ''
    this.errors = Array.isArray(problem.errors) ? problem.errors : []
  }
}

function codeForStatus(status) {
  return (
    {
      400: 'invalid_json', 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found',
      409: 'conflict', 413: 'payload_too_large', 415: 'unsupported_media_type',
      422: 'validation_failed', 429: 'rate_limited', 503: 'storage_unavailable',
    }[status] || (status === 0 ? 'network' : 'internal')
  )
}

let onUnauthorized = () => {}
/** setUnauthorizedHandler installs what happens when a session cannot be refreshed (go to login). */
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn
}

function buildURL(path, query) {
  const url = new URL(BASE + path, window.location.origin)
  if (query) {
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null || v === '') continue
      if (Array.isArray(v)) v.forEach((x) => url.searchParams.append(k, x))
      else url.searchParams.set(k, v)
    }
  }
  return url.pathname + url.search
}

async function problemOf(res) {
  const type = res.headers.get('content-type') || ''
  if (type.includes('json')) {
    try {
      return await res.json()
    } catch {
      return {}
    }
  }
  return {}
}

const isAuthPath = (path) => path.startsWith('/auth/')

/**
 * firstView takes the answer to a GET that index.html's first-view script
 * (scripts/first-view.mjs, route meta.prefetch) started for an anonymous
 * visitor while the app was loading: once, and only in the first 30 s, so a
 * later visit to the same page asks afresh.
 */
function firstView(url) {
  const fv = window.__portalFirstView
  const res = fv?.api?.[url]
  if (!res) return null
  delete fv.api[url]
  return Date.now() - fv.t < 30_000 ? res : null
}

async function send(method, path, { body, query, headers = {}, form, auth = true }) {
  const store = useAuthStore()
  const h = { Accept: 'application/json, application/problem+json', ...headers }
  if (auth && store.accessToken) h.Authorization = `Bearer ${store.accessToken}`
  let payload
  if (form) payload = form
  else if (body !== undefined) {
    h['Content-Type'] = 'application/json'
    payload = JSON.stringify(body)
  }
  const url = buildURL(path, query)
  let res
  try {
    res = await ((method === 'GET' && !h.Authorization && firstView(url)) || fetch(url, { method, headers: h, body: payload }))
  } catch {
    throw new ApiError(0, { code: 'network' })
  }
  learnServerDate(res.headers.get('date'))
  return res
}

/**
 * request calls the API and returns the parsed JSON (null for 204). Options:
 * body (JSON), query, form (FormData), idempotent (adds an Idempotency-Key that
 * survives the refresh retry), raw (return the Response).
 */
export async function request(method, path, opts = {}) {
  const store = useAuthStore()
  const headers = { ...(opts.headers || {}) }
  if (opts.idempotent) headers['Idempotency-Key'] = newKey()
  const o = { ...opts, headers }
  let res = await send(method, path, o)
  if (res.status === 401 && !isAuthPath(path) && store.accessToken) {
    if (await store.refresh()) res = await send(method, path, o)
    if (res.status === 401) {
      store.clear()
      onUnauthorized()
    }
  }
  if (!res.ok) throw new ApiError(res.status, await problemOf(res))
  if (opts.raw) return res
  if (res.status === 204) return null
  const type = res.headers.get('content-type') || ''
  return type.includes('json') ? res.json() : res.text()
}

export const api = {
  get: (path, query, opts) => request('GET', path, { ...opts, query }),
  post: (path, body, opts) => request('POST', path, { ...opts, body }),
  patch: (path, body, opts) => request('PATCH', path, { ...opts, body }),
  put: (path, body, opts) => request('PUT', path, { ...opts, body }),
  del: (path, opts) => request('DELETE', path, opts),
}

/**
 * allPages follows a `{items, next_cursor}` list to its end, 100 items a
 * request, and returns `{items, next_cursor: null}` with every item: for the
 * short lists of one object (a tender's bids, questions, awards) that a page
 * shows whole. fetchPage(query) fetches one page.
 */
export async function allPages(fetchPage) {
  const out = []
  let cursor
  for (;;) {
    const page = await fetchPage({ limit: 100, cursor })
    out.push(...(page?.items || []))
    if (!page?.next_cursor) return { items: out, next_cursor: null }
    cursor = page.next_cursor
  }
}

/**
 * download fetches an authenticated file and offers it to the user under its server name, or under
 * fallbackName when the server gives none — or always, with { own: true }, for a name in the UI's language.
 */
export async function download(path, fallbackName, { own = false } = {}) {
  const res = await request('GET', path, { raw: true })
  const name = own ? fallbackName : filenameFromDisposition(res.headers.get('content-disposition'), fallbackName)
  saveBlob(await res.blob(), name)
}

function xhrUpload(path, file, onProgress) {
  const store = useAuthStore()
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', buildURL(path))
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json')
    if (store.accessToken) xhr.setRequestHeader('Authorization', `Bearer ${store.accessToken}`)
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && onProgress) onProgress(Math.round((e.loaded / e.total) * 100))
    }
    xhr.onload = () => resolve(xhr)
    xhr.onerror = () => resolve(xhr)
    const fd = new FormData()
    // The size first: the portal then refuses a file over the limit before it
    // is sent on, and stores it with one PUT of known size.
    fd.append('size', String(file.size))
    fd.append('file', file, file.name)
    xhr.send(fd)
  })
}

function parseXHR(xhr) {
  try {
    return JSON.parse(xhr.responseText)
  } catch {
    return {}
  }
}

/** upload sends file as multipart field "file" after its size (field "size"), reporting progress 0–100. */
export async function upload(path, file, onProgress) {
  const store = useAuthStore()
  let xhr = await xhrUpload(path, file, onProgress)
  if (xhr.status === 401 && store.accessToken) {
    if (await store.refresh()) xhr = await xhrUpload(path, file, onProgress)
    if (xhr.status === 401) {
      store.clear()
      onUnauthorized()
    }
  }
  learnServerDate(xhr.getResponseHeader('date'))
  if (xhr.status < 200 || xhr.status >= 300) throw new ApiError(xhr.status, parseXHR(xhr))
  return parseXHR(xhr)
}
