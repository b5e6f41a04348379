// The browser journeys' side of the test harness (tests/support/harness.mjs runs the
// server): a server seeded with the demo data, Debian's Chromium through playwright-core,
// and the fixture every journey file shares (journeys()).
//
// Environment (besides tests/support/harness.mjs's):
//   ADMIT_E2E_BASE_URL use an already running server instead (with ADMIT_E2E_OUTBOX)
//   ADMIT_E2E_OUTBOX   that server's mail outbox folder
//   CHROMIUM           browser binary (default /usr/bin/chromium)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { AdmitServer, BIN, PASSWORD, findLink, uniqueEmail, waitFor, waitForMail } from '../support/harness.mjs';

export { PASSWORD, uniqueEmail, eventBody, publishedEvent, registerIssued, downloadPdf, pdfPages, qrOf } from '../support/harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const resultsDir = path.join(here, 'test-results');

/** Why the journeys cannot run here, or null when they can. */
export function skipReason() {
  if (process.env.ADMIT_E2E_BASE_URL) return null;
  if (!process.env.ADMIT_BIN) return 'ADMIT_BIN is not set (run through ctest -L e2e)';
  if (!fs.existsSync(BIN)) return `ADMIT_BIN ${BIN} does not exist`;
  return null;
}

// A server already running at ADMIT_E2E_BASE_URL, in the shape of AdmitServer (its
// command line is not ours to run).
class ExternalServer extends AdmitServer {
  constructor(baseUrl) {
    super({ dataDir: os.tmpdir(), database: 'external' });
    this.baseUrl = baseUrl.replace(/\/$/, '');
  }

  get url() { return this.baseUrl; }
  get outboxDir() { return process.env.ADMIT_E2E_OUTBOX; }

  async start() {
    await waitFor(async () => { try { return (await fetch(`${this.url}/healthz`)).ok; } catch { return false; } },
      `${this.url}/healthz`, 30_000, 150);
    return this;
  }

  async stop() {}
}

/**
 * `admit serve` on a fresh data folder seeded by `admit demo`, with `env` (ADMIT_* settings)
 * over the defaults (or the server at ADMIT_E2E_BASE_URL).
 */
export async function startServer({ env = {} } = {}) {
  if (process.env.ADMIT_E2E_BASE_URL) return new ExternalServer(process.env.ADMIT_E2E_BASE_URL).start();
  const server = new AdmitServer({ seed: [['migrate'], ['demo']], env });
  if (!fs.existsSync(path.join(server.env.ADMIT_WEB_ROOT, 'index.html'))) {
    await server.stop();
    throw new Error(`${server.env.ADMIT_WEB_ROOT}/index.html is missing: build the web app first (cd web && npm ci && npm run build)`);
  }
  return server.start();
}

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

export function launchBrowser(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [...chromiumArgs, ...extraArgs],
  });
}

/** A fresh browser context and page on the server, with sane timeouts. */
export async function newPage(browser, baseUrl, { width = 1280, height = 900 } = {}) {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: { width, height },
    locale: 'en-GB',
    timezoneId: 'Europe/Berlin',
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.consoleErrors = consoleErrors;
  return page;
}

/** Runs a journey step; on failure saves a full-page screenshot to test-results/ first. */
export async function withScreenshot(page, name, fn) {
  try {
    return await fn();
  } catch (e) {
    fs.mkdirSync(resultsDir, { recursive: true });
    const file = path.join(resultsDir, `${name.replace(/[^a-z0-9-]+/gi, '_').slice(0, 60)}-${Date.now()}.png`);
    try {
      await page.screenshot({ path: file, fullPage: true });
      e.message += `\n(screenshot: ${file}; url: ${page.url()})`;
    } catch {
      /* the page may be gone */
    }
    throw e;
  }
}

// ---------------------------------------------------------------- the fixture

/**
 * The fixture of a journey file: before its tests a demo-seeded server and (unless
 * `browser: false`) a Chromium, after them both closed; `skip` adds a reason of the file's
 * own; `env` (an object, or a function asked when the server starts: it may start a peer
 * the server is to know of first) adds server settings; `setUp(j)` runs once both are up
 * (in the same hook: node:test runs a file's top-level `before` hooks side by side, so a
 * second one could not count on the server). Answers {skip, server, browser,
 * page(viewport), journey(name, options, fn)}.
 */
export function journeys({ browser = true, skip = null, env = {}, setUp } = {}) {
  const j = { skip: skipReason() ?? skip, server: null, browser: null };
  before(async () => {
    if (j.skip) return;
    j.server = await startServer({ env: typeof env === 'function' ? await env() : env });
    if (browser) j.browser = await launchBrowser();
    if (setUp) await setUp(j);
  });
  after(async () => {
    await j.browser?.close();
    await j.server?.stop();
  });
  j.page = (viewport) => newPage(j.browser, j.server.url, viewport);
  // A test running fn(page) on a fresh page (a screenshot when it fails) that then checks
  // the page raised no error.
  j.journey = (name, { timeout = 180_000, viewport } = {}, fn) =>
    test(name, { skip: j.skip ?? false, timeout }, async () => {
      const page = await j.page(viewport);
      try {
        await withScreenshot(page, name, () => fn(page));
        assert.deepEqual(page.consoleErrors, [], 'no errors on the page');
      } finally {
        await page.context().close();
      }
    });
  return j;
}

// ---------------------------------------------------------------- journeys' shared steps

/** Signs up through the web form, opens the link from the mail, and lands on "confirmed". */
export async function signUpAndVerify(page, server, { name, email, role = 'attendee', password = PASSWORD }) {
  await page.goto('/sign-up');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('radio', { name: role === 'organizer' ? 'Organize events' : 'Attend events' }).check();
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Check your email' }).waitFor();

  const mail = await waitForMail(server.outboxDir, { to: email });
  const link = findLink(mail, '/verify');
  if (!link) throw new Error(`no /verify link in the mail:\n${mail}`);
  const url = new URL(link);
  await page.goto(url.pathname + url.search);
  await page.getByText('Your email address is confirmed.').waitFor();
}

export async function signIn(page, { email, password = PASSWORD }) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** A new account made through the web form, signed in on `page`; answers its email. */
export async function signedUp(page, server, { name, role = 'attendee', tag = 'e2e' }) {
  const email = uniqueEmail(tag);
  await signUpAndVerify(page, server, { name, email, role });
  await signIn(page, { email });
  await page.getByTestId('current-user').waitFor();
  return email;
}

const freeOnSale = (t, now) => t.price === 0 && t.remaining > 0 &&
  (!t.sales_start || Date.parse(t.sales_start) <= now) && (!t.sales_end || Date.parse(t.sales_end) > now);

/**
 * Registers the signed-in page for one ticket of a free demo event on sale, through the
 * event page; answers {event, type, registrationId} on the registration's page.
 */
export async function registerForFreeEvent(page) {
  const { items } = await (await page.request.get('/api/v1/events?limit=100')).json();
  const now = Date.now();
  const event = items.find((e) => e.remaining > 0 && e.ticket_types.some((t) => freeOnSale(t, now)));
  assert.ok(event, 'the demo data should have a free event with tickets on sale');
  const type = event.ticket_types.find((t) => freeOnSale(t, now));
  await page.goto(`/events/${event.id}`);
  await page.getByRole('heading', { name: event.title, level: 1 }).waitFor();
  await page.getByLabel(`Quantity of ${type.name}`).selectOption('1');
  await page.getByText('1 ticket · Free').waitFor();
  await page.getByRole('button', { name: 'Register' }).click();
  await page.waitForURL(/\/registrations\/[^/]+$/);
  return { event, type, registrationId: page.url().split('/').pop() };
}
