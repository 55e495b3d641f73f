// Browser helpers for the end-to-end tests: sessions per role, Element Plus
// widgets driven the way a person would, screenshots and a console watch.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { chromium } from 'playwright-core'

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

export const BASE = (process.env.E2E_BASE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '')
export const ARTIFACTS = process.env.E2E_ARTIFACTS || new URL('../artifacts/', import.meta.url).pathname
export const SHOTS = join(ARTIFACTS, 'screenshots')
export const DOWNLOADS = join(ARTIFACTS, 'downloads')
mkdirSync(SHOTS, { recursive: true })
mkdirSync(DOWNLOADS, { recursive: true })

// The browser runs in another time zone than the portal on purpose: every
// time must still be shown in Asia/Shanghai.
export const BROWSER_TZ = 'America/Los_Angeles'
const WAIT = 20_000

let browser = null
export async function launch() {
  browser = await chromium.launch({
    executablePath: process.env.E2E_CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  })
  return browser
}
export async function close() {
  await browser?.close()
  browser = null
}

/** problems collects what must not happen in any page: JS errors, console errors, 5xx answers. */
export const problems = []

/**
 * provoked removes from problems the one line a step caused on purpose — the
 * browser's console line for a request the server refused (e.g. /status of
 * 422/) — and fails if there is none, so a refusal the test expects is also
 * checked to have happened.
 */
export function provoked(pattern) {
  const i = problems.findIndex((p) => pattern.test(p))
  if (i < 0) throw new Error(`no console line matching ${pattern}: ${JSON.stringify(problems)}`)
  problems.splice(i, 1)
}

/**
 * stepper returns step(name, fn, timeout): one node:test test per stage of a
 * flow. Once a step failed the later ones are skipped (they build on it), and
 * a step fails on any console error, page error or 5xx answer it caused.
 */
export function stepper(defaultTimeout = 240_000) {
  let broken = ''
  function step(name, fn, timeout = defaultTimeout) {
    test(name, { timeout }, async (t) => {
      if (broken) {
        t.skip(`skipped: "${broken}" failed`)
        return
      }
      problems.length = 0
      try {
        await fn(t)
        assert.deepEqual(problems, [], 'no console errors, page errors or 5xx answers')
      } catch (e) {
        broken = name
        throw e
      }
    })
  }
  /** step.broken() names the step that failed ('' while none has), e.g. for a run's artifacts. */
  step.broken = () => broken
  return step
}

/** session opens a fresh browser context (its own cookies and localStorage) with one page; locale is the browser's preferred language. */
export async function session(label, { locale = 'zh-CN' } = {}) {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 900 },
    locale,
    timezoneId: BROWSER_TZ,
    acceptDownloads: true,
    // The portal honours prefers-reduced-motion, so colours are final when axe-core measures them.
    reducedMotion: 'reduce',
  })
  context.setDefaultTimeout(WAIT)
  const page = await context.newPage()
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`${label}: console error: ${m.text()} (${page.url()})`)
  })
  page.on('pageerror', (e) => problems.push(`${label}: page error: ${e.message} (${page.url()})`))
  // Every Chinese string the API sent: content, which may stay Chinese whatever the UI language.
  const data = new Set()
  page.on('response', async (r) => {
    if (r.status() >= 500) problems.push(`${label}: HTTP ${r.status()} ${r.request().method()} ${r.url()}`)
    if (!r.url().includes('/api/') || !(r.headers()['content-type'] || '').includes('json')) return
    try {
      hanStrings(await r.json(), data)
    } catch {
      /* bodies of redirects and aborted requests cannot be read */
    }
  })
  return { context, page, label, data }
}

// Han characters and the CJK and full-width punctuation (：、，（）《》): an English
// reader gets neither unless it is content.
const CJK = '\\u3000-\\u303f\\u3400-\\u9fff\\uff00-\\uffef'
const HAN = new RegExp(`[${CJK}]`)
function hanStrings(v, out) {
  if (typeof v === 'string') {
    if (HAN.test(v)) out.add(v)
  } else if (v && typeof v === 'object') for (const x of Object.values(v)) hanStrings(x, out)
}

/** setLanguage switches the UI language with the header's language menu. */
export async function setLanguage(page, locale) {
  if ((await page.evaluate(() => document.documentElement.lang)) !== locale) await byId(page, 'lang-switch').click()
  await page.waitForFunction((l) => document.documentElement.lang === l, locale)
}

/**
 * inEnglish switches the session's page to English, waits for a text the page
 * shows in English (a heading or a label, matched exactly), checks the page's
 * accessibility in English and that nothing but content stays Chinese
 * (chineseChrome), then switches back to Chinese unless keep is set.
 */
export async function inEnglish(s, text, { keep = false } = {}) {
  await setLanguage(s.page, 'en')
  await s.page.getByText(text, { exact: true }).first().waitFor()
  await checkA11y(s.page, 'in English')
  const left = await chineseChrome(s)
  if (left.length) throw new Error(`Chinese left in the English page ${s.page.url()}: ${left.join(' | ')}`)
  if (!keep) await setLanguage(s.page, 'zh-CN')
}

/**
 * chineseChrome lists the Chinese the page shows that is not content: visible
 * text, titles, placeholders and labels with Han characters or full-width
 * punctuation (：、（）) that no API
 * response of this session contained. Text marked with another lang (the
 * language menu's 中文, the logo) is skipped, as a screen reader would switch
 * voices for it.
 */
export async function chineseChrome(s) {
  const texts = await s.page.evaluate((cjk) => {
    const han = new RegExp(`[${cjk}]`)
    const out = []
    const foreign = (el) => {
      const l = el?.closest('[lang]')?.getAttribute('lang') || ''
      return l && !l.startsWith(document.documentElement.lang)
    }
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement
      if (!han.test(n.nodeValue) || foreign(el) || !el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue
      out.push(n.nodeValue.trim())
    }
    for (const el of document.querySelectorAll('[placeholder], [aria-label], [title], img[alt]')) {
      if (foreign(el) || !el.checkVisibility()) continue
      for (const a of ['placeholder', 'aria-label', 'title', 'alt']) {
        const v = el.getAttribute(a)
        if (v && han.test(v)) out.push(v)
      }
    }
    if (han.test(document.title)) out.push(document.title)
    return out
  }, CJK)
  const data = [...s.data]
  const bad = []
  const runs = new RegExp(`[${CJK}]+`, 'g')
  const punctuation = /^[\u3000-\u303f\uff00-\uffef]+$/
  for (const text of texts) {
    for (const m of text.matchAll(runs)) {
      // Punctuation alone (a "：" after an English label) counts as content only with a
      // character beside it as the API sent them: "A（B" or a title's closing "6）", not "Lot：".
      const [run, end] = [m[0], m.index + m[0].length]
      const beside = punctuation.test(run)
        ? [m.index > 0 && text.slice(m.index - 1, end), end < text.length && text.slice(m.index, end + 1)].filter(Boolean)
        : [run]
      if (!beside.length) beside.push(run)
      if (!data.some((d) => beside.some((b) => d.includes(b)))) bad.push(text)
    }
  }
  return [...new Set(bad)]
}

/**
 * checkA11y runs axe-core's WCAG 2.1 A and AA rules on the page as it is now
 * and throws on any violation. goto, nav, login and shot call it, so every
 * page a test visits is checked. The page's CSP (script-src 'self') refuses
 * an inline <script>, so axe is evaluated through the DevTools protocol
 * rather than added with page.addScriptTag.
 */
export async function checkA11y(page, where = '') {
  await page.waitForLoadState('networkidle').catch(() => {})
  // Colours are judged once transitions (toasts and tags fading in) have finished.
  await page.evaluate(() =>
    Promise.race([
      Promise.all(document.getAnimations().filter((a) => a.effect?.getComputedTiming().endTime !== Infinity).map((a) => a.finished.catch(() => {}))),
      new Promise((r) => setTimeout(r, 2000)),
    ]),
  )
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE)
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    })
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')}: ${(n.failureSummary || '').split('\n').slice(1).join(' ').trim()}`),
    }))
  })
  if (violations.length && process.env.E2E_A11Y_LOG) {
    // Survey mode: record everything and go on (for fixing many pages at once).
    writeFileSync(process.env.E2E_A11Y_LOG, JSON.stringify({ where: where || page.url(), violations }) + '\n', { flag: 'a' })
    return
  }
  if (violations.length) {
    const text = violations.map((v) => `  ${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n}`).join('\n')}`).join('\n')
    throw new Error(`accessibility: ${violations.length} axe-core violation(s) on ${where || page.url()}:\n${text}`)
  }
}

// Budgets of SPEC §8.6 for the first view of a public page, as the browser received it.
export const JS_BUDGET = 170 * 1024
export const TOTAL_BUDGET = 300 * 1024
const PRIVATE = /^\/(manage|org|evaluator)\//

/** checkBudget fails when the page, loaded afresh, took more bytes than a public page may. */
export async function checkBudget(page, path) {
  if (PRIVATE.test(path)) return
  // The budget is the public's first view: a signed-in organization or clerk
  // on a public page also loads its own tools (bid, objection, receipt check).
  if (await page.evaluate(() => Boolean(JSON.parse(localStorage.getItem('portal.auth') || '{}').accessToken))) return
  const { js, total } = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0]
    let js = 0
    let total = nav ? nav.encodedBodySize : 0
    for (const e of performance.getEntriesByType('resource')) {
      total += e.encodedBodySize
      if (e.initiatorType === 'script' || /\.m?js(\?|$)/.test(e.name)) js += e.encodedBodySize
    }
    return { js, total }
  })
  if (js > JS_BUDGET || total > TOTAL_BUDGET) {
    throw new Error(`budget: ${path} transferred ${(js / 1024).toFixed(1)} KiB of JavaScript (≤ 170) and ${(total / 1024).toFixed(1)} KiB in all (≤ 300)`)
  }
  // The API answers index.html's first-view script asked for early (route meta.prefetch) were all taken by the
  // page: a request the page then sends differently is asked twice.
  const untaken = await page.evaluate(() => Object.keys(window.__portalFirstView?.api || {}))
  if (untaken.length) {
    throw new Error(`first view: ${path} prefetched ${untaken.join(', ')} but the page did not take it (meta.prefetch in src/router.js must be the request exactly as the page sends it)`)
  }
}

let shotNo = 0
/** shot saves a full-page screenshot named after the step (after checking the page with axe-core). */
export async function shot(page, name) {
  shotNo += 1
  await checkA11y(page, `${page.url()} (${name})`)
  await page.waitForLoadState('networkidle').catch(() => {})
  // Let Element Plus finish its transitions (loading masks, dialogs fading);
  // from the top, so that the sticky header is not painted mid-page.
  await page.evaluate(() => window.scrollTo(0, 0))
  await page.waitForTimeout(300)
  const file = join(SHOTS, `${String(shotNo).padStart(2, '0')}-${name}.png`)
  await page.screenshot({ path: file, fullPage: true })
  return file
}

export const byId = (page, id) => page.locator(`[data-testid="${id}"]`)

/** field returns the input or textarea an Element Plus control renders for a test id. */
export function field(page, id, scope = page) {
  return scope.locator(`input[data-testid="${id}"], textarea[data-testid="${id}"], [data-testid="${id}"] input, [data-testid="${id}"] textarea`).first()
}

export async function fill(page, id, value) {
  const f = field(page, id)
  await f.fill(String(value))
  await f.press('Tab')
}

/** goto opens a path of the portal, waits until its requests have settled, and checks its budget and accessibility. */
export async function goto(page, path) {
  await page.goto(BASE + path)
  await page.waitForLoadState('networkidle')
  await checkBudget(page, path)
  await checkA11y(page)
}

/** nav clicks an item of the top menu (opening its sub-menu first when needed). */
export async function nav(page, id, parentText) {
  const item = byId(page, `nav-${id}`).first()
  if (parentText && !(await item.isVisible())) {
    await page.locator('.main-nav .sub-title', { hasText: parentText }).click()
  }
  await item.click()
  await page.waitForLoadState('networkidle')
  await checkA11y(page)
}

/** login signs in through the login page the way a person does, from the home page. */
export async function login(page, username, password) {
  await goto(page, '/')
  await byId(page, 'nav-login').click()
  await page.waitForURL(/\/login/)
  await checkA11y(page)
  await field(page, 'login-username').fill(username)
  await field(page, 'login-password').fill(password)
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), byId(page, 'login-submit').click()])
  await page.waitForLoadState('networkidle')
  await checkA11y(page)
}

/** confirm accepts the confirmation dialog an irreversible step shows, checking its text. */
export async function confirm(page, expectText) {
  const box = page.locator('.el-message-box:visible')
  await box.waitFor()
  if (expectText) await box.locator('.el-message-box__message', { hasText: expectText }).waitFor()
  await box.locator('.confirm-ok').click()
  await box.waitFor({ state: 'hidden' })
}

/** answerPrompt types text into the prompt an action shows (a reason, a note), checking its message, and confirms it. */
export async function answerPrompt(page, text, expectText) {
  const box = page.locator('.el-message-box:visible')
  await box.waitFor()
  if (expectText) await box.locator('.el-message-box__message', { hasText: expectText }).waitFor()
  await box.locator('textarea, input').first().fill(text)
  await box.locator('.confirm-ok').click()
  await box.waitFor({ state: 'hidden' })
}

/** toast waits for a success message containing text. */
export async function toast(page, text) {
  await page.locator('.el-message--success', { hasText: text }).first().waitFor()
}

/** pick chooses an option of an el-select by its visible text. */
export async function pick(page, selectId, text) {
  await byId(page, selectId).click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click()
}

/** radio clicks the radio (or radio button) labelled text inside a group. */
export async function radio(page, groupId, text) {
  await byId(page, groupId).locator('label', { hasText: text }).first().click()
}

/** typeDate types a date or "YYYY-MM-DD HH:mm" into an Element Plus picker and closes it. */
export async function typeDate(page, id, text) {
  const input = byId(page, id).locator('input').first()
  await input.click()
  await input.fill(text)
  await input.press('Enter')
  await page.keyboard.press('Escape').catch(() => {})
  await page.locator('.el-picker__popper:visible').waitFor({ state: 'hidden' }).catch(() => {})
}

/** download runs action, waits for the file the browser offers and keeps it under artifacts. */
export async function download(page, action, name) {
  const [dl] = await Promise.all([page.waitForEvent('download'), action()])
  const file = join(DOWNLOADS, name || dl.suggestedFilename())
  await dl.saveAs(file)
  return { file, suggested: dl.suggestedFilename() }
}

/** pollUntil reloads page until check() is true, up to timeoutMs. */
export async function pollUntil(page, check, { timeoutMs = 90_000, everyMs = 2_000, reload = true } = {}) {
  const end = Date.now() + timeoutMs
  for (;;) {
    if (await check()) return
    if (Date.now() > end) throw new Error('condition not reached in time')
    await page.waitForTimeout(everyMs)
    if (reload) {
      await page.reload()
      await page.waitForLoadState('networkidle')
    }
  }
}

export function writeArtifact(name, content) {
  const file = join(ARTIFACTS, name)
  writeFileSync(file, content)
  return file
}
