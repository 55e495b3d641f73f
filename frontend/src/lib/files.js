// What the portal accepts as a document; the server has the final word (413/415).

export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024

export const ALLOWED_EXT = ['pdf', 'doc', 'docx', 'xls', 'xlsx', 'jpg', 'jpeg', 'png', 'zip']

export const ACCEPT = ALLOWED_EXT.map((e) => `.${e}`).join(',')

/** checkFile returns null when file may be uploaded, else {key, params} for an i18n message. */
export function checkFile(file, maxBytes = MAX_UPLOAD_BYTES) {
  const ext = (file.name.split('.').pop() || '').toLowerCase()
  if (!file.name.includes('.') || !ALLOWED_EXT.includes(ext)) {
    return { key: 'upload.badType', params: { name: file.name, types: ALLOWED_EXT.join(', ') } }
  }
  if (file.size > maxBytes) {
    return { key: 'upload.tooLarge', params: { name: file.name, max: formatBytes(maxBytes) } }
  }
  if (file.size === 0) return { key: 'upload.empty', params: { name: file.name } }
  return null
}

/** formatBytes shows 1536 as "1.5 KB". */
export function formatBytes(n) {
  if (n === null || n === undefined) return '—'
  const units = ['B', 'KB', 'MB', 'GB']
  let v = Number(n)
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`
}

/** saveBlob offers blob as a download named filename. */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

/** filenameFromDisposition reads RFC 6266 filename* (UTF-8) or filename. */
export function filenameFromDisposition(h, fallback) {
  if (!h) return fallback
  const star = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(h)
  if (star) {
    try {
      return decodeURIComponent(star[2].trim().replace(/^"|"$/g, ''))
    } catch {
      /* fall through to the plain parameter */
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(h)
  return plain ? plain[1] : fallback
}
