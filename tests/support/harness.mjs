// The one test harness of the HTTP suites (tests/integration/http) and the browser journeys
// (tests/e2e): the real admit binary on a free port with a throwaway data folder and a
// fresh database of the backend named by ADMIT_TEST_BACKEND (sqlite | postgres), its
// command line, accounts made with it, HTTP calls, the mail in its outbox, and the API
// steps both suites take (a published event, an issued registration, the QR codes of a
// ticket PDF). Node's standard library only: each suite imports it by relative path and
// adds what is its own (the HTTP suite: OpenAPI validation and the secret scan; the
// journeys: Chromium).
//
// Environment:
//   ADMIT_BIN           the server binary (default build/debug/src/admit in the source tree)
//   ADMIT_SOURCE_DIR    the source tree (default: two folders up); web/dist is served from it
//   ADMIT_TEST_BACKEND  sqlite (default) or postgres
//   ADMIT_TEST_POSTGRES_URL, or ADMIT_TEST_POSTGRES_DIR (tests/support/postgres.sh start DIR)
//   ADMIT_TEST_KEEP=1   keep each server's data folder and print where it is
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const SOURCE_DIR = process.env.ADMIT_SOURCE_DIR || resolve(here, '..', '..');
export const BIN = process.env.ADMIT_BIN ?? join(SOURCE_DIR, 'build', 'debug', 'src', 'admit');
export const BACKEND = process.env.ADMIT_TEST_BACKEND ?? 'sqlite';
export const PASSWORD = 'Correct-Horse-42!';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Calls `check` (sync or async) until it returns something truthy, and returns that; throws
// naming `what` after `timeoutMs`.
export async function waitFor(check, what, timeoutMs = 15_000, everyMs = 50) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export const uniqueEmail = (tag = 'user') => `${tag}-${randomBytes(5).toString('hex')}@example.com`;

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

// ---------------------------------------------------------------- databases

function postgresAdminUrl() {
  if (process.env.ADMIT_TEST_POSTGRES_URL) return process.env.ADMIT_TEST_POSTGRES_URL;
  const dir = process.env.ADMIT_TEST_POSTGRES_DIR;
  if (!dir || !existsSync(join(dir, 'url'))) throw new Error('no PostgreSQL for tests: run tests/support/postgres.sh start DIR');
  return readFileSync(join(dir, 'url'), 'utf8').trim();
}

// A fresh, empty database URL for one test server (or a group sharing it).
export function freshDatabase(dataDir, backend = BACKEND) {
  if (backend !== 'postgres') return `sqlite:${join(dataDir, 'admit.db')}`;
  const admin = postgresAdminUrl();
  const name = `http_${Date.now()}_${randomBytes(4).toString('hex')}`;
  const r = spawnSync('psql', [admin, '-v', 'ON_ERROR_STOP=1', '-qc', `CREATE DATABASE ${name}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cannot create test database: ${r.stderr}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

// Rows of one statement on a server's database (sqlite3 or psql), as arrays of column
// texts. SQLite waits up to 5 s for the server's writer.
export function sqlRows(database, query) {
  const r = database.startsWith('sqlite:')
    ? spawnSync('sqlite3', ['-cmd', '.timeout 5000', '-separator', '\t', database.slice('sqlite:'.length), query], { encoding: 'utf8' })
    : spawnSync('psql', [database, '-v', 'ON_ERROR_STOP=1', '-tAF', '\t', '-c', query], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`query failed: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

// ---------------------------------------------------------------- the command line

// The environment of an admit process: ours without any ADMIT_* setting (the server refuses
// ones it does not know), then `env`.
export function cleanEnv(env = {}) {
  const out = { ...process.env };
  for (const k of Object.keys(out)) if (k.startsWith('ADMIT_')) delete out[k];
  // Sanitizer builds: leak checks at exit would fail child processes killed by tests.
  out.ASAN_OPTIONS = out.ASAN_OPTIONS ?? 'detect_leaks=0';
  return { ...out, ...env };
}

// Runs an admit command with the given ADMIT_* settings; returns {status, stdout, stderr}.
export function runCli(env, args, input) {
  const r = spawnSync(BIN, args, { env: cleanEnv(env), input: input ?? '', encoding: 'utf8', timeout: 60_000 });
  return { status: r.status ?? r.signal, stdout: r.stdout, stderr: r.stderr };
}

// ---------------------------------------------------------------- the server

// `admit serve` on a free port. Options: env (ADMIT_* settings over the defaults), database
// (a URL; default a fresh one), dataDir (default a new temporary folder, removed at stop),
// seed (admit commands run before serving, e.g. [['migrate'], ['demo']]).
// Subclasses add their checks through noteRequest() and checkAnswer(), and their settings
// through ownEnv().
export class AdmitServer {
  constructor({ env = {}, database, dataDir, seed = [] } = {}) {
    this.dataDir = dataDir ?? mkdtempSync(join(tmpdir(), 'admit-test-'));
    this.ownsDir = !dataDir;
    this.database = database ?? freshDatabase(this.dataDir);
    this.extraEnv = env;
    this.seed = seed;
    this.logs = [];
  }

  ownEnv() { return {}; }

  get env() {
    return {
      ADMIT_LISTEN: `127.0.0.1:${this.port}`,
      ADMIT_DATABASE: this.database,
      ADMIT_DATA_DIR: this.dataDir,
      ADMIT_PUBLIC_URL: this.url,
      ADMIT_WEB_ROOT: join(SOURCE_DIR, 'web', 'dist'),
      ...this.ownEnv(),
      ...this.extraEnv,
    };
  }

  get url() { return `http://127.0.0.1:${this.port}`; }
  get outboxDir() { return join(this.dataDir, 'outbox'); }

  async start() {
    this.port = await freePort();
    for (const args of this.seed) {
      const r = this.cli(args);
      if (r.status !== 0) throw new Error(`admit ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    }
    this.proc = spawn(BIN, ['serve'], { env: cleanEnv(this.env), stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (d) => { this.logs.push(d.toString()); };
    this.proc.stdout.on('data', keep);
    this.proc.stderr.on('data', keep);
    this.exited = new Promise((done) => this.proc.on('exit', (code, signal) => done({ code, signal })));
    // A test run that ends abruptly takes its servers with it.
    this.killAtExit = () => { if (this.proc.exitCode === null) this.proc.kill('SIGKILL'); };
    process.once('exit', this.killAtExit);
    try {
      await waitFor(async () => {
        if (this.proc.exitCode !== null) throw new Error(`admit serve exited early (${this.proc.exitCode}):\n${this.logs.join('')}`);
        try { return (await fetch(`${this.url}/healthz`)).status === 200; } catch { return false; }  // not listening yet
      }, 'admit serve to answer /healthz', 30_000);
    } catch (e) {
      this.killAtExit();
      if (e.message.startsWith('timed out')) e.message += `:\n${this.logs.join('')}`;
      throw e;
    }
    return this;
  }

  // SIGTERM, then SIGKILL if the server has not stopped within 15 s; removes its folder.
  async stop() {
    if (this.proc && this.proc.exitCode === null) {
      this.proc.kill('SIGTERM');
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 15_000);
      await this.exited;
      clearTimeout(timer);
    }
    if (this.killAtExit) process.removeListener('exit', this.killAtExit);
    if (!this.ownsDir) return;
    if (process.env.ADMIT_TEST_KEEP) console.log(`# kept data folder ${this.dataDir}`);
    else rmSync(this.dataDir, { recursive: true, force: true });
  }

  cli(args, input) { return runCli(this.env, args, input); }

  // A verified account made with `admit user add`, and a bearer token for it.
  createUser({ email, name = 'Test User', roles = ['attendee'], password = PASSWORD } = {}) {
    email = email ?? uniqueEmail('user');
    const add = this.cli(['user', 'add', '--email', email, '--name', name, ...roles.flatMap((r) => ['--role', r])], `${password}\n`);
    if (add.status !== 0) throw new Error(`user add failed: ${add.stderr}`);
    const tok = this.cli(['token', 'create', '--email', email]);
    if (tok.status !== 0) throw new Error(`token create failed: ${tok.stderr}`);
    return { id: add.stdout.trim(), email, name, password, token: tok.stdout.trim() };
  }

  // Hooks: the request about to be sent; the answer as received (before its JSON is
  // parsed, so that a check can name an answer that says JSON and is not); the answer parsed.
  noteRequest(/* headers, body */) {}
  checkAnswer(/* {method, path, status, headers, text} */) {}
  noteAnswer(/* {status, headers, body, text} */) {}

  // fetch wrapper: {status, headers, body (parsed JSON when JSON), text}. Redirects are
  // answers, not followed.
  async request(method, path, { token, body, headers = {}, raw } = {}) {
    const h = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    let payload = raw;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      h['content-type'] = h['content-type'] ?? 'application/json';
    }
    this.noteRequest(h, body);
    const res = await fetch(`${this.url}${path}`, { method, headers: h, body: payload, redirect: 'manual' });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    const answer = { status: res.status, headers: res.headers, body: undefined, text };
    this.checkAnswer({ method, path, status: res.status, headers: res.headers, text });
    if (type.includes('json') && text) answer.body = JSON.parse(text);
    this.noteAnswer(answer);
    return answer;
  }

  get(path, opts) { return this.request('GET', path, opts); }
  post(path, body, opts = {}) { return this.request('POST', path, { ...opts, body }); }
  patch(path, body, opts = {}) { return this.request('PATCH', path, { ...opts, body }); }
  del(path, opts) { return this.request('DELETE', path, opts); }
}

// ---------------------------------------------------------------- API steps

// A valid event body for POST /api/v1/events, starting `days` from now.
export function eventBody(overrides = {}, days = 10) {
  const start = new Date(Date.now() + days * 86400_000);
  start.setUTCMinutes(0, 0, 0);
  const end = new Date(start.getTime() + 3 * 3600_000);
  return {
    title: 'Test concert',
    description: 'A test event',
    category: 'music',
    venue: 'Test Hall, Berlin',
    starts_at: start.toISOString(),
    ends_at: end.toISOString(),
    timezone: 'Europe/Berlin',
    currency: 'EUR',
    capacity: 100,
    ticket_types: [{ name: 'General', price: 0, capacity: 100, max_per_order: 10 }],
    ...overrides,
  };
}

function expect(res, status, what) {
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status} ${res.text}`);
  return res.body;
}

// Creates an event of eventBody(overrides, days) as `who` ({token}) and publishes it;
// answers it.
export async function publishedEvent(server, who, overrides = {}, days = 10) {
  const created = expect(await server.post('/api/v1/events', eventBody(overrides, days), { token: who.token }), 201, 'create event');
  return expect(await server.post(`/api/v1/events/${created.id}/publish`, undefined, { token: who.token }), 200, 'publish event');
}

// Registers for the event's first ticket type and waits until the issuer has given the
// tickets their codes and PDF; answers the registration.
export async function registerIssued(server, who, ev, attendees, quantity = attendees?.length ?? 1) {
  const body = { items: [{ ticket_type_id: ev.ticket_types[0].id, quantity }] };
  if (attendees) body.attendees = attendees;
  const made = expect(await server.post(`/api/v1/events/${ev.id}/registrations`, body,
    { token: who.token, headers: { 'idempotency-key': randomUUID() } }), 201, 'register');
  const issued = await waitFor(async () => {
    const reg = expect(await server.get(`/api/v1/registrations/${made.id}`, { token: who.token }), 200, 'read registration');
    return reg.tickets_issued_at ? reg : null;
  }, 'the tickets to be issued', 60_000, 100).catch((e) => { throw new Error(`${e.message}\n${server.logs.join('')}`); });
  return issued;
}

// Follows GET /api/v1/tickets/{id}/pdf: answers {status, location, type, disposition, pdf}.
export async function downloadPdf(server, who, ticket) {
  const first = await server.get(ticket.pdf_url ?? `/api/v1/tickets/${ticket.id}/pdf`, { token: who.token });
  if (first.status !== 303) return { status: first.status, body: first.body };
  const location = first.headers.get('location');
  const res = await fetch(new URL(location, server.url), { headers: { authorization: `Bearer ${who.token}` } });
  return { status: res.status, location, type: res.headers.get('content-type'),
    disposition: res.headers.get('content-disposition'), pdf: Buffer.from(await res.arrayBuffer()) };
}

// Runs a tool; throws with its error output unless it exits 0; answers its output.
export function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.error}): ${r.stderr}`);
  return r.stdout;
}

// The pages of a PDF as PNG files in `dir` (poppler's pdftoppm), in page order.
export function pdfPages(pdf, dir, dpi = 150) {
  const prefix = join(dir, `t-${randomUUID()}`);
  writeFileSync(`${prefix}.pdf`, pdf);
  run('pdftoppm', ['-r', String(dpi), '-png', `${prefix}.pdf`, prefix]);
  const base = prefix.split('/').pop();
  return readdirSync(dir).filter((f) => f.startsWith(`${base}-`) && f.endsWith('.png')).sort().map((f) => join(dir, f));
}

// The text of the QR code in an image (zbarimg).
export const qrOf = (png) => run('zbarimg', ['--raw', '-q', '-Sdisable', '-Sqrcode.enable', png]).trim();

// The QR texts of every page of a PDF.
export const qrCodesOf = (pdf, dir) => pdfPages(pdf, dir).map(qrOf);

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

function splitMessage(raw) {
  const at = raw.search(/\r?\n\r?\n/);
  return at < 0 ? [raw, ''] : [raw.slice(0, at), raw.slice(at).replace(/^\r?\n\r?\n/, '')];
}

// The header fields of a MIME message, by lower-case name (folded lines joined).
export function mailHeaders(raw) {
  const headers = {};
  for (const line of splitMessage(raw)[0].replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return headers;
}

// The decoded text of every text/* part of a MIME message, joined.
export function mailText(raw) {
  const body = splitMessage(raw)[1];
  const headers = mailHeaders(raw);
  const type = headers['content-type'] || 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    return body.split(`--${boundary}`).slice(1).filter((part) => !part.startsWith('--'))
      .map((part) => mailText(part.replace(/^\r?\n/, ''))).join('\n');
  }
  if (!/^text\//i.test(type)) return '';
  const cte = (headers['content-transfer-encoding'] || '').toLowerCase();
  if (cte === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (cte === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}

// The addresses of a To: field, lower case ("Name <a@b>, c@d" -> ["a@b", "c@d"]).
function addressesOf(field = '') {
  return field.split(',').map((a) => (/<([^>]+)>/.exec(a)?.[1] ?? a).trim().toLowerCase()).filter(Boolean);
}

// The raw messages (.eml) in a folder, oldest first (the names sort by time); only those to
// `to` when given.
export function mailsIn(folder, to) {
  if (!existsSync(folder)) return [];
  const out = [];
  for (const f of readdirSync(folder).filter((n) => n.endsWith('.eml') && !n.startsWith('.')).sort()) {
    let raw;
    try { raw = readFileSync(join(folder, f), 'utf8'); } catch { continue; }  // deleted meanwhile
    if (!to || addressesOf(mailHeaders(raw).to).includes(to.toLowerCase())) out.push(raw);
  }
  return out;
}

// Waits for the `nth` mail to `to` in a folder (of those whose decoded text matches `match`,
// when given) and answers the raw message.
export function waitForMail(folder, { to, nth = 1, match, timeoutMs = 20_000 } = {}) {
  return waitFor(() => {
    const mails = mailsIn(folder, to).filter((raw) => !match || match.test(mailText(raw)));
    return mails[nth - 1];
  }, `mail #${nth} to ${to ?? 'anyone'}${match ? ` matching ${match}` : ''} in ${folder}`, timeoutMs, 100);
}

// The first link of a mail to `pathname` ("/verify"), HTML entities undone; null if none.
export function findLink(raw, pathname) {
  const re = new RegExp(`https?://[^\\s"'<>]+${pathname.replace(/[/]/g, '\\/')}\\?[^\\s"'<>]+`);
  return re.exec(mailText(raw))?.[0].replace(/&amp;/g, '&') ?? null;
}

// The token of a mail's link to `pathname`; throws when there is none.
export function linkToken(raw, pathname) {
  const link = findLink(raw, pathname);
  const token = link && new URL(link).searchParams.get('token');
  if (!token) throw new Error(`no ${pathname} link with a token in:\n${mailText(raw)}`);
  return token;
}
