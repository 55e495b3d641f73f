// Contracts and delivery (SPEC §7.5–7.6): milestones, reports, payments, evaluations.
import { allPages, api, download, upload } from './client'
import { i18n } from '@/i18n'

const e = encodeURIComponent
const m = (id, mid) => `/contracts/${e(id)}/milestones/${e(mid)}`

/** listContracts takes {tender_id, org_id, status, limit, cursor}. */
export const listContracts = (query) => api.get('/contracts', query)
export const getContract = (id) => api.get(`/contracts/${e(id)}`)
export const setMilestones = (id, body) => api.put(`/contracts/${e(id)}/milestones`, body)
export const uploadContractDocument = (id, file, onProgress) => upload(`/contracts/${e(id)}/documents`, file, onProgress)
/** signContract takes {document_id, signed_on}. */
export const signContract = (id, body) => api.post(`/contracts/${e(id)}/sign`, body, { idempotent: true })
export const suspendContract = (id, reason) => api.post(`/contracts/${e(id)}/suspend`, { reason })
export const reinstateContract = (id) => api.post(`/contracts/${e(id)}/reinstate`, {})
export const terminateContract = (id, reason) => api.post(`/contracts/${e(id)}/terminate`, { reason })
export const uploadReportDocument = (id, mid, file, onProgress) => upload(`${m(id, mid)}/documents`, file, onProgress)
/** submitReport takes {text, document_ids, service_record}. */
export const submitReport = (id, mid, body) => api.post(`${m(id, mid)}/report`, body, { idempotent: true })
export const acceptReport = (id, mid) => api.post(`${m(id, mid)}/accept`, {})
export const returnReport = (id, mid, reason) => api.post(`${m(id, mid)}/return`, { reason })
/** addPayment takes {milestone_id, amount_fen, paid_at, document_id}. */
export const addPayment = (id, body) => api.post(`/contracts/${e(id)}/payments`, body, { idempotent: true })
/** drawEvaluationPanel takes {size} to draw, or {evaluator_ids, reason} to name the panel (a public red flag); {} draws 3. */
export const drawEvaluationPanel = (id, mid, body = {}) => api.post(`${m(id, mid)}/panel`, body)
export const getEvaluationPanel = (id, mid) => api.get(`${m(id, mid)}/panel`)
export const declareEvaluation = (id, mid, body) => api.post(`${m(id, mid)}/declaration`, body)
export const putEvaluationScores = (id, mid, scores) => api.put(`${m(id, mid)}/scores`, { scores })
/** listEvaluationScores reads every page of the scores the caller may see. */
export const listEvaluationScores = (id, mid) => allPages((q) => api.get(`${m(id, mid)}/scores`, q))
export const submitEvaluationScores = (id, mid) => api.post(`${m(id, mid)}/scores/submit`)
export const getEvaluation = (id, mid) => api.get(`${m(id, mid)}/evaluation`)
export const contractFeedback = (id, body) => api.post(`/public/contracts/${e(id)}/feedback`, body)
/**
 * downloadLedger saves the contract ledger (合同台账) of a year, optionally of one funding source, under
 * filename (a name in the UI's language), its sheets and headings in the UI's language (?lang=).
 */
export const downloadLedger = (year, filename, fundingSource) =>
  download(
    `/contracts/ledger.xlsx?year=${e(year)}&lang=${e(i18n.global.locale.value)}${fundingSource ? `&funding_source=${e(fundingSource)}` : ''}`,
    filename,
    { own: true },
  )
/** listMyContractPanels lists the evaluator's contract evaluations, paged: {limit, cursor}. */
export const listMyContractPanels = (query) => api.get('/me/contract-panels', query)
