// Harness for the browser journeys: runs the real admit binary on a free port with a
// throw-away data directory, and drives Debian's Chromium through playwright-core.
//
// Environment:
//   ADMIT_BIN          path of the server binary (required unless ADMIT_E2E_BASE_URL)
//   ADMIT_SOURCE_DIR   the source tree (default: two levels up); web/dist is served from it
//   ADMIT_E2E_BASE_URL use an already running server instead (with ADMIT_E2E_OUTBOX)
//   ADMIT_E2E_OUTBOX   that server's mail outbox directory
//   CHROMIUM           browser binary (default /usr/bin/chromium)
//   ADMIT_E2E_KEEP=1   keep the data directory and print where it is
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const sourceDir = process.env.ADMIT_SOURCE_DIR || path.resolve(here, '..', '..');
export const resultsDir = path.join(here, 'test-results');

/** Why the journeys cannot run here, or null when they can. */
export function skipReason() {
  if (process.env.ADMIT_E2E_BASE_URL) return null;
  if (!process.env.ADMIT_BIN) return 'ADMIT_BIN is not set (run through ctest -L e2e)';
  if (!fs.existsSync(process.env.ADMIT_BIN)) return `ADMIT_BIN ${process.env.ADMIT_BIN} does not exist`;
  return null;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitHealthy(baseUrl, child, logs, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) {
      throw new Error(`admit serve exited with ${child.exitCode}\n${logs.join('')}`);
    }
    try {
      const res = await fetch(`${baseUrl}/healthz`);
      if (res.ok) return;
    } catch {
      /* not yet */
    }
    await sleep(150);
  }
  throw new Error(`admit did not answer /healthz within ${timeoutMs} ms\n${logs.join('')}`);
}

/**
 * Starts `admit serve` on a fresh data directory seeded by `admit demo`.
 * `env` adds settings (e.g. the Stripe test server's). Returns {baseUrl, dataDir, outboxDir, env, stop()}.
 */
export async function startServer({ env: extra = {} } = {}) {
  if (process.env.ADMIT_E2E_BASE_URL) {
    const baseUrl = process.env.ADMIT_E2E_BASE_URL.replace(/\/$/, '');
    await waitHealthy(baseUrl, null, []);
    return { baseUrl, dataDir: null, outboxDir: process.env.ADMIT_E2E_OUTBOX, env: process.env, stop: async () => {} };
  }
  const bin = process.env.ADMIT_BIN;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'admit-e2e-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // The server refuses ADMIT_* variables it does not know: pass on only its own.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ADMIT_E2E_')));
  const env = {
    ...inherited,
    ADMIT_LISTEN: `127.0.0.1:${port}`,
    ADMIT_DATA_DIR: dataDir,
    ADMIT_DATABASE: `sqlite:${path.join(dataDir, 'admit.db')}`,
    ADMIT_WEB_ROOT: path.join(sourceDir, 'web', 'dist'),
    ADMIT_PUBLIC_URL: baseUrl,
    ...extra,
  };
  if (!fs.existsSync(path.join(env.ADMIT_WEB_ROOT, 'index.html'))) {
    throw new Error(`${env.ADMIT_WEB_ROOT}/index.html is missing: build the web app first (cd web && npm ci && npm run build)`);
  }
  for (const args of [['migrate'], ['demo']]) {
    const r = spawnSync(bin, args, { env, encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) {
      throw new Error(`admit ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
    }
  }
  const logs = [];
  const child = spawn(bin, ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk) => {
    logs.push(chunk.toString());
    if (logs.length > 400) logs.shift();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const kill = () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.once('exit', kill);
  try {
    await waitHealthy(baseUrl, child, logs);
  } catch (e) {
    kill();
    throw e;
  }
  return {
    baseUrl,
    dataDir,
    outboxDir: path.join(dataDir, 'outbox'),
    env,
    logs,
    async stop() {
      process.removeListener('exit', kill);
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([new Promise((r) => child.once('exit', r)), sleep(5000)]);
        kill();
      }
      if (process.env.ADMIT_E2E_KEEP) console.log(`# kept data dir ${dataDir}`);
      else fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
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

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: chromiumArgs,
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
    const file = path.join(resultsDir, `${name.replace(/[^a-z0-9-]+/gi, '_')}-${Date.now()}.png`);
    try {
      await page.screenshot({ path: file, fullPage: true });
      e.message += `\n(screenshot: ${file}; url: ${page.url()})`;
    } catch {
      /* the page may be gone */
    }
    throw e;
  }
}

// ---------------------------------------------------------------- mail

function decodeQuotedPrintable(s) {
  const bytes = [];
  const text = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function parseHeaders(block) {
  const headers = {};
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return headers;
}

/** The decoded text of every text/* part of a MIME message, joined. */
export function mailText(raw) {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers = parseHeaders(head);
  const type = headers['content-type'] || 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    return body
      .split(`--${boundary}`)
      .slice(1)
      .filter((part) => !part.startsWith('--'))
      .map((part) => mailText(part.replace(/^\r?\n/, '')))
      .join('\n');
  }
  const cte = (headers['content-transfer-encoding'] || '').toLowerCase();
  if (cte === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (cte === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}

export function mailHeaders(raw) {
  const split = raw.search(/\r?\n\r?\n/);
  return parseHeaders(split < 0 ? raw : raw.slice(0, split));
}

/**
 * Waits for the newest .eml in the outbox addressed to `to` (and written after `since`
 * ms); returns {file, headers, text}.
 */
export async function waitForMail(outboxDir, { to, since = 0, timeoutMs = 20_000 } = {}) {
  if (!outboxDir) throw new Error('no outbox directory (set ADMIT_E2E_OUTBOX with ADMIT_E2E_BASE_URL)');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (fs.existsSync(outboxDir)) {
      const files = fs
        .readdirSync(outboxDir)
        .filter((f) => f.endsWith('.eml') && !f.startsWith('.'))
        .map((f) => ({ f: path.join(outboxDir, f), t: fs.statSync(path.join(outboxDir, f)).mtimeMs }))
        .filter((x) => x.t >= since - 1000)
        .sort((a, b) => b.t - a.t);
      for (const { f } of files) {
        const raw = fs.readFileSync(f, 'utf8');
        const headers = mailHeaders(raw);
        if (!to || (headers.to || '').toLowerCase().includes(to.toLowerCase())) {
          return { file: f, headers, text: mailText(raw) };
        }
      }
    }
    await sleep(200);
  }
  throw new Error(`no mail to ${to} in ${outboxDir} within ${timeoutMs} ms`);
}

/** The first link in a mail whose path is `pathname` (e.g. "/verify"), HTML entities undone. */
export function findLink(text, pathname) {
  const re = new RegExp(`https?://[^\\s"'<>]+${pathname.replace(/[/]/g, '\\/')}\\?[^\\s"'<>]+`);
  const m = re.exec(text);
  return m ? m[0].replace(/&amp;/g, '&') : null;
}

// ---------------------------------------------------------------- journeys' shared steps

export const testPassword = 'Blue-Harbour-42!';

export function uniqueEmail(prefix) {
  return `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

/** Signs up through the web form, opens the link from the mail, and lands on "confirmed". */
export async function signUpAndVerify(page, server, { name, email, role = 'attendee', password = testPassword }) {
  const since = Date.now();
  await page.goto('/sign-up');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('radio', { name: role === 'organizer' ? 'Organize events' : 'Attend events' }).check();
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Check your email' }).waitFor();

  const mail = await waitForMail(server.outboxDir, { to: email, since });
  const link = findLink(mail.text, '/verify');
  if (!link) throw new Error(`no /verify link in the mail:\n${mail.text}`);
  const url = new URL(link);
  await page.goto(url.pathname + url.search);
  await page.getByText('Your email address is confirmed.').waitFor();
}

export async function signIn(page, { email, password = testPassword }) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
