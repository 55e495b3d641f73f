// The front of the lifecycle (SPEC §7.1–7.2), clicked through the UI: a
// community worker reports a need, the bureau accepts it, puts it on an item
// of this year's project list, publishes the item and creates the tender from
// it; the public then finds need, item and tender linked on the community's
// page and on the project list.

import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { byId, close, confirm, field, goto, inEnglish, launch, login, nav, pick, problems, stepper, session, shot, toast } from '../lib/browser.mjs'
import { api, apiLogin, ensureCommunities } from '../lib/api.mjs'
import { runId } from '../lib/data.mjs'

const ADMIN = { username: process.env.E2E_ADMIN_USER || 'admin', password: process.env.E2E_ADMIN_PASSWORD || 'demo-pass-2026' }
const PASSWORD = 'E2e-pass-2026!'
const COMMUNITY = `临沭街道测试社区${runId}`
// A community set up without its counts: its ratios have no value.
const BLANK = `临沭街道新建社区${runId}`
const WORKER = `sq${runId}`
const NEED = `独居老人助餐需求${runId}`
const ITEM = `测试社区老年助餐服务${runId}`

const state = { adminToken: '', communityId: '', tenderId: '' }
const step = stepper(180_000)

before(async () => {
  await launch()
  state.adminToken = await apiLogin(ADMIN.username, ADMIN.password)
  const ids = await ensureCommunities(state.adminToken, [{ name: COMMUNITY, town: '临沭街道', kind: 'urban', residents: 5000,
    staff_total: 10, social_work_staff: 5, certified_social_workers: 1, registered_volunteers: 480 },
  { name: BLANK, town: '临沭街道', kind: 'urban', residents: 0, staff_total: 0, social_work_staff: 0, certified_social_workers: 0, registered_volunteers: 0 }])
  state.communityId = ids[COMMUNITY]
  state.blankId = ids[BLANK]
  const u = await api(state.adminToken, 'POST', '/users', { username: WORKER, password: PASSWORD, role: 'community',
    name: '测试社区 王主任', community_id: state.communityId })
  assert.equal(u.status, 201, JSON.stringify(u.body))
})
after(async () => {
  await close()
})

step('the community worker reports a need on the 需求上报 form', async () => {
  const { page, context } = await session('worker')
  await login(page, WORKER, PASSWORD)
  await nav(page, 'community-desk')
  await field(page, 'need-title').fill(NEED)
  await field(page, 'need-description').fill('辖区独居老人约八十人，午餐难以保障，希望开设助餐点并送餐上门。')
  await field(page, 'need-beneficiaries').fill('80')
  await byId(page, 'need-submit').click()
  await toast(page, '需求已提交')
  await byId(page, `need-status-${NEED}`).filter({ hasText: '待受理' }).waitFor()
  await shot(page, 'planning-need-reported')
  await context.close()
})

let admin
step('the bureau accepts the need in the triage queue', async () => {
  admin = await session('bureau')
  const { page } = admin
  await login(page, ADMIN.username, ADMIN.password)
  await nav(page, 'need-triage', '需求与清单')
  await byId(page, `triage-accept-${NEED}`).click()
  await confirm(page, '公开公示')
  await toast(page, '已受理')
  await shot(page, 'planning-triage')
})

step('the bureau puts it on a new item of the project list and publishes the item', async () => {
  const { page } = admin
  await nav(page, 'plan-editor', '需求与清单')
  await byId(page, 'plan-new').click()
  await field(page, 'plan-title').fill(ITEM)
  await pick(page, 'plan-community', COMMUNITY)
  await pick(page, 'plan-needs', NEED)
  await page.keyboard.press('Escape')
  await field(page, 'plan-budget').fill('150000')
  await pick(page, 'plan-quarter', '第2季度')
  await pick(page, 'plan-procedure', '竞争性磋商')
  await byId(page, 'plan-save').click()
  await toast(page, '已新增')
  await byId(page, `editor-publish-${ITEM}`).click()
  await confirm(page, '发布后')
  await toast(page, '已发布')
  await byId(page, `editor-status-${ITEM}`).filter({ hasText: '已发布' }).waitFor()
  await shot(page, 'planning-item-published')
})

step('the bureau creates the tender from the item', async () => {
  const { page } = admin
  await byId(page, `editor-tender-${ITEM}`).click()
  await confirm(page, '只能生成一次')
  await page.waitForURL(/\/manage\/tenders\/[0-9a-f-]{36}/)
  state.tenderId = page.url().match(/tenders\/([0-9a-f-]{36})/)[1]
  const t = await api(state.adminToken, 'GET', `/tenders/${state.tenderId}`)
  assert.equal(t.body.project_item_id.length, 36)
  assert.equal(t.body.title, ITEM)
  assert.equal(t.body.community_id, state.communityId)
  assert.equal(t.body.eligibility.community_id, state.communityId, 'local organizations first')
  // Completing the draft (deadlines, criteria) is the wizard's business, walked by the purchase-flow test.
  const now = Date.now()
  const patch = await api(state.adminToken, 'PATCH', `/tenders/${state.tenderId}`, {
    enquiry_deadline: new Date(now + 3 * 86400e3).toISOString(), bid_deadline: new Date(now + 30 * 86400e3).toISOString(),
    evaluation: { method: 'comprehensive', panel_size: 3, criteria: [{ name: '服务方案', max_score: 70, kind: 'quality' }, { name: '报价', max_score: 30, kind: 'price' }] },
  })
  assert.equal(patch.status, 200, JSON.stringify(patch.body))
  const pub = await api(state.adminToken, 'POST', `/tenders/${state.tenderId}/publish`, {})
  assert.equal(pub.status, 200, JSON.stringify(pub.body))
  await admin.context.close()
})

step('the public sees need, item and tender linked', async () => {
  const { page, context } = await session('public')
  await goto(page, '/')
  await nav(page, 'communities', '社区与清单')
  await byId(page, `community-link-${COMMUNITY}`).click()
  await byId(page, 'community-name').filter({ hasText: COMMUNITY }).waitFor()
  await byId(page, 'indicator-chart').waitFor()
  await byId(page, 'indicator-social_work_staff_ratio').filter({ hasText: '达标' }).waitFor()
  await byId(page, `need-status-${NEED}`).filter({ hasText: '已列入清单' }).waitFor()
  await shot(page, 'planning-community-page')
  await byId(page, `need-item-${NEED}`).click()
  await page.waitForURL(/\/project-list/)
  await byId(page, `plan-item-${ITEM}`).waitFor()
  await byId(page, `plan-status-${ITEM}`).filter({ hasText: '已生成采购项目' }).waitFor()
  await shot(page, 'planning-project-list')
  await byId(page, `plan-tender-${ITEM}`).click()
  await page.waitForURL(new RegExp(`/tenders/${state.tenderId}`))
  await page.getByText(ITEM).first().waitFor()
  await shot(page, 'planning-tender')
  // The needs board: every community's accepted needs, filtered by community and by status (the browser's own
  // <select>s), the need listed with its item.
  await goto(page, '/needs')
  await byId(page, `need-status-${NEED}`).filter({ hasText: '已列入清单' }).waitFor()
  await byId(page, 'needs-community').selectOption({ label: COMMUNITY })
  await byId(page, `need-status-${NEED}`).filter({ hasText: '已列入清单' }).waitFor()
  await byId(page, 'needs-status').selectOption('fulfilled')
  await byId(page, `need-status-${NEED}`).waitFor({ state: 'detached' })
  await byId(page, 'needs-status').selectOption('listed')
  await byId(page, `need-status-${NEED}`).filter({ hasText: '已列入清单' }).waitFor()
  await shot(page, 'planning-needs-board')
  await context.close()
})

step('an indicator without a value reads "no data" in the table and the chart, not 0 %, in both languages', async () => {
  const s = await session('public-blank')
  const { page } = s
  await goto(page, `/communities/${state.blankId}`)
  await byId(page, 'community-name').filter({ hasText: BLANK }).waitFor()
  const ind = (await api('', 'GET', `/communities/${state.blankId}/indicators`)).body.indicators
  const byKey = Object.fromEntries(ind.map((i) => [i.key, i]))
  for (const k of ['social_work_staff_ratio', 'volunteer_ratio', 'volunteer_participation']) assert.equal(byKey[k].value, null, k)
  assert.equal(byKey.certified_social_workers.value, 0)
  const chart = byId(page, 'indicator-chart')
  await chart.waitFor()
  // Charted (targeted) in order: staff ratio, certified workers, social organizations, volunteer ratio, participation.
  const expect = (none) => [none, '0%', '0%', none, none]
  assert.deepEqual(await chart.locator('svg text.value').allTextContents(), expect('暂无数据'), 'the bars')
  assert.deepEqual(await chart.locator('table td').allTextContents(), expect('暂无数据'), 'the chart\'s table')
  assert.equal(await chart.locator('svg rect').count(), 2, 'no bar for no data')
  assert.equal((await byId(page, 'indicator-value-social_work_staff_ratio').innerText()).trim(), '暂无数据')
  assert.equal((await byId(page, 'indicator-value-certified_social_workers').innerText()).trim(), '0')
  await inEnglish(s, 'Counts', { keep: true })
  assert.deepEqual(await chart.locator('svg text.value').allTextContents(), expect('No data'), 'the bars in English')
  assert.deepEqual(await chart.locator('table td').allTextContents(), expect('No data'), 'the chart\'s table in English')
  assert.equal((await byId(page, 'indicator-value-volunteer_ratio').innerText()).trim(), 'No data')
  await shot(page, 'planning-community-no-data')
  await s.context.close()
})

step('the community page, the project list and the statistics in English, with no Chinese left in the chrome', async () => {
  const s = await session('public-english')
  await goto(s.page, `/communities/${state.communityId}`)
  await byId(s.page, 'community-name').filter({ hasText: COMMUNITY }).waitFor()
  await inEnglish(s, 'Counts', { keep: true })
  await shot(s.page, 'planning-community-english')
  await goto(s.page, '/project-list')
  await byId(s.page, `plan-item-${ITEM}`).waitFor()
  await inEnglish(s, 'Project list of purchasable services', { keep: true })
  await shot(s.page, 'planning-project-list-english')
  await goto(s.page, '/needs')
  await byId(s.page, `need-status-${NEED}`).filter({ hasText: 'On the list' }).waitFor()
  await inEnglish(s, 'Community needs', { keep: true })
  await shot(s.page, 'planning-needs-board-english')
  // The statistics: SVG charts with their text alternatives, the red flags of tenders and contracts.
  await goto(s.page, '/stats')
  for (const id of ['chart-funding', 'chart-status', 'stats-red-flags']) await byId(s.page, id).waitFor()
  await inEnglish(s, 'Statistics', { keep: true })
  await shot(s.page, 'planning-stats-english')
  await s.context.close()
})
