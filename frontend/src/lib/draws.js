// Recomputes the portal's draws in the browser (SPEC §8.4), with Web Crypto
// only: H(x) is the lowercase hex SHA-256 of the UTF-8 string x.

export async function h(s) {
  const buf = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(s))
  return [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

async function order(seed, ids) {
  const keyed = await Promise.all((ids || []).map(async (id) => [await h(`${seed}|${id}`), id]))
  keyed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
  return keyed.map((k) => k[1])
}

/** chosenFor returns whom the draw must have chosen: the preferred in draw order, then the others. */
export async function chosenFor(r, openingSha, d) {
  const seed = await h(`${r}|${openingSha}|${d.purpose}|${d.n}`)
  const all = [...(await order(seed, d.preferred)), ...(await order(seed, d.others))]
  return all.slice(0, (d.chosen || []).length)
}

/**
 * verifyDraws checks a GET /tenders/{id}/draws record against the commitment
 * shown since publication and the opening record's hash.
 */
export async function verifyDraws(record, commitment, openingSha) {
  const commitmentOk = (await h(record.r)) === commitment && record.draw_commitment === commitment
  const openingOk = record.opening_sha256 === openingSha
  const draws = []
  for (const d of record.draws || []) {
    const want = await chosenFor(record.r, record.opening_sha256, d)
    draws.push({ ...d, expected: want, ok: want.join(',') === (d.chosen || []).join(',') })
  }
  return { commitmentOk, openingOk, draws, ok: commitmentOk && openingOk && draws.every((d) => d.ok) }
}
