// Contracts and delivery (履约), in Chinese: the award is set up through the
// API (the purchase-flow test clicks it), then the bureau signs the contract,
// the organization reports on the mid-term milestone, the bureau accepts and
// pays it, three evaluators grade it 合格, the organization reports on the
// final milestone, it is evaluated, the contract completes and the
// organization's public profile shows the grade and the community page the
// volunteer hours of the accepted service records.

import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { BASE, byId, close, confirm, download, fill, goto, inEnglish, launch, login, pollUntil, problems, stepper, provoked, radio, session, setLanguage, shot, toast } from '../lib/browser.mjs'
import { pdf, runId, uscc } from '../lib/data.mjs'
import { ensureCommunities } from '../lib/api.mjs'

const ADMIN = { username: process.env.E2E_ADMIN_USER || 'admin', password: process.env.E2E_ADMIN_PASSWORD || 'demo-pass-2026' }
const PASSWORD = 'E2e-pass-2026!'
const CATEGORY = `履约测试${runId}`
const TITLE = `兴大社区邻里互助服务（${runId}）`
const ORGS = [0, 1].map((i) => ({ name: `临沭县邻里互助服务中心${runId}${i}`, username: `lv${runId}${i}`, uscc: uscc() }))
const EXPERTS = [0, 1, 2].map((i) => ({ username: `lvzj${runId}${i}`, name: ['赵教授', '钱老师', '孙主任'][i] }))

const state = {}
const step = stepper(240_000)

// api calls the portal directly for the set-up the purchase-flow test already clicks through.
async function api(method, path, token, body) {
  const res = await fetch(`${BASE}/api/v1${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  const json = text ? JSON.parse(text) : null
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`)
  return json
}
const token = async (username, password) => (await api('POST', '/auth/login', '', { username, password })).access_token

before(async () => {
  await launch()
})
after(async () => {
  await close()
})

step('set-up through the API: a purchase tender awarded and completed, its contract drafted', async () => {
  const adm = await token(ADMIN.username, ADMIN.password)
  state.admin = adm
  // Communities are records (SPEC §7.1): the organizations' community must be registered.
  state.communityId = (await ensureCommunities(adm, [{ name: '临沭街道兴大社区', kind: 'urban' }]))['临沭街道兴大社区']
  const item = await api('POST', '/catalog', adm, { code: `LV-${runId}`, name: '邻里互助服务', category: CATEGORY, description: '', active: true })
  state.experts = {}
  for (const x of EXPERTS) {
    const u = await api('POST', '/users', adm, { username: x.username, password: PASSWORD, role: 'evaluator', name: x.name, expertise: [CATEGORY] })
    state.experts[u.id] = x.username
  }
  state.orgs = []
  for (const o of ORGS) {
    const r = await api('POST', '/organizations/register', '', {
      name: o.name, uscc: o.uscc, type: 'social_org', registration: 'registered', community: '临沭街道兴大社区',
      legal_representative: '王主任', contact_phone: '0539-6200000', staff_total: 8, social_workers: 2, username: o.username, password: PASSWORD,
    })
    await api('POST', `/organizations/${r.id}/approve`, adm, {})
    state.orgs.push({ ...o, id: r.id, token: await token(o.username, PASSWORD) })
  }
  const deadline = new Date(Date.now() + 20_000)
  const tender = await api('POST', '/tenders', adm, {
    kind: 'purchase', title: TITLE, description: '为兴大社区居民提供邻里互助服务', catalog_item_id: item.id, community: '临沭街道兴大社区',
    funding_source: 'welfare_lottery', budget_fen: 10000000, max_awards: 1, min_bids: 2, procedure: 'competitive_consultation',
    service_start: '2025-01-01', service_end: '2025-12-31',
    eligibility: { org_types: ['social_org'], registered_only: false, min_social_workers: 0 }, community_preference_pct: 0,
    evaluation: { method: 'comprehensive', panel_size: 3, trim_extremes: false, criteria: [
      { name: '服务方案', max_score: 60, kind: 'quality' }, { name: '团队', max_score: 30, kind: 'quality' }, { name: '报价', max_score: 10, kind: 'price' }] },
    enquiry_deadline: new Date(Date.now() + 10_000).toISOString(), bid_deadline: deadline.toISOString(),
  })
  state.tenderId = tender.id
  await api('POST', `/tenders/${tender.id}/publish`, adm)
  for (const [i, o] of state.orgs.entries()) {
    const b = await api('POST', `/tenders/${tender.id}/bids`, o.token, { price_fen: 9000000 + i * 500000, summary: '服务方案' })
    await api('POST', `/bids/${b.id}/submit`, o.token)
    o.bidId = b.id
  }
  // The opening timer opens 2 s (the arrival grace, tender.ArrivalGrace) after the deadline, every 500 ms.
  await new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now()) + 4_500))
  for (const o of state.orgs) await api('POST', `/bids/${o.bidId}/qualify`, adm, { qualified: true, reason: '' })
  const panel = await api('POST', `/tenders/${tender.id}/panel`, adm, { size: 3 })
  for (const m of panel.members) {
    const tok = await token(state.experts[m.evaluator_id], PASSWORD)
    await api('POST', `/tenders/${tender.id}/declaration`, tok, { conflict: false, note: '' })
    for (const [i, o] of state.orgs.entries()) {
      await api('PUT', `/tenders/${tender.id}/bids/${o.bidId}/scores`, tok, { scores: [
        { criterion_id: 'c1', score: 50 - i * 5, comment: '' }, { criterion_id: 'c2', score: 25, comment: '' }] })
    }
    await api('POST', `/tenders/${tender.id}/scores/submit`, tok)
  }
  const rec = await api('GET', `/tenders/${tender.id}/recommendation`, adm)
  await api('POST', `/tenders/${tender.id}/award`, adm, { bid_ids: rec.bid_ids, publicity_ends_at: new Date(Date.now() + 2_000).toISOString() })
  state.winner = state.orgs.find((o) => o.bidId === rec.bid_ids[0])
  let contract
  for (let i = 0; i < 30 && !contract; i++) {
    await new Promise((r) => setTimeout(r, 1_000))
    contract = (await api('GET', `/contracts?tender_id=${tender.id}`, adm)).items[0]
  }
  assert.ok(contract, 'a contract once the publicity ended')
  state.contractId = contract.id
  state.milestones = (await api('GET', `/contracts/${contract.id}`, adm)).milestones
})

step("the bureau edits the drafted contract's milestones; a schedule not summing to 100 is refused and nothing is written", async () => {
  const admin = await session('admin')
  const { page } = admin
  await login(page, ADMIN.username, ADMIN.password)
  state.adminSession = admin
  state.adminPage = page
  await goto(page, `/contracts/${state.contractId}`)
  await byId(page, 'schedule-editor').waitFor()
  const pcts = async () => (await api('GET', `/contracts/${state.contractId}`, state.admin)).milestones.map((m) => m.payment_pct).join('/')
  assert.equal(await pcts(), '40/30/30')
  // 50 + 30 + 30 = 110: refused, the rule named, the contract unchanged.
  await fill(page, 'schedule-pct-1', 50)
  await byId(page, 'schedule-pct-sum').filter({ hasText: '110' }).waitFor()
  await byId(page, 'schedule-save').click()
  await byId(page, 'schedule-error').filter({ hasText: '合计须为100' }).waitFor()
  assert.equal(await pcts(), '40/30/30', 'a refused schedule is not written')
  provoked(/status of 422/)
  // 30 / 40 / 30 with a new title: saved, each tranche shown in 元.
  await fill(page, 'schedule-pct-1', 30)
  await fill(page, 'schedule-pct-2', 40)
  await fill(page, 'schedule-title-1', '签约及实施方案（修订）')
  const k = await api('GET', `/contracts/${state.contractId}`, state.admin)
  const tranche = ((k.amount_fen * 40) / 10000).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
  await byId(page, 'schedule-tranche-2').filter({ hasText: tranche }).waitFor()
  await byId(page, 'schedule-save').click()
  await toast(page, '履约节点已保存')
  await byId(page, 'milestones').getByText('签约及实施方案（修订）').waitFor()
  assert.equal(await pcts(), '30/40/30')
  state.milestones = (await api('GET', `/contracts/${state.contractId}`, state.admin)).milestones
  await shot(page, 'contract-schedule-editor')
})

step('the bureau uploads the signed contract and signs it; the public sees it', async () => {
  const page = state.adminPage
  await goto(page, `/contracts/${state.contractId}`)
  await byId(page, 'contract-desk').waitFor()
  await byId(page, 'contract-upload-input').setInputFiles({ name: '合同.pdf', mimeType: 'application/pdf', buffer: pdf('Contract') })
  await page.locator('[data-testid="contract-sign"]:not([disabled])').waitFor()
  await byId(page, 'contract-sign').click()
  await confirm(page, '签订')
  await toast(page, '合同已签订')
  await byId(page, 'contract-head').getByText('履行中').waitFor()
  await assert.rejects(byId(page, 'schedule-editor').waitFor({ timeout: 1_000 }), 'no editor once signed')
  const pub = await session('public')
  await goto(pub.page, `/contracts/${state.contractId}`)
  await byId(pub.page, 'contract-head').getByText('履行中').waitFor()
  await shot(pub.page, 'contract-public')
})

// The organization reports on milestone seq through the form, with a document and two volunteers.
async function report(seq, text) {
  if (!state.orgPage) {
    const { page } = await session('org')
    await login(page, state.winner.username, PASSWORD)
    state.orgPage = page
  }
  const page = state.orgPage
  await goto(page, `/contracts/${state.contractId}`)
  await byId(page, `report-${seq}`).click()
  await byId(page, 'report-form').waitFor()
  await fill(page, 'report-text', text)
  await fill(page, 'report-beneficiaries', 160)
  await fill(page, 'report-volunteers', 'LS-2025-0001, 12.5\nLS-2025-0002, 8')
  await byId(page, 'report-upload-input').setInputFiles({ name: `报告${seq}.pdf`, mimeType: 'application/pdf', buffer: pdf(`Report ${seq}`) })
  // Stored, not only chosen: submitting while the upload runs would race it.
  await byId(page, 'report-doc').filter({ hasText: `报告${seq}.pdf` }).waitFor()
  await byId(page, 'report-submit').click()
  await confirm(page, '提交')
  await toast(page, '报告已提交')
  await byId(page, `milestone-status-${seq}`).getByText('待验收').waitFor()
}

// The bureau accepts milestone seq, and pays its share when pay is true.
async function acceptAndPay(seq, pay) {
  const page = state.adminPage
  await goto(page, `/contracts/${state.contractId}`)
  await byId(page, `accept-${seq}`).click()
  await toast(page, '报告已验收')
  if (!pay) return
  await byId(page, `pay-${seq}`).click()
  await byId(page, 'payment-form').waitFor()
  await byId(page, 'voucher-upload-input').setInputFiles({ name: `凭证${seq}.pdf`, mimeType: 'application/pdf', buffer: pdf(`Voucher ${seq}`) })
  await page.locator('[data-testid="payment-submit"]:not([disabled])').waitFor()
  await byId(page, 'payment-submit').click()
  await confirm(page, '付款')
  await toast(page, '付款已登记')
  await byId(page, `milestone-status-${seq}`).getByText('已付款').waitFor()
}

// The bureau draws the panel for milestone seq (or, given a reason, names the three experts: a public red
// flag); each member finds the evaluation in 我的评审, declares, scores pct% of every maximum and submits.
async function evaluate(seq, pct, reason) {
  const page = state.adminPage
  const mid = state.milestones[seq - 1].id
  await goto(page, `/contracts/${state.contractId}`)
  if (reason) {
    await byId(page, `name-${seq}`).click()
    await byId(page, 'contract-panel-picker').waitFor()
    await byId(page, 'contract-panel-pick').click()
    for (const x of EXPERTS) await page.locator('.el-select-dropdown__item:visible', { hasText: x.username }).first().click()
    await page.keyboard.press('Escape')
    await fill(page, 'contract-panel-reason', reason)
    await byId(page, 'contract-panel-name').click()
    await confirm(page, '指定')
    await toast(page, '评审专家已确定')
  } else {
    await byId(page, `draw-${seq}`).click()
    await confirm(page, '抽取')
    await toast(page, '评估小组已抽取')
  }
  const panel = await api('GET', `/contracts/${state.contractId}/milestones/${mid}/panel`, state.admin)
  for (const m of panel.members) {
    const { page: ep, context } = await session(`expert-${m.evaluator_id}`)
    await login(ep, state.experts[m.evaluator_id], PASSWORD)
    await goto(ep, '/evaluator/panels')
    const card = byId(ep, `contract-panel-${state.contractId}-${mid}`)
    await card.filter({ hasText: seq === 3 ? '结项评估' : '中期评估' }).filter({ hasText: '待回避声明' }).waitFor()
    await card.click()
    await ep.waitForURL(new RegExp(`/evaluator/contracts/${state.contractId}/milestones/${mid}`))
    await byId(ep, 'declare-no-conflict').click()
    for (const [name, max] of [['服务成效', 40], ['项目管理', 20], ['资金使用', 20], ['居民满意度', 20]]) {
      await fill(ep, `score-${name}`, (max * pct) / 100)
    }
    await byId(ep, 'sheet-submit').click()
    await confirm(ep, '提交')
    await byId(ep, 'sheet-submitted').waitFor()
    await context.close()
  }
}

step('the signing milestone is reported, accepted and paid', async () => {
  await report(1, '实施方案：组建邻里互助小组。')
  await acceptAndPay(1, true)
})

step('mid-term: report accepted and paid, evaluation 合格', async () => {
  await report(2, '中期报告：开展互助活动 24 场，服务居民 160 人次。')
  await acceptAndPay(2, true)
  await evaluate(2, 70)
  const page = state.adminPage
  await goto(page, `/contracts/${state.contractId}`)
  await byId(page, 'grade-2').getByText('合格').waitFor()
})

step('final: report, evaluation 良好, final payment, and the contract completes on its own', async () => {
  await report(3, '结项报告：服务居民 2100 人次，居民满意度 96%。')
  await acceptAndPay(3, false)
  await evaluate(3, 85, '结项评估需熟悉邻里互助服务的专家，经局务会研究指定')
  const pub = await session('public-named')
  await goto(pub.page, `/contracts/${state.contractId}`)
  await byId(pub.page, 'contract-flag-panel_not_drawn').filter({ hasText: '不随机抽取' }).filter({ hasText: '经局务会研究指定' }).waitFor()
  await shot(pub.page, 'contract-named-panel')
  await pub.context.close()
  await acceptAndPay3Payment()
  const page = state.adminPage
  await pollUntil(page, async () => (await byId(page, 'contract-head').getByText('已完成').count()) > 0, { timeoutMs: 150_000, everyMs: 5_000 })
})

async function acceptAndPay3Payment() {
  const page = state.adminPage
  await goto(page, `/contracts/${state.contractId}`)
  await byId(page, 'grade-3').getByText('良好').waitFor()
  await byId(page, 'pay-3').click()
  await byId(page, 'voucher-upload-input').setInputFiles({ name: '凭证3.pdf', mimeType: 'application/pdf', buffer: pdf('Voucher 3') })
  await page.locator('[data-testid="payment-submit"]:not([disabled])').waitFor()
  await byId(page, 'payment-submit').click()
  await confirm(page, '付款')
  await toast(page, '付款已登记')
}

step("the organization's public profile shows the completed contract and its grade", async () => {
  const { page } = await session('public-profile')
  await goto(page, `/organizations/${state.winner.id}`)
  await byId(page, 'contracts-completed').getByText('1').waitFor()
  await byId(page, 'average-grade').getByText('良好').waitFor()
  await shot(page, 'org-profile-grade')
})

step("the community page shows the volunteer hours of the accepted service records by year", async () => {
  const c = await api('GET', `/communities/${state.communityId}`, '')
  const year = c.service.at(-1)
  assert.ok(year && Number(year.volunteer_hours) > 0, `service per year: ${JSON.stringify(c.service)}`)
  const { page } = await session('public-community')
  await goto(page, `/communities/${state.communityId}`)
  const card = byId(page, 'community-service')
  await card.getByRole('cell', { name: String(year.year), exact: true }).waitFor()
  await card.getByRole('cell', { name: String(year.volunteer_hours), exact: true }).waitFor()
  await shot(page, 'community-volunteer-hours')
})

// A resident (not logged in) rates the completed service on the tender's page (居民评价): the card first reads
// in English, then in Chinese asks for a rating when none is chosen, and thanks once it is sent; the bureau
// publishes the feedback from 居民评价审核.
const FEEDBACK = `邻里互助小组上门很及时，希望明年继续开展（${runId}）`

step('a resident rates the completed service on the tender page; the bureau publishes the feedback', async () => {
  const s = await session('resident')
  const { page } = s
  await goto(page, `/tenders/${state.tenderId}`)
  const card = byId(page, 'feedback-card')
  await card.filter({ hasText: '居民评价' }).waitFor()
  await inEnglish(s, 'Resident feedback')
  await card.filter({ hasText: '满意度' }).waitFor()
  // No rating chosen: the form asks for one and sends nothing.
  await byId(page, 'feedback-submit').click()
  await card.getByText('请选择满意度').waitFor()
  assert.equal(await byId(page, 'feedback-thanks').count(), 0)
  await byId(page, 'feedback-rating').locator('.el-rate__item').nth(3).click()
  await card.getByText('满意', { exact: true }).waitFor()
  await fill(page, 'feedback-comment', FEEDBACK)
  await byId(page, 'feedback-submit').click()
  await byId(page, 'feedback-thanks').filter({ hasText: '感谢您的评价' }).filter({ hasText: '评价经审核后公开' }).waitFor()
  await shot(page, 'resident-feedback')
  await s.context.close()

  const ap = state.adminPage
  await goto(ap, '/manage/feedback')
  const row = byId(ap, 'feedback-table').locator('.el-table__row', { hasText: FEEDBACK })
  await row.filter({ hasText: TITLE }).filter({ hasText: '待审核' }).waitFor()
  await row.locator('[data-testid^="feedback-approve-"]').click()
  await toast(ap, '评价已公开')
  await radio(ap, 'feedback-status', '已公开')
  await row.filter({ hasText: '已公开' }).waitFor()
  await shot(ap, 'admin-feedback-published')
})

step('the contract page in English, with no Chinese left in the chrome', async () => {
  const s = await session('public-contract-english')
  await goto(s.page, `/contracts/${state.contractId}`)
  await inEnglish(s, 'Milestones', { keep: true })
  await byId(s.page, 'contract-head').getByText('Completed').waitFor()
  await shot(s.page, 'contract-english')
  await s.context.close()
  // The bureau's contract list in English: the ledger is saved under an English name.
  const adm = state.adminSession
  await goto(adm.page, '/contracts')
  await inEnglish(adm, 'Contracts and delivery', { keep: true })
  const ledger = await download(adm.page, () => byId(adm.page, 'ledger-download').click(), 'ledger-en.xlsx')
  assert.match(ledger.suggested, /^contract-ledger-\d{4}\.xlsx$/)
  assert.equal(readFileSync(ledger.file).subarray(0, 2).toString(), 'PK', 'an xlsx (zip) file')
  await setLanguage(adm.page, 'zh-CN')
})
