// Small readers that keep the views tolerant of list envelopes and nesting.

/** items returns x if it is an array, else x.items, else []. */
export function items(x) {
  if (Array.isArray(x)) return x
  if (x && Array.isArray(x.items)) return x.items
  return []
}

/** criteriaOf returns the tender's criteria wherever the body keeps them. */
export function criteriaOf(t) {
  return t?.evaluation?.criteria || t?.criteria || []
}

/** methodOf returns the evaluation method. */
export function methodOf(t) {
  return t?.evaluation?.method || t?.method || 'comprehensive'
}

/** flagCode reads a red flag given as a string or as {code, message}. */
export function flagCode(f) {
  return typeof f === 'string' ? f : f?.code || f?.type || ''
}

/** quiet runs a request whose failure only means "not available yet". */
export async function quiet(p, fallback = null) {
  try {
    return await p
  } catch {
    return fallback
  }
}
