// Lots and service claiming (SPEC §7.3–7.4), in Chinese. Set-up through the
// API: four approved organizations, three evaluators, a purchase in two lots
// (标包) and a small service to claim (服务认领), both closing in about two
// and a half minutes. Through the UI: an organization that bid for lot 1 bids
// for lot 2 too in the bid editor; another claims the service on the 服务认领
// board (then reads the board in English and on a phone). After the deadline
// the bureau qualifies lot 1's bids and disqualifies one of lot 2's, so lot 2
// fails (流标) while lot 1 goes on; the panel scores lot 1 (API); the bureau
// awards lot 1 alone. The public page shows both outcomes, lot by lot. The
// bureau qualifies both claims, runs the claim draw and awards the chosen
// organization; the public page names it and the draw recomputes 一致.

import { after, before } from 'node:test'
import assert from 'node:assert/strict'
import {
  answerPrompt, byId, chineseChrome, close, confirm, field, fill, goto, launch, login, nav, pick, pollUntil, session, setLanguage, shot,
  stepper, toast, typeDate,
} from '../lib/browser.mjs'
import { api, apiLogin, ensureCommunities, must } from '../lib/api.mjs'
import { nextMinuteAfter, runId, shanghaiInput, uscc } from '../lib/data.mjs'

const ADMIN = { username: process.env.E2E_ADMIN_USER || 'admin', password: process.env.E2E_ADMIN_PASSWORD || 'demo-pass-2026' }
const PASSWORD = 'E2e-pass-2026!'
// Two browser steps run before the deadline; on a busy machine each takes up to a minute.
const WINDOW_S = Number(process.env.E2E_LOTS_WINDOW_S || 150)
const CATEGORY = `标包测试${runId}`
const HOME = '临沭街道兴大社区'
const SERVED = '临沭街道文化社区'
const LOTS_TITLE = `居家养老上门服务（分两个标包，${runId}）`
const CLAIM_TITLE = `文化社区老年人理发服务认领（${runId}）`
const SINGLE_TITLE = `兴大社区日间照料中心运营（单一来源，${runId}）`
const ORGS = [0, 1, 2, 3].map((i) => ({ name: `临沭县为老服务中心${runId}${i}`, username: `lot${runId}${i}`, uscc: uscc() }))
const EXPERTS = [0, 1, 2].map((i) => ({ username: `lotzj${runId}${i}`, name: ['周教授', '吴老师', '郑主任'][i] }))

const step = stepper()
const state = {}

before(async () => {
  await launch()
})
after(async () => {
  await close()
})

step('set-up through the API: organizations, evaluators, a tender in two lots and a service to claim', async () => {
  const adm = await apiLogin(ADMIN.username, ADMIN.password)
  state.admin = adm
  await ensureCommunities(adm, [{ name: HOME }, { name: SERVED }])
  const item = await must(adm, 'POST', '/catalog', { code: `LT-${runId}`, name: '居家养老上门服务', category: CATEGORY, description: '', active: true })
  state.experts = {}
  for (const x of EXPERTS) {
    const u = await must(adm, 'POST', '/users', { username: x.username, password: PASSWORD, role: 'evaluator', name: x.name, expertise: [CATEGORY] })
    state.experts[u.id] = x.username
  }
  state.orgs = []
  for (const o of ORGS) {
    const r = await must('', 'POST', '/organizations/register', {
      name: o.name, uscc: o.uscc, type: 'social_org', registration: 'registered', community: HOME,
      legal_representative: '李主任', contact_phone: '0539-6200000', staff_total: 8, social_workers: 2, username: o.username, password: PASSWORD,
    })
    await must(adm, 'POST', `/organizations/${r.id}/approve`, {})
    state.orgs.push({ ...o, id: r.id, token: await apiLogin(o.username, PASSWORD) })
  }
  state.deadline = new Date(Date.now() + WINDOW_S * 1000)
  const common = {
    kind: 'purchase', catalog_item_id: item.id, funding_source: 'welfare_lottery', max_awards: 1,
    service_start: '2027-01-01', service_end: '2027-12-31', community_preference_pct: 0,
    eligibility: { org_types: ['social_org'], registered_only: false, min_social_workers: 0 },
    enquiry_deadline: new Date(state.deadline.getTime() - 20_000).toISOString(), bid_deadline: state.deadline.toISOString(),
  }
  const lots = await must(adm, 'POST', '/tenders', {
    ...common, title: LOTS_TITLE, description: '全县居家养老上门服务，按社区分两个标包采购', community: HOME,
    procedure: 'competitive_consultation', budget_fen: 10000000, min_bids: 2,
    lots: [{ title: '第一标包：兴大社区', budget_fen: 6000000 }, { title: '第二标包：文化社区', budget_fen: 4000000 }],
    evaluation: { method: 'comprehensive', panel_size: 3, trim_extremes: false, criteria: [
      { name: '服务方案', max_score: 60, kind: 'quality' }, { name: '团队', max_score: 30, kind: 'quality' }, { name: '报价', max_score: 10, kind: 'price' }] },
  })
  assert.deepEqual(lots.lots.map((l) => l.id), ['l1', 'l2'])
  state.lotsId = lots.id
  await must(adm, 'POST', `/tenders/${lots.id}/publish`)
  const claim = await must(adm, 'POST', '/tenders', {
    ...common, title: CLAIM_TITLE, description: '为文化社区老年人提供上门理发服务，全年不少于十二次', community: SERVED,
    procedure: 'claim', budget_fen: 3000000,
  })
  state.claimId = claim.id
  await must(adm, 'POST', `/tenders/${claim.id}/publish`)
  // A single-source purchase naming organization 2, which responds.
  const single = await must(adm, 'POST', '/tenders', {
    ...common, title: SINGLE_TITLE, description: '兴大社区日间照料中心运营，仅原运营机构具备条件', community: HOME,
    procedure: 'single_source', single_source_org_id: state.orgs[2].id, budget_fen: 2000000,
  })
  state.singleId = single.id
  await must(adm, 'POST', `/tenders/${single.id}/publish`)
  const sb = await must(state.orgs[2].token, 'POST', `/tenders/${single.id}/bids`, { price_fen: 1950000, summary: '运营方案' })
  await must(state.orgs[2].token, 'POST', `/bids/${sb.id}/submit`)
  state.singleBid = sb.id
  // Lot 1: organizations 0 and 1; lot 2: organization 2 (organization 0 adds its own in the bid editor).
  const bid = async (o, lot, price) => {
    const b = await must(o.token, 'POST', `/tenders/${lots.id}/bids`, { lot_id: lot, price_fen: price, summary: '服务方案摘要' })
    await must(o.token, 'POST', `/bids/${b.id}/submit`)
    return b.id
  }
  await bid(state.orgs[0], 'l1', 5600000)
  await bid(state.orgs[1], 'l1', 5800000)
  await bid(state.orgs[2], 'l2', 3900000)
  // The claim of organization 3 (organization 1 claims on the board).
  const c = await must(state.orgs[3].token, 'POST', `/tenders/${claim.id}/bids`, { price_fen: 3000000, summary: '认领' })
  await must(state.orgs[3].token, 'POST', `/bids/${c.id}/submit`)
})

step('another organization claims the service on the 服务认领 board, then reads it in English and on a phone', async () => {
  const o = state.orgs[1]
  const s = await session('org1')
  const { page } = s
  await login(page, o.username, PASSWORD)
  await nav(page, 'claims')
  const table = byId(page, 'claims-table')
  await table.locator('tr', { hasText: CLAIM_TITLE }).filter({ hasText: '30,000.00' }).waitFor()
  // A tender that is not a claim is not on the board.
  assert.equal(await table.locator('tr', { hasText: LOTS_TITLE }).count(), 0)
  await byId(page, `claim-go-${state.claimId}`).click()
  await confirm(page, '30,000.00')
  await toast(page, '已认领')
  await byId(page, `claimed-${state.claimId}`).filter({ hasText: '已提交' }).waitFor()
  await shot(page, 'claims-board-claimed')
  const mine = (await must(o.token, 'GET', `/tenders/${state.claimId}/bids`)).items
  assert.equal(mine.length, 1)
  assert.equal(mine[0].price_fen, 3000000, 'a claim is at the budget price')
  assert.equal(mine[0].status, 'submitted')

  await setLanguage(page, 'en')
  // Afresh, so that the Chinese toast of the claim is gone; the language is remembered.
  await page.reload()
  await byId(page, `claimed-${state.claimId}`).filter({ hasText: 'Submitted' }).waitFor()
  await page.getByRole('heading', { name: 'Service claims' }).waitFor()
  assert.deepEqual(await chineseChrome(s), [], 'the claims board in English')
  await shot(page, 'claims-board-english')
  await setLanguage(page, 'zh-CN')
  await page.setViewportSize({ width: 390, height: 844 })
  await page.reload()
  await byId(page, 'claims-table').locator('tr', { hasText: CLAIM_TITLE }).waitFor()
  await shot(page, 'claims-board-phone')
  await s.context.close()
})

step('an organization that bid for lot 1 picks lot 2 in the bid editor and bids for it too', async () => {
  const o = state.orgs[0]
  const { page } = await session('org0')
  await login(page, o.username, PASSWORD)
  await goto(page, `/org/tenders/${state.lotsId}/bid`)
  // Its lot 1 bid first; lot 2 not bid for yet.
  await byId(page, 'bid-status').filter({ hasText: '已提交' }).waitFor()
  await pick(page, 'bid-lot', '第二标包')
  await byId(page, 'bid-status').waitFor({ state: 'detached' })
  await fill(page, 'bid-price', '3800')
  await field(page, 'bid-summary').fill('第二标包服务方案：文化社区上门助浴、助洁')
  await byId(page, 'bid-save').click()
  await toast(page, '已保存')
  await byId(page, 'bid-submit').click()
  await confirm(page, '3,800.00')
  await toast(page, '投标已提交')
  await byId(page, 'receipt-dialog-close').click()
  await byId(page, 'bid-status').filter({ hasText: '已提交' }).waitFor()
  await shot(page, 'org-bid-lot2')
  // Both bids are there, one per lot.
  const mine = (await must(o.token, 'GET', `/tenders/${state.lotsId}/bids`)).items
  assert.deepEqual(mine.map((b) => b.lot_id).sort(), ['l1', 'l2'])
  assert.ok(mine.every((b) => b.status === 'submitted'))
  state.org0Lot2 = mine.find((b) => b.lot_id === 'l2').id
  await page.context().close()
})

step('at the deadline both open; the bureau qualifies lot 1 and disqualifies a bid of lot 2, which fails (流标)', async () => {
  const admin = await session('admin')
  const { page } = admin
  state.adminSession = admin
  state.adminPage = page
  await login(page, ADMIN.username, ADMIN.password)
  const wait = state.deadline.getTime() - Date.now()
  if (wait > 0) await page.waitForTimeout(wait + 1500)
  await goto(page, `/manage/tenders/${state.lotsId}`)
  await pollUntil(page, async () => (await page.locator('.page-title [data-status="evaluating"]').count()) > 0, { timeoutMs: 60_000 })
  await page.locator('.el-tabs__item', { hasText: '开标与资格审查' }).click()
  // The opening record, lot by lot.
  await byId(page, 'opening-lot-l1').filter({ hasText: '2' }).waitFor()
  await byId(page, 'opening-table-l2').locator('tbody tr', { hasText: state.orgs[0].name }).filter({ hasText: '3,800.00' }).waitFor()
  for (const o of state.orgs.slice(0, 2)) {
    const row = byId(page, 'bids-table-l1').locator('.el-table__row', { hasText: o.name }).first()
    await row.locator('[data-testid^="qualify-"]').click()
    await confirm(page, o.name)
    await toast(page, '资格审查结果已保存')
    await byId(page, 'bids-table-l1').locator('.el-table__row', { hasText: o.name }).first().locator('[data-status="qualified"]').waitFor()
  }
  const l2 = byId(page, 'bids-table-l2')
  await l2.locator('.el-table__row', { hasText: state.orgs[2].name }).first().locator('[data-testid^="qualify-"]').click()
  await confirm(page, state.orgs[2].name)
  await toast(page, '资格审查结果已保存')
  await l2.locator('.el-table__row', { hasText: state.orgs[2].name }).first().locator('[data-status="qualified"]').waitFor()
  await l2.locator('.el-table__row', { hasText: state.orgs[0].name }).first().locator('[data-testid^="disqualify-"]').click()
  await answerPrompt(page, '未按要求提供第二标包服务人员资质证明', state.orgs[0].name)
  await toast(page, '该标包流标')
  await byId(page, 'qual-lot-status-l2').filter({ hasText: '流标' }).waitFor()
  await byId(page, 'qual-lot-status-l1').filter({ hasText: '评审中' }).waitFor()
  await page.locator('.page-title [data-status="evaluating"]').waitFor()
  await shot(page, 'admin-lot2-failed')
})

step('set-up through the API: the panel scores lot 1', async () => {
  const adm = state.admin
  const bids = (await must(adm, 'GET', `/tenders/${state.lotsId}/bids?limit=100`)).items.filter((b) => b.lot_id === 'l1')
  assert.equal(bids.length, 2)
  const panel = await must(adm, 'POST', `/tenders/${state.lotsId}/panel`, { size: 3 })
  for (const m of panel.members) {
    const tok = await apiLogin(state.experts[m.evaluator_id], PASSWORD)
    await must(tok, 'POST', `/tenders/${state.lotsId}/declaration`, { conflict: false, note: '' })
    for (const b of bids) {
      const first = b.org_id === state.orgs[0].id
      await must(tok, 'PUT', `/tenders/${state.lotsId}/bids/${b.id}/scores`, { scores: [
        { criterion_id: 'c1', score: first ? 55 : 45, comment: '' }, { criterion_id: 'c2', score: 25, comment: '' }] })
    }
    await must(tok, 'POST', `/tenders/${state.lotsId}/scores/submit`)
  }
})

step('the bureau awards lot 1 alone; lot 2 shows 流标', async () => {
  const page = state.adminPage
  await goto(page, `/manage/tenders/${state.lotsId}`)
  await page.locator('.el-tabs__item', { hasText: '评审与定标' }).click()
  await byId(page, 'lot-evaluation-l1').locator('tbody tr').first().filter({ hasText: state.orgs[0].name }).waitFor()
  await byId(page, 'lot-evaluation-l2').filter({ hasText: '流标' }).waitFor()
  assert.equal(await byId(page, 'award-card-l2').count(), 0, 'nothing to award on a failed lot')
  await byId(page, 'recommendation-l1').filter({ hasText: state.orgs[0].name }).waitFor()
  await byId(page, 'award-bids-l1').locator('.el-radio.is-checked', { hasText: state.orgs[0].name }).waitFor()
  // The lot's award card in English: English punctuation between the labels and the names, no Chinese chrome.
  await setLanguage(page, 'en')
  await byId(page, 'recommendation-l1').filter({ hasText: `Recommended: ${state.orgs[0].name}` }).waitFor()
  const choice = await byId(page, 'award-bids-l1').locator('.el-radio', { hasText: state.orgs[0].name }).innerText()
  assert.match(choice, new RegExp(`^${state.orgs[0].name} \\(.+\\)$`), 'a choice is "name (score)" in English')
  assert.deepEqual(await chineseChrome(state.adminSession), [], 'the lots\' evaluation and award in English')
  await setLanguage(page, 'zh-CN')
  await byId(page, 'recommendation-l1').filter({ hasText: `系统推荐：${state.orgs[0].name}` }).waitFor()
  await typeDate(page, 'award-publicity-l1', shanghaiInput(nextMinuteAfter(180)))
  await shot(page, 'admin-lot1-award')
  await byId(page, 'award-submit-l1').click()
  await confirm(page, '第一标包')
  await toast(page, '已定标')
  // Every lot is awarded or failed: the tender is awarded.
  await page.locator('.page-title [data-status="awarded"]').waitFor()
  await byId(page, 'manage-awards').filter({ hasText: '第一标包' }).filter({ hasText: '56,000.00' }).waitFor()
  await shot(page, 'admin-lots-awarded')
})

step('a single-source award asks for its reason though it follows the recommendation, in both languages', async () => {
  await must(state.admin, 'POST', `/bids/${state.singleBid}/qualify`, { qualified: true, reason: '' })
  const page = state.adminPage
  await goto(page, `/manage/tenders/${state.singleId}`)
  await page.locator('.el-tabs__item', { hasText: '评审与定标' }).click()
  await byId(page, 'recommendation').filter({ hasText: state.orgs[2].name }).waitFor()
  await byId(page, 'award-bids').locator('.el-radio.is-checked', { hasText: state.orgs[2].name }).waitFor()
  // The reason is asked for, and why, before the bureau tries to award (政府采购法 第三十一条).
  await byId(page, 'award-reason-item').locator('.el-form-item__error', { hasText: '采用单一来源方式的理由' }).waitFor()
  await setLanguage(page, 'en')
  await byId(page, 'award-reason-item').locator('.el-form-item__error', { hasText: 'single-source procedure' }).waitFor()
  assert.deepEqual(await chineseChrome(state.adminSession), [], 'the single-source award in English')
  await setLanguage(page, 'zh-CN')
  assert.equal(await byId(page, 'award-submit').isDisabled(), true, 'no award without the reason')
  await typeDate(page, 'award-publicity', shanghaiInput(nextMinuteAfter(180)))
  await fill(page, 'award-reason', '原运营机构承接的日间照料中心设施与服务不可中断')
  await byId(page, 'award-reason-item').locator('.el-form-item__error').waitFor({ state: 'detached' })
  await byId(page, 'award-submit').click()
  await confirm(page, state.orgs[2].name)
  await toast(page, '已定标')
  await page.locator('.page-title [data-status="awarded"]').waitFor()
  const awards = (await api('', 'GET', `/tenders/${state.singleId}/awards`)).body.items
  assert.equal(awards.length, 1)
  assert.equal(awards[0].bid_id, state.singleBid)
})

step('the public page shows each lot: lot 1 awarded with its organization and price, lot 2 流标', async () => {
  const s = await session('public-lots')
  const { page, context } = s
  await goto(page, `/tenders/${state.lotsId}`)
  await byId(page, 'tender-title').filter({ hasText: LOTS_TITLE }).waitFor()
  await byId(page, 'lot-result-l1').filter({ hasText: state.orgs[0].name }).waitFor()
  await byId(page, 'lot-amount-l1').filter({ hasText: '56,000.00' }).waitFor()
  await byId(page, 'lot-status-l1').filter({ hasText: '已定标' }).waitFor()
  await byId(page, 'lot-result-l2').filter({ hasText: '流标' }).waitFor()
  await byId(page, 'lot-status-l2').filter({ hasText: '流标' }).waitFor()
  assert.equal(await byId(page, 'lot-amount-l2').innerText(), '—')
  // The award notice names the lot; the opening record and the evaluation are per lot.
  await byId(page, 'awards-table').locator('tr', { hasText: '第一标包' }).filter({ hasText: state.orgs[0].name }).waitFor()
  assert.equal(await byId(page, 'awards-table').locator('tbody tr', { hasText: '第二标包' }).count(), 0)
  await byId(page, 'opening-lot-l1').waitFor()
  await byId(page, 'opening-lot-l2').waitFor()
  await byId(page, 'lot-evaluation-l1').locator('tbody tr').first().filter({ hasText: state.orgs[0].name }).waitFor()
  await shot(page, 'public-lots')
  // The lots' results in English: the failed lot's note in English brackets, no Chinese chrome.
  await setLanguage(page, 'en')
  await byId(page, 'lot-status-l2').filter({ hasText: 'Failed' }).waitFor()
  assert.equal(await byId(page, 'lot-result-l2').innerText(), 'Failed (Too few valid or qualified bids: this lot failed)')
  await byId(page, 'lot-result-l1').filter({ hasText: state.orgs[0].name }).waitFor()
  assert.deepEqual(await chineseChrome(s), [], 'the lots\' results in English')
  await shot(page, 'public-lots-english')
  await context.close()
})

step('the bureau qualifies both claims, runs the claim draw and awards the chosen organization', async () => {
  const page = state.adminPage
  await goto(page, `/manage/tenders/${state.claimId}`)
  await pollUntil(page, async () => (await page.locator('.page-title [data-status="evaluating"]').count()) > 0, { timeoutMs: 60_000 })
  await page.locator('.el-tabs__item', { hasText: '开标与资格审查' }).click()
  const claimants = [state.orgs[1], state.orgs[3]]
  for (const o of claimants) {
    const row = byId(page, 'bids-table').locator('.el-table__row', { hasText: o.name }).first()
    await row.locator('[data-testid^="qualify-"]').click()
    await confirm(page, o.name)
    await toast(page, '资格审查结果已保存')
    await byId(page, 'bids-table').locator('.el-table__row', { hasText: o.name }).first().locator('[data-status="qualified"]').waitFor()
  }
  await page.locator('.el-tabs__item', { hasText: '评审与定标' }).click()
  for (const o of claimants) await byId(page, 'claimants').filter({ hasText: o.name }).waitFor()
  await shot(page, 'admin-claimants')
  await byId(page, 'claim-draw').click()
  await confirm(page, '抽签')
  await toast(page, '已确定认领机构')
  const rec = await byId(page, 'recommendation').innerText()
  const chosen = claimants.filter((o) => rec.includes(o.name))
  assert.equal(chosen.length, 1, `one claimant chosen: ${rec}`)
  state.chosen = chosen[0]
  await byId(page, 'award-bids').locator('.el-radio.is-checked', { hasText: state.chosen.name }).waitFor()
  await typeDate(page, 'award-publicity', shanghaiInput(nextMinuteAfter(180)))
  await byId(page, 'award-submit').click()
  await confirm(page, state.chosen.name)
  await toast(page, '已定标')
  await page.locator('.page-title [data-status="awarded"]').waitFor()
  await shot(page, 'admin-claim-awarded')
})

step('the public page names the chosen organization and the claim draw recomputes 一致', async () => {
  const { page, context } = await session('public-claim')
  await goto(page, `/tenders/${state.claimId}`)
  await byId(page, 'awards-table').filter({ hasText: state.chosen.name }).filter({ hasText: '30,000.00' }).waitFor()
  await byId(page, 'draws-verify').click()
  await byId(page, 'draws-match').waitFor()
  await byId(page, 'draw-chosen-claim').filter({ hasText: state.chosen.name }).waitFor()
  // The same draw from the API: the claim draw among both claimants chose the awarded bid.
  const d = (await api('', 'GET', `/tenders/${state.claimId}/draws`)).body
  const claimDraw = d.draws.find((x) => x.purpose === 'claim')
  assert.equal(claimDraw.preferred.length + claimDraw.others.length, 2)
  const awards = (await api('', 'GET', `/tenders/${state.claimId}/awards`)).body.items
  assert.deepEqual(claimDraw.chosen, [awards[0].bid_id])
  await shot(page, 'public-claim-draw')
  await context.close()
})
