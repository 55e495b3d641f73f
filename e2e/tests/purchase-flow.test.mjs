// The whole purchase flow of 政府购买服务, clicked through the UI alone, in
// Chinese, by the bureau (admin), three organizations, three evaluators, an
// auditor and the anonymous public. Each step depends on the previous ones;
// after a failure the remaining steps are skipped.

import { after, before } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import {
  BASE, byId, close, confirm, download, field, fill, goto, launch, login, nav, pick, pollUntil,
  chineseChrome, radio, session, setLanguage, shot, stepper, toast, typeDate, writeArtifact,
} from '../lib/browser.mjs'
import { apiLogin, ensureCommunities } from '../lib/api.mjs'
import { nextMinuteAfter, pdf, runId, shanghaiDate, shanghaiInput, shanghaiShown, uscc } from '../lib/data.mjs'

const ADMIN = { username: process.env.E2E_ADMIN_USER || 'admin', password: process.env.E2E_ADMIN_PASSWORD || 'demo-pass-2026' }
// Seconds from filling in the deadline to the deadline itself: enough for
// publishing and three organizations bidding in parallel on a slow machine.
const BID_WINDOW_S = Number(process.env.E2E_BID_WINDOW_S || 75)
const PASSWORD = 'E2e-pass-2026!'

const COMMUNITY = '临沭街道兴大社区'
const CATEGORY = '老年助餐'
const TENDER_TITLE = `兴大社区老年助餐服务项目（${runId}）`

// Three organizations; A is in the tender's community and gets the 5% preference;
// C revises its price after submitting, which takes a second submission (version 2).
const ORGS = [
  { key: 'a', name: `临沭县兴大社区养老服务中心${runId}`, type: '社会组织', community: COMMUNITY, legal: '王秀兰', phone: '0539-6211001', staff: 12, sw: 3, price: '268000', priceShown: '268,000.00' },
  { key: 'b', name: `临沭县同心社会工作服务中心${runId}`, type: '社工机构', community: '临沭街道滨河社区', legal: '李建国', phone: '0539-6211002', staff: 9, sw: 5, price: '259000.50', priceShown: '259,000.50' },
  { key: 'c', name: `临沭县春晖社区服务社${runId}`, type: '社会组织', community: '蛟龙镇蛟龙社区', legal: '张丽', phone: '0539-6211003', staff: 6, sw: 1, price: '289900', priceShown: '289,900.00', revise: { price: '285000', priceShown: '285,000.00' } },
].map((o, i) => ({ ...o, username: `org${runId}${i + 1}`, uscc: uscc() }))

const EVALUATORS = [
  { username: `zj${runId}1`, name: '刘教授' },
  { username: `zj${runId}2`, name: '陈老师' },
  { username: `zj${runId}3`, name: '杨主任' },
]
const AUDITOR = { username: `sj${runId}`, name: '纪检监察 何监督' }

// Scores per evaluator per organization: [服务方案 /40, 团队与资质 /30].
// Means: A 36.00 + 26.00, B 33.17 + 25.17, C 30.00 + 22.00; A is also cheapest
// after the community preference (268000 × 95% = 254600), so A ranks first with 92.00.
const SCORES = {
  a: [[36, 26], [35, 27], [37, 25]],
  b: [[33.5, 25], [34, 24.5], [32, 26]],
  c: [[30, 22], [31, 23], [29, 21]],
}

const state = { tenderId: '', receipts: {}, deadline: null }
/** step runs one stage of the flow; later stages are skipped once one fails. */
const step = stepper()

before(async () => {
  await launch()
  // Communities are records (SPEC §7.1): the ones this flow names must be registered.
  await ensureCommunities(await apiLogin(ADMIN.username, ADMIN.password),
    [...new Set(ORGS.map((o) => o.community))].map((name) => ({ name, kind: name.includes('镇') ? 'rural' : 'urban' })))
})
after(async () => {
  await close()
})

let admin

step('the public registers three organizations on the registration page', async () => {
  await Promise.all(
    ORGS.map(async (o, i) => {
      const s = await session(`register-${o.key}`)
      const { page } = s
      await goto(page, '/')
      await byId(page, 'nav-register').click()
      await page.waitForURL(/\/register/)
      await field(page, 'org-name').fill(o.name)
      await field(page, 'org-uscc').fill(o.uscc)
      await byId(page, 'uscc-ok').waitFor()
      await radio(page, 'org-type', o.type)
      await radio(page, 'org-registration', '登记')
      await field(page, 'org-community').fill(o.community)
      await field(page, 'org-legal').fill(o.legal)
      await field(page, 'org-phone').fill(o.phone)
      await fill(page, 'org-staff', o.staff)
      await fill(page, 'org-social-workers', o.sw)
      await field(page, 'reg-username').fill(o.username)
      await field(page, 'reg-password').fill(PASSWORD)
      await field(page, 'reg-password2').fill(PASSWORD)
      if (i === 0) await shot(page, 'org-registration-form')
      await byId(page, 'register-submit').click()
      await byId(page, 'register-done').waitFor()
      if (i === 0) await shot(page, 'org-registration-done')
      await s.context.close()
    }),
  )
})

step('the bureau approves the organizations and sets up the catalog, evaluators and an auditor', async () => {
  admin = await session('admin')
  const { page } = admin
  await login(page, ADMIN.username, ADMIN.password)
  assert.match(page.url(), /\/manage\/tenders$/)

  // 机构审核: the three pending registrations.
  await nav(page, 'manage-orgs')
  await byId(page, 'org-admin-table').waitFor()
  for (const o of ORGS) {
    const row = page.locator('.el-table__row', { hasText: o.name }).first()
    await row.waitFor()
    if (o === ORGS[0]) await shot(page, 'admin-pending-organizations')
    await row.locator('[data-testid^="org-approve-"]').click()
    await confirm(page, o.name)
    await toast(page, '已通过审核')
    await row.waitFor({ state: 'detached' })
  }

  // 服务目录: the service being purchased.
  await nav(page, 'catalog', '系统管理')
  await byId(page, 'catalog-new').click()
  await field(page, 'catalog-code').fill(`ZC-${runId}`)
  await field(page, 'catalog-name').fill('老年人助餐配餐服务')
  await field(page, 'catalog-category').fill(CATEGORY)
  await field(page, 'catalog-description').fill('为社区老年人提供集中就餐、送餐上门服务')
  await byId(page, 'catalog-save').click()
  await toast(page, '已保存')
  await page.locator('.el-table__row', { hasText: '老年人助餐配餐服务' }).waitFor()
  await shot(page, 'admin-catalog')

  // 用户管理: three evaluators of the category and an auditor.
  await nav(page, 'users', '系统管理')
  for (const e of [...EVALUATORS, { ...AUDITOR, auditor: true }]) {
    await byId(page, 'user-new').click()
    const dialog = page.locator('.el-dialog:visible')
    await field(page, 'user-username').fill(e.username)
    await field(page, 'user-password').fill(PASSWORD)
    if (e.auditor) {
      await pick(page, 'user-role', '监督员')
    } else {
      await byId(page, 'user-expertise').click()
      await page.keyboard.type(CATEGORY)
      await page.locator('.el-select-dropdown__item:visible', { hasText: CATEGORY }).first().click()
      await page.keyboard.press('Escape')
    }
    await field(page, 'user-name').fill(e.name)
    if (e === EVALUATORS[0]) await shot(page, 'admin-new-evaluator')
    await byId(page, 'user-save').click()
    await toast(page, '已保存')
    await dialog.waitFor({ state: 'hidden' })
    await page.locator('.el-table__row', { hasText: e.username }).waitFor()
  }
  await shot(page, 'admin-users')
})

step('the bureau drafts the tender with the wizard, attaches the tender document and publishes it', async () => {
  const { page } = admin
  await nav(page, 'manage-tenders')
  await byId(page, 'tender-new').click()
  await page.waitForURL(/\/manage\/tenders\/new/)

  // 1 基本信息
  await radio(page, 'wizard-kind', '政府购买服务')
  await field(page, 'wizard-title').fill(TENDER_TITLE)
  await field(page, 'wizard-description').fill('为兴大社区60周岁以上老年人提供助餐服务：每日午餐集中就餐，行动不便老人送餐上门，服务期一年，按季度考核。')
  await pick(page, 'wizard-catalog', '老年人助餐配餐服务')
  await field(page, 'wizard-community').fill(COMMUNITY)
  await pick(page, 'wizard-funding', '福彩公益金')
  await typeDate(page, 'wizard-service-start', shanghaiDate(40))
  await typeDate(page, 'wizard-service-end', shanghaiDate(405))
  await shot(page, 'wizard-1-basics')
  await byId(page, 'wizard-next').click()

  // 2 预算与资格
  await field(page, 'wizard-budget').fill('300000')
  await field(page, 'wizard-budget').press('Tab')
  await fill(page, 'wizard-min-sw', 1)
  await fill(page, 'wizard-pref', 5)
  await shot(page, 'wizard-2-budget')
  await byId(page, 'wizard-next').click()

  // 3 评审办法: the default 40/30/30 criteria with a price criterion, panel of 3.
  await byId(page, 'criteria-ok').waitFor()
  assert.match(await byId(page, 'criteria-sum').innerText(), /100\.00 \/ 100/)
  await shot(page, 'wizard-3-criteria')
  await byId(page, 'wizard-next').click()

  // 4 时间安排, in Beijing time while the browser runs in Los Angeles.
  const deadline = nextMinuteAfter(BID_WINDOW_S)
  state.deadline = deadline
  await typeDate(page, 'wizard-enquiry-deadline', shanghaiInput(deadline))
  await typeDate(page, 'wizard-bid-deadline', shanghaiInput(deadline))
  await shot(page, 'wizard-4-deadlines')
  await byId(page, 'wizard-save').click()
  await page.waitForURL(/\/manage\/tenders\/[0-9a-f-]{36}$/)
  state.tenderId = page.url().split('/').pop()
  await byId(page, 'manage-title').filter({ hasText: TENDER_TITLE }).waitFor()

  // 招标文件
  await page.locator('.el-tabs__item', { hasText: '招标文件' }).click()
  await byId(page, 'tender-upload-input').setInputFiles({ name: '招标文件-老年助餐服务.pdf', mimeType: 'application/pdf', buffer: pdf('Tender document') })
  await page.locator('[data-testid="document-list"]', { hasText: '招标文件-老年助餐服务.pdf' }).waitFor()

  // 发布
  await byId(page, 'tender-publish').click()
  await confirm(page, TENDER_TITLE)
  await toast(page, '项目已发布')
  await page.locator('.page-title [data-status="open"]').waitFor()
  await page.locator('.el-tabs__item', { hasText: '项目概况' }).click()
  // The deadline is shown in Beijing time, the budget in 元 with two decimals.
  await byId(page, 'bid-deadline').filter({ hasText: shanghaiShown(deadline) }).waitFor()
  assert.match(await byId(page, 'tender-budget').innerText(), /300,000\.00 元/)
  await shot(page, 'admin-tender-published')
})

step('each organization bids: creates the bid, uploads a PDF, submits it and keeps the receipt', async () => {
  await Promise.all(
    ORGS.map(async (o, i) => {
      const s = await session(`org-${o.key}`)
      const { page } = s
      await login(page, o.username, PASSWORD)
      assert.match(page.url(), /\/org\/bids$/)
      await nav(page, 'home')
      await page.locator(`[data-testid="tender-card-${state.tenderId}"]`).click()
      await byId(page, 'tender-title').filter({ hasText: TENDER_TITLE }).waitFor()
      await byId(page, 'countdown-bid').waitFor()
      if (i === 0) await shot(page, 'org-tender-detail')
      await byId(page, 'go-bid').click()
      await page.waitForURL(/\/bid$/)

      await field(page, 'bid-price').fill(o.price)
      await field(page, 'bid-summary').fill(`${o.name}投标方案：组建${o.staff}人服务团队，其中持证社工${o.sw}名，提供集中就餐、送餐上门和营养配餐服务。`)
      await byId(page, 'bid-save').click()
      await toast(page, '已保存')
      await byId(page, 'bid-upload').waitFor()

      const file = `投标文件-${o.key.toUpperCase()}.pdf`
      await byId(page, 'bid-upload-input').setInputFiles({ name: file, mimeType: 'application/pdf', buffer: pdf(`Bid of organization ${o.key}`) })
      await byId(page, 'bid-documents').filter({ hasText: file }).waitFor()
      if (i === 0) await shot(page, 'org-bid-draft')

      await byId(page, 'bid-submit').click()
      await confirm(page, `报价 ${o.priceShown} 元，附件 1 个`)
      const dialog = page.locator('.el-dialog:visible', { hasText: '投标已提交' })
      await dialog.waitFor()
      const { file: receiptFile } = await download(page, () => byId(page, 'receipt-dialog-download').click(), `receipt-${o.key}.json`)
      const receipt = JSON.parse(readFileSync(receiptFile, 'utf8'))
      assert.equal(receipt.version, 1)
      assert.match(receipt.content_sha256, /^[0-9a-f]{64}$/)
      assert.ok(receipt.signature && receipt.key_id, 'the receipt is signed')
      state.receipts[o.key] = { file: receiptFile, receipt }
      if (i === 0) await shot(page, 'org-receipt-dialog')
      await byId(page, 'receipt-dialog-close').click()
      await dialog.waitFor({ state: 'hidden' })
      await byId(page, 'bid-status').filter({ hasText: '已提交' }).waitFor()
      assert.equal(await byId(page, 'receipt-hash').innerText(), receipt.content_sha256)

      if (o.revise) {
        // Changing a submitted bid returns it to draft after a warning; only a new submission counts.
        await field(page, 'bid-price').fill(o.revise.price)
        await byId(page, 'bid-save').click()
        await confirm(page, '退回草稿')
        await toast(page, '已保存')
        await byId(page, 'bid-status').filter({ hasText: '草稿' }).waitFor()
        await byId(page, 'bid-changed').waitFor()
        await shot(page, 'org-bid-revised-draft')
        await byId(page, 'bid-submit').click()
        await confirm(page, `报价 ${o.revise.priceShown} 元，附件 1 个`)
        await dialog.waitFor()
        const again = await download(page, () => byId(page, 'receipt-dialog-download').click(), `receipt-${o.key}-v2.json`)
        const r2 = JSON.parse(readFileSync(again.file, 'utf8'))
        assert.equal(r2.version, 2)
        assert.notEqual(r2.content_sha256, receipt.content_sha256, 'a new price is new content')
        state.receipts[o.key] = { file: again.file, receipt: r2 }
        await byId(page, 'receipt-dialog-close').click()
        await dialog.waitFor({ state: 'hidden' })
        await byId(page, 'bid-status').filter({ hasText: '已提交' }).waitFor()
      }

      if (i === 0) {
        // A question to the bureau before the enquiry deadline.
        await page.locator('.page-title a').click()
        await field(page, 'question-text').fill('送餐上门的服务对象是否包括独居老人以外的失能老人？')
        await byId(page, 'question-submit').click()
        await toast(page, '问题已提交')
        await shot(page, 'org-question')
      }
      await s.context.close()
    }),
  )
})

step('while the bids are sealed the bureau answers the question; at the deadline the bids open by themselves', async () => {
  const { page } = admin
  await goto(page, `/manage/tenders/${state.tenderId}`)
  await page.locator('.el-tabs__item', { hasText: '答疑' }).click()
  const answer = page.locator('[data-testid^="answer-text-"]').first()
  await answer.fill('包括。经社区评估的失能、半失能老人均可申请送餐上门。')
  await page.locator('[data-testid^="answer-submit-"]').first().click()
  await toast(page, '已答复')
  await shot(page, 'admin-answer')
  // Before the deadline nobody sees the bids: there is no opening tab.
  assert.equal(await page.locator('.el-tabs__item', { hasText: '开标与资格审查' }).count(), 0)

  const wait = state.deadline.getTime() - Date.now()
  if (wait > 0) await page.waitForTimeout(wait + 1500)
  await pollUntil(page, async () => (await page.locator('.page-title [data-status="evaluating"]').count()) > 0, { timeoutMs: 60_000 })
})

step('the bureau qualifies the three bids and draws the panel at random', async () => {
  const { page } = admin
  await page.locator('.el-tabs__item', { hasText: '开标与资格审查' }).click()
  const opening = byId(page, 'opening-table')
  await opening.waitFor()
  for (const o of ORGS) {
    const row = opening.locator('tbody tr', { hasText: o.name })
    // The opening record lists the last submitted version, with the hash of the receipt the bidder holds.
    await row.filter({ hasText: (o.revise || o).priceShown }).waitFor()
    await row.filter({ hasText: state.receipts[o.key].receipt.content_sha256 }).waitFor()
  }
  const table = byId(page, 'bids-table')
  // The bid documents are readable once opened.
  const first = table.locator('.el-table__row', { hasText: ORGS[0].name }).first()
  await first.locator('.el-table__expand-icon').click()
  await page.locator('[data-testid^="bid-docs-"]', { hasText: '投标文件-A.pdf' }).waitFor()
  await shot(page, 'admin-opening-record')
  for (const o of ORGS) {
    const row = table.locator('.el-table__row', { hasText: o.name }).first()
    await row.locator('[data-testid^="qualify-"]').click()
    await confirm(page, o.name)
    await toast(page, '资格审查结果已保存')
    await table.locator('.el-table__row', { hasText: o.name }).first().locator('[data-status="qualified"]').waitFor()
  }
  await shot(page, 'admin-qualified')

  await page.locator('.el-tabs__item', { hasText: '评审委员会' }).click()
  await byId(page, 'panel-draw').click()
  await confirm(page, '随机抽取 3 名')
  await toast(page, '评审专家已确定')
  const panel = byId(page, 'panel-table')
  for (const e of EVALUATORS) await panel.locator('.el-table__row', { hasText: e.name }).waitFor()
  assert.equal(await panel.locator('.el-table__row').count(), 3)
  await byId(page, 'panel-full').waitFor()
  await shot(page, 'admin-panel-drawn')
})

step('each evaluator declares no conflict, scores every bid and submits the sheet', async () => {
  await Promise.all(
    EVALUATORS.map(async (e, i) => {
      const s = await session(`evaluator-${i + 1}`)
      const { page } = s
      await login(page, e.username, PASSWORD)
      assert.match(page.url(), /\/evaluator\/panels$/)
      if (i === 0) await shot(page, 'evaluator-my-panels')
      await byId(page, `panel-${state.tenderId}`).click()
      await byId(page, 'declaration').waitFor()
      if (i === 0) await shot(page, 'evaluator-declaration')
      await radio(page, 'declare-conflict', '无利害关系')
      await byId(page, 'declare-submit').click()
      await confirm(page, '无利害关系')
      await toast(page, '声明已提交')

      for (const o of ORGS) {
        const card = page.locator(`.bid-sheet[data-org="${o.name}"]`)
        await card.waitFor()
        await card.locator('[data-testid^="bid-docs-"]', { hasText: `投标文件-${o.key.toUpperCase()}.pdf` }).waitFor()
        const scores = card.locator('input[data-testid^="score-"]')
        const comments = card.locator('input[data-testid^="comment-"]')
        assert.equal(await scores.count(), 2, 'two quality criteria to score')
        const mine = SCORES[o.key][i]
        for (let c = 0; c < 2; c++) {
          await scores.nth(c).fill(String(mine[c]))
          await comments.nth(c).fill(c === 0 ? '方案完整，措施具体' : '团队稳定，持证社工配备合理')
        }
        await card.locator('[data-testid^="sheet-save-"]').click()
        await toast(page, '已保存')
        await card.locator('.el-tag', { hasText: '未保存' }).waitFor({ state: 'detached' })
      }
      if (i === 0) await shot(page, 'evaluator-scoring-sheet')
      await byId(page, 'sheet-submit').click()
      await confirm(page, '3 个投标')
      await toast(page, '评分已提交')
      await byId(page, 'sheet-locked').waitFor()
      await s.context.close()
    }),
  )
})

step('the bureau views the results, downloads the 评分汇总表 and awards per the recommendation', async () => {
  const { page } = admin
  await goto(page, `/manage/tenders/${state.tenderId}`)
  await page.locator('.el-tabs__item', { hasText: '评审委员会' }).click()
  for (const e of EVALUATORS) {
    await byId(page, 'panel-table').locator('.el-table__row', { hasText: e.name }).filter({ hasText: '是' }).waitFor()
  }
  await page.locator('.el-tabs__item', { hasText: '评审与定标' }).click()
  const table = byId(page, 'evaluation-table')
  await table.waitFor()
  const rows = table.locator('tbody tr')
  assert.equal(await rows.count(), 3)
  const top = await rows.first().innerText()
  assert.match(top, new RegExp(ORGS[0].name))
  assert.match(top, /92\.00/, 'rank 1 totals 92.00')
  assert.match(top, /254,600\.00/, 'evaluated price after the 5% community preference')

  const { file, suggested } = await download(page, () => byId(page, 'evaluation-xlsx').click(), 'evaluation.xlsx')
  assert.match(suggested, /评分汇总表\.xlsx$/)
  assert.equal(readFileSync(file).subarray(0, 2).toString(), 'PK', 'an xlsx (zip) file')
  // In English the file is named in English.
  await setLanguage(page, 'en')
  const en = await download(page, () => byId(page, 'evaluation-xlsx').click(), 'evaluation-en.xlsx')
  assert.match(en.suggested, /-evaluation-summary\.xlsx$/)
  assert.doesNotMatch(en.suggested, /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/)
  await setLanguage(page, 'zh-CN')

  await byId(page, 'recommendation').filter({ hasText: ORGS[0].name }).waitFor()
  // The recommended bid is preselected; publicity ends shortly for the test.
  await byId(page, 'award-bids').locator('.el-radio.is-checked', { hasText: ORGS[0].name }).waitFor()
  await typeDate(page, 'award-publicity', shanghaiInput(nextMinuteAfter(180)))
  await shot(page, 'admin-evaluation-award')
  await byId(page, 'award-submit').click()
  await confirm(page, ORGS[0].name)
  await toast(page, '已定标')
  await page.locator('.page-title [data-status="awarded"]').waitFor()
  await byId(page, 'manage-awards').filter({ hasText: ORGS[0].priceShown }).waitFor()
  await shot(page, 'admin-awarded')
})

step('an organization checks its receipt against the opening record', async () => {
  // A fresh browser: the receipt comes from the downloaded file, not from this browser's memory.
  const o = ORGS[1]
  const s = await session(`org-${o.key}-check`)
  const { page } = s
  await login(page, o.username, PASSWORD)
  const card = page.locator('[data-testid^="my-bid-"]', { hasText: TENDER_TITLE })
  await card.locator('[data-status="qualified"]').waitFor()
  await shot(page, 'org-my-bids')
  await card.locator('a.title').click()
  await page.waitForURL(/\/bid$/)
  // The bidder learns the outcome on its bid page.
  await byId(page, 'bid-not-won').filter({ hasText: ORGS[0].name }).waitFor()
  const check = byId(page, 'receipt-check')
  await check.waitFor()
  await byId(page, 'receipt-file').setInputFiles(state.receipts[o.key].file)
  await byId(page, 'receipt-match').filter({ hasText: '一致' }).waitFor()
  assert.match(await check.innerText(), new RegExp(state.receipts[o.key].receipt.content_sha256))
  // The facts the evaluation uses are those frozen at submission (SPEC §8.2).
  await byId(page, 'receipt-facts').filter({ hasText: o.community }).waitFor()
  await shot(page, 'org-receipt-check')
  await s.context.close()
})

// B objects during the publicity (质疑) on the tender page; the bureau dismisses it with a reply on the
// tender's 质疑 tab, and B reads the reply where it objected. Dismissed, the award stands.
const OBJECTION = '对团队与资质一项的评分有异议：本机构持证社工 5 名，评审意见未予体现，请予复核。'
const OBJECTION_REPLY = '经复核，评审专家已按评分标准核定团队与资质得分，质疑不成立。'

step('an organization objects to the award on the tender page; the bureau replies and the organization reads the reply', async () => {
  const o = ORGS[1]
  const s = await session(`org-${o.key}-objection`)
  const { page } = s
  await login(page, o.username, PASSWORD)
  await goto(page, `/tenders/${state.tenderId}`)
  const card = byId(page, 'objection-card')
  await card.filter({ hasText: '可在公示期内提出书面质疑' }).waitFor()
  assert.equal(await card.locator('[data-testid^="my-objection-"]').count(), 0, 'no objection yet')
  assert.ok(await byId(page, 'objection-submit').isDisabled(), 'an empty objection cannot be submitted')
  await fill(page, 'objection-text', OBJECTION)
  await byId(page, 'objection-submit').click()
  await confirm(page, '提交后不可撤回')
  await toast(page, '质疑已提交')
  const mine = card.locator('[data-testid^="my-objection-"]', { hasText: OBJECTION })
  await mine.filter({ hasText: '待处理' }).waitFor()
  assert.equal(await field(page, 'objection-text').inputValue(), '', 'the form is cleared once filed')
  await shot(page, 'org-objection-filed')

  // The bureau answers on the tender's 质疑 tab: 质疑不成立 (the default), with a reply.
  const ap = admin.page
  await goto(ap, `/manage/tenders/${state.tenderId}`)
  await ap.locator('.el-tabs__item', { hasText: /^\s*质疑/ }).click()
  const item = ap.locator('.objection', { hasText: OBJECTION })
  await item.filter({ hasText: o.name }).filter({ hasText: '待处理' }).waitFor()
  // el-input puts its test id on the textarea itself.
  await item.locator('textarea[data-testid^="objection-response-"]').fill(OBJECTION_REPLY)
  await item.locator('[data-testid^="objection-resolve-"]').click()
  await confirm(ap, '确认质疑不成立并答复')
  await toast(ap, '质疑已处理')
  await item.filter({ hasText: '不成立' }).filter({ hasText: `答复：${OBJECTION_REPLY}` }).waitFor()
  await shot(ap, 'admin-objection-resolved')

  // The organization sees the answer where it objected; the award stands.
  await page.reload()
  await page.waitForLoadState('networkidle')
  await mine.filter({ hasText: '不成立' }).waitFor()
  await mine.locator('[data-testid="objection-reply"]').filter({ hasText: `答复：${OBJECTION_REPLY}` }).waitFor()
  await byId(page, 'awards-table').filter({ hasText: ORGS[0].name }).waitFor()
  await shot(page, 'org-objection-answered')
  await s.context.close()
})

step('an organization reads its bid and the tender page in English, with no Chinese left in the chrome', async () => {
  const o = ORGS[1]
  const s = await session(`org-${o.key}-english`)
  const { page } = s
  await login(page, o.username, PASSWORD)
  await setLanguage(page, 'en')
  await goto(page, `/org/tenders/${state.tenderId}/bid`)
  await byId(page, 'bid-status').filter({ hasText: 'Qualified' }).waitFor()
  await byId(page, 'bid-not-won').waitFor()
  assert.deepEqual(await chineseChrome(s), [], 'bid editor in English')
  await shot(page, 'org-bid-english')
  await goto(page, `/tenders/${state.tenderId}`)
  await byId(page, 'tender-title').filter({ hasText: TENDER_TITLE }).waitFor()
  await byId(page, 'awards-table').filter({ hasText: ORGS[0].name }).waitFor()
  // Its objection and the bureau's reply, in English chrome around the Chinese content.
  const objection = byId(page, 'objection-card').locator('[data-testid^="my-objection-"]', { hasText: OBJECTION })
  await objection.filter({ hasText: 'Dismissed' }).waitFor()
  await objection.locator('[data-testid="objection-reply"]').filter({ hasText: `Response: ${OBJECTION_REPLY}` }).waitFor()
  await byId(page, 'objection-card').getByText('Objections', { exact: true }).waitFor()
  assert.deepEqual(await chineseChrome(s), [], 'tender page in English')
  await shot(page, 'tender-english')
  // The choice is remembered.
  await page.reload()
  await byId(page, 'tender-title').waitFor()
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en')
  await s.context.close()
})

step('a first visit takes the language the browser prefers', async () => {
  const en = await session('visitor-en', { locale: 'en-US' })
  await goto(en.page, '/')
  assert.equal(await en.page.evaluate(() => document.documentElement.lang), 'en')
  assert.deepEqual(await chineseChrome(en), [], 'home page in English')
  await en.context.close()
  const zh = await session('visitor-zh', { locale: 'zh-CN' })
  await goto(zh.page, '/')
  assert.equal(await zh.page.evaluate(() => document.documentElement.lang), 'zh-CN')
  await zh.context.close()
})

step('the public sees the award notice, the panel, the results and the opening record', async () => {
  const s = await session('public')
  const { page } = s
  await goto(page, '/')
  await byId(page, 'filter-status').selectOption({ label: '公示中' }) // the home page's filters are native selects
  await page.locator(`[data-testid="tender-card-${state.tenderId}"]`).click()
  await byId(page, 'tender-title').filter({ hasText: TENDER_TITLE }).waitFor()
  const awards = byId(page, 'awards-table')
  await awards.filter({ hasText: ORGS[0].name }).filter({ hasText: ORGS[0].priceShown }).waitFor()
  const names = await byId(page, 'panel-names').innerText()
  for (const e of EVALUATORS) assert.match(names, new RegExp(e.name))
  await byId(page, 'evaluation-table').filter({ hasText: '92.00' }).waitFor()
  for (const o of ORGS) await byId(page, 'opening-table').filter({ hasText: o.name }).waitFor()
  await byId(page, 'publicity-ends').waitFor()
  // Nobody's phone number is public.
  const text = await page.locator('main').innerText()
  for (const o of ORGS) assert.ok(!text.includes(o.phone), 'contact phones stay private')
  await shot(page, 'public-award-notice')
  // Anyone can recompute the panel draw in the browser (SPEC §8.4).
  assert.match(await byId(page, 'draw-commitment').innerText(), /^[0-9a-f]{64}$/)
  await byId(page, 'draws-verify').click()
  await byId(page, 'draws-match').waitFor()
  await shot(page, 'public-draws-verified')
  await s.context.close()
})

step('the auditor verifies the audit log', async () => {
  const s = await session('auditor')
  const { page } = s
  await login(page, AUDITOR.username, PASSWORD)
  assert.match(page.url(), /\/manage\/tenders$/)
  await byId(page, `manage-tender-${state.tenderId}`).waitFor()
  await nav(page, 'audit')
  await byId(page, 'audit-table').locator('.el-table__row').first().waitFor()
  await byId(page, 'audit-verify').click()
  await byId(page, 'audit-ok').waitFor()
  await shot(page, 'auditor-audit-verified')
  await s.context.close()
  await admin.context.close()
})

after(() => {
  writeArtifact('run.json', JSON.stringify({ base: BASE, runId, tenderId: state.tenderId, broken: step.broken() }, null, 2))
})
