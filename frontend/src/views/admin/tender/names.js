// Names of bids and organizations on the tender management page: from the
// staff's bid list, else from the opening record.

/** bidName is the organization behind bidId, or the id. */
export const bidName = (bids, opening, bidId) =>
  bids.find((b) => b.id === bidId)?.org_name || opening?.bids?.find((b) => b.bid_id === bidId)?.org_name || bidId

/** orgName is the name of orgId, or ''. */
export const orgName = (bids, opening, orgId) =>
  bids.find((b) => b.org_id === orgId)?.org_name || opening?.bids?.find((b) => b.org_id === orgId)?.org_name || ''

/** answerOf is a question's answer text, whatever shape the API gave it. */
export const answerOf = (q) => q.answer?.text || q.answer_text || (typeof q.answer === 'string' ? q.answer : '')
