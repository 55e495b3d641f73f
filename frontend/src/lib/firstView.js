// What the portal wrote into index.html for this address before any script ran (handlers/firstview.go): on a
// public tender's page, the tender's title, code and description, painted with the first paint (issue #17: the
// description is the page's largest text). The app mounts over it; until the tender's data arrives the page
// shows the same text from here (TenderDetail.vue), so nothing flashes and nothing is shown twice.

let found = null

/** captureFirstView reads the server's first screen out of #app; main.js calls it before mounting. */
export function captureFirstView() {
  const el = document.querySelector('#app [data-first-view]')
  if (!el) return null
  const text = (sel) => el.querySelector(sel)?.textContent || ''
  found = {
    kind: el.getAttribute('data-first-view'),
    id: el.getAttribute('data-id'),
    title: text('[data-first-view-title]'),
    code: text('[data-first-view-code]'),
    description: text('[data-first-view-description]'),
  }
  return found
}

/** takeFirstView gives the page of that kind and id what the server wrote, once. */
export function takeFirstView(kind, id) {
  const f = found
  if (!f || f.kind !== kind || f.id !== String(id).toLowerCase()) return null
  found = null
  return f
}
