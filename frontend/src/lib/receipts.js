// Receipts the portal signed at submit, kept in this browser so the bidder can
// compare them with the opening record later. The downloaded JSON file is the
// durable copy; this is a convenience.

import { saveBlob } from '@/lib/files'

const KEY = 'portal.receipts'

function all() {
  try {
    return JSON.parse(localStorage.getItem(KEY)) || {}
  } catch {
    return {}
  }
}

/** receiptField finds a field of the signed statement, whether flat or under payload/statement. */
export function receiptField(r, name) {
  if (!r || typeof r !== 'object') return undefined
  if (r[name] !== undefined) return r[name]
  for (const k of ['payload', 'statement', 'body', 'data', 'receipt']) {
    let inner = r[k]
    if (typeof inner === 'string') {
      try {
        inner = JSON.parse(inner)
      } catch {
        try {
          inner = JSON.parse(atob(inner))
        } catch {
          inner = null
        }
      }
    }
    if (inner && typeof inner === 'object' && inner[name] !== undefined) return inner[name]
  }
  return undefined
}

export function saveReceipt(bidId, receipt) {
  const m = all()
  m[bidId] = receipt
  localStorage.setItem(KEY, JSON.stringify(m))
}

export function loadReceipt(bidId) {
  return all()[bidId] || null
}

/** downloadReceipt offers the receipt as a JSON file named after the bid and version. */
export function downloadReceipt(receipt, bidId) {
  const v = receiptField(receipt, 'version')
  const blob = new Blob([JSON.stringify(receipt, null, 2)], { type: 'application/json' })
  saveBlob(blob, `receipt-${bidId}${v !== undefined ? `-v${v}` : ''}.json`)
}
