// Direct API calls for test setup that is not itself under test (e.g. the
// community registry a flow needs before its first page).
import { BASE } from './browser.mjs'

export async function apiLogin(username, password) {
  const r = await fetch(`${BASE}/api/v1/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }),
  })
  if (!r.ok) throw new Error(`login ${username}: ${r.status} ${await r.text()}`)
  return (await r.json()).access_token
}

export async function api(token, method, path, body) {
  const r = await fetch(`${BASE}/api/v1${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await r.text()
  return { status: r.status, body: text ? JSON.parse(text) : null }
}

/** must is api for set-up that has to succeed: it returns the body and throws with the problem otherwise. */
export async function must(token, method, path, body) {
  const r = await api(token, method, path, body)
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`)
  return r.body
}

// ensureCommunities registers the named communities (an already registered
// name is fine) and returns their ids by name.
export async function ensureCommunities(token, list) {
  const ids = {}
  for (const c of list) {
    const r = await api(token, 'POST', '/communities', { kind: 'urban', ...c })
    if (r.status === 201) {
      ids[c.name] = r.body.id
    } else if (r.status === 409) {
      const found = await api(token, 'GET', `/communities?q=${encodeURIComponent(c.name)}&limit=100`)
      ids[c.name] = found.body.items.find((x) => x.name === c.name).id
    } else {
      throw new Error(`community ${c.name}: ${r.status} ${JSON.stringify(r.body)}`)
    }
  }
  return ids
}
