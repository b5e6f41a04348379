// Test harness: runs the real admit binary on a free port with a throwaway data folder,
// on the backend named by ADMIT_TEST_BACKEND (sqlite | postgres), and talks HTTP to it.
// Every answer of TestServer.request() is validated against api/openapi.yaml (openapi.mjs)
// and fails the test when the spec does not describe it. The server logs at level info into
// memory; stop() scans that log, the error answers and /metrics for every secret the suite
// used or received (passwords, API and metrics tokens, session cookies, mail-link tokens,
// configured secrets) and fails the suite on any find.
import { fork, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { checkAnswer, stats as contractStats } from './openapi.mjs';

export const BIN = process.env.ADMIT_BIN ?? 'build/debug/src/admit';
export const BACKEND = process.env.ADMIT_TEST_BACKEND ?? 'sqlite';

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function postgresAdminUrl() {
  if (process.env.ADMIT_TEST_POSTGRES_URL) return process.env.ADMIT_TEST_POSTGRES_URL;
  const dir = process.env.ADMIT_TEST_POSTGRES_DIR;
  if (!dir || !existsSync(join(dir, 'url'))) throw new Error('no PostgreSQL for tests: run tests/support/postgres.sh start DIR');
  return readFileSync(join(dir, 'url'), 'utf8').trim();
}

// A fresh, empty database URL for one test server (or a group sharing it).
export function freshDatabase(dataDir) {
  if (BACKEND !== 'postgres') return `sqlite:${join(dataDir, 'admit.db')}`;
  const admin = postgresAdminUrl();
  const name = `http_${Date.now()}_${randomBytes(4).toString('hex')}`;
  const r = spawnSync('psql', [admin, '-v', 'ON_ERROR_STOP=1', '-qc', `CREATE DATABASE ${name}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cannot create test database: ${r.stderr}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

// Runs an admit command with the server's environment; returns {status, stdout, stderr}.
export function runCli(env, args, input) {
  const r = spawnSync(BIN, args, { env: { ...cleanEnv(), ...env }, input: input ?? '', encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function cleanEnv() {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('ADMIT_')) delete env[k];
  // Sanitizer builds: leak checks at exit would fail child processes killed by tests.
  env.ASAN_OPTIONS = env.ASAN_OPTIONS ?? 'detect_leaks=0';
  return env;
}

// ---- secrets: collected from the traffic, then looked for where they must never be ------

// Names of JSON fields whose values are secrets, in requests and answers.
const SECRET_FIELDS = new Set(['password', 'new_password', 'current_password', 'token', 'secret']);

// Every place a secret may be written in a log line: as is, JSON-escaped, URL-encoded.
function spellings(secret) {
  return [...new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)])];
}

// Returns one line per secret found in `text` ("<kind> in <where>: ...context...").
export function findSecrets(secrets, text, where) {
  const found = [];
  for (const [secret, kind] of secrets) {
    for (const form of spellings(secret)) {
      const at = text.indexOf(form);
      if (at < 0) continue;
      const context = text.slice(Math.max(0, at - 60), at).replace(/\s+/g, ' ');
      found.push(`${kind} in ${where}: ...${context}<secret>`);
      break;
    }
  }
  return found;
}

// Link secrets in the mails of an outbox folder (quoted-printable soft breaks undone).
function mailSecrets(folder) {
  if (!existsSync(folder)) return [];
  const out = [];
  for (const f of readdirSync(folder).filter((n) => n.endsWith('.eml'))) {
    let text;
    try { text = readFileSync(join(folder, f), 'utf8'); } catch { continue; }  // deleted meanwhile
    text = text.replace(/=\r?\n/g, '').replace(/=3D/gi, '=');
    for (const m of text.matchAll(/[?&#]token=([A-Za-z0-9_-]{16,})/g)) out.push(m[1]);
  }
  return out;
}

export class TestServer {
  constructor({ env = {}, database, dataDir } = {}) {
    this.dataDir = dataDir ?? mkdtempSync(join(tmpdir(), 'admit-http-'));
    this.ownsDir = !dataDir;
    this.database = database ?? freshDatabase(this.dataDir);
    this.extraEnv = env;
    this.logs = [];
    // Every secret the tests used or received -> what it is; see checkSecrets().
    this.secrets = new Map();
    this.problemBodies = [];  // error answers, scanned for secrets too
    this.metricsToken = `metrics-${randomBytes(24).toString('hex')}`;
  }

  // Values too short or too plain to be told apart from ordinary text (a test's refused
  // password 'password' is also part of the route /api/v1/auth/password-reset) are skipped:
  // a secret here has at least 10 characters of at least two kinds.
  noteSecret(value, kind) {
    if (typeof value !== 'string' || value.length < 10 || this.secrets.has(value)) return;
    const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(value)).length;
    if (kinds >= 2) this.secrets.set(value, kind);
  }

  noteSecretsIn(value, where) {
    if (!value || typeof value !== 'object') return;
    for (const [k, v] of Object.entries(value)) {
      if (SECRET_FIELDS.has(k)) this.noteSecret(v, `${k} (${where})`);
      else if (typeof v === 'object') this.noteSecretsIn(v, where);
    }
  }

  get env() {
    return {
      ADMIT_LISTEN: `127.0.0.1:${this.port}`,
      ADMIT_DATABASE: this.database,
      ADMIT_DATA_DIR: this.dataDir,
      ADMIT_PUBLIC_URL: `http://127.0.0.1:${this.port}`,
      ADMIT_WEB_ROOT: join(process.env.ADMIT_SOURCE_DIR ?? '.', 'web', 'dist'),
      // info: the access log too, so that the secret scan sees every line there is.
      ADMIT_LOG_LEVEL: 'info',
      ADMIT_METRICS_TOKEN: this.metricsToken,
      ...this.extraEnv,
    };
  }

  get url() { return `http://127.0.0.1:${this.port}`; }

  async start() {
    this.port = await freePort();
    this.proc = spawn(BIN, ['serve'], { env: { ...cleanEnv(), ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (d) => { this.logs.push(d.toString()); };
    this.proc.stdout.on('data', keep);
    this.proc.stderr.on('data', keep);
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null) throw new Error(`admit serve exited early:\n${this.logs.join('')}`);
      try {
        const r = await fetch(`${this.url}/healthz`);
        if (r.status === 200) return this;
      } catch { /* not listening yet */ }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`admit serve did not become healthy:\n${this.logs.join('')}`);
  }

  // Looks for every secret used so far in the server's log, the error answers and the
  // metrics; returns the findings (empty when clean).
  async scanForSecrets() {
    for (const [k, v] of Object.entries(this.extraEnv))
      if (/TOKEN|SECRET|PASSWORD|KEY/.test(k)) this.noteSecret(v, k);
    this.noteSecret(this.metricsToken, 'ADMIT_METRICS_TOKEN');
    if (this.database.includes('://')) {
      const password = decodeURIComponent(new URL(this.database).password);
      if (password) this.noteSecret(password, 'database password');
    }
    for (const t of mailSecrets(join(this.dataDir, 'outbox'))) this.noteSecret(t, 'mail link token');
    let metrics = '';
    const metricsToken = this.extraEnv.ADMIT_METRICS_TOKEN ?? this.metricsToken;
    if (this.proc && this.proc.exitCode === null && metricsToken) {
      try {
        const r = await fetch(`${this.url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
        if (r.status === 200) metrics = await r.text();
      } catch { /* the server may be gone */ }
    }
    return [
      ...findSecrets(this.secrets, this.logs.join(''), 'the server log'),
      ...findSecrets(this.secrets, this.problemBodies.join('\n'), 'an error answer'),
      ...findSecrets(this.secrets, metrics, 'the metrics'),
    ];
  }

  async stop() {
    const s = contractStats();
    console.log(`openapi: ${s.checked} answers validated (${s.operations} operations); ${s.unmatched} to paths outside the spec`);
    const leaks = this.proc ? await this.scanForSecrets() : [];
    if (this.proc && this.proc.exitCode === null) {
      this.proc.kill('SIGTERM');
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 15_000);
      await this.exited;
      clearTimeout(timer);
    }
    // The lines written while stopping are scanned too.
    leaks.push(...findSecrets(this.secrets, this.logs.join(''), 'the server log').filter((l) => !leaks.includes(l)));
    console.log(`secrets: ${this.secrets.size} secrets looked for in ${this.logs.join('').split('\n').length} log lines, ${this.problemBodies.length} error answers and the metrics`);
    if (this.ownsDir) rmSync(this.dataDir, { recursive: true, force: true });
    if (leaks.length > 0) throw new Error(`secrets leaked:\n  ${leaks.join('\n  ')}`);
  }

  cli(args, input) { return runCli(this.env, args, input); }

  // A verified account made with `admit user add`, and a bearer token for it.
  createUser({ email, name = 'Test User', roles = ['attendee'], password = 'Correct-Horse-42!' } = {}) {
    email = email ?? `user-${randomBytes(5).toString('hex')}@example.com`;
    const add = this.cli(['user', 'add', '--email', email, '--name', name, ...roles.flatMap((r) => ['--role', r])], `${password}\n`);
    if (add.status !== 0) throw new Error(`user add failed: ${add.stderr}`);
    this.noteSecret(password, 'password');
    const tok = this.cli(['token', 'create', '--email', email]);
    if (tok.status !== 0) throw new Error(`token create failed: ${tok.stderr}`);
    this.noteSecret(tok.stdout.trim(), 'API token');
    return { id: add.stdout.trim(), email, name, password, token: tok.stdout.trim() };
  }

  // fetch wrapper: {status, headers, body (parsed JSON when JSON), text}
  async request(method, path, { token, body, headers = {}, raw } = {}) {
    const h = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    let payload = raw;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      h['content-type'] = h['content-type'] ?? 'application/json';
      this.noteSecretsIn(body, 'request');
    }
    for (const [k, v] of Object.entries(h)) {
      if (k.toLowerCase() === 'authorization') this.noteSecret(String(v).replace(/^Bearer /, ''), 'bearer token');
      if (k.toLowerCase() === 'cookie') for (const c of String(v).split(';')) this.noteSecret(c.split('=').slice(1).join('=').trim(), 'cookie');
    }
    const res = await fetch(`${this.url}${path}`, { method, headers: h, body: payload, redirect: 'manual' });
    const text = await res.text();
    // Every answer is checked against api/openapi.yaml (openapi.mjs); one it does not
    // describe fails the test that received it.
    const problems = checkAnswer({ method, path, status: res.status, headers: res.headers, text });
    if (problems.length > 0) throw new Error(`answer not described by api/openapi.yaml:\n  ${problems.join('\n  ')}`);
    let json;
    const type = res.headers.get('content-type') ?? '';
    if (type.includes('json') && text) json = JSON.parse(text);
    for (const c of res.headers.getSetCookie()) this.noteSecret(c.split(';')[0].split('=').slice(1).join('='), 'session cookie');
    if (json) this.noteSecretsIn(json, 'answer');
    if (res.status >= 400) this.problemBodies.push(text);
    return { status: res.status, headers: res.headers, body: json, text };
  }

  get(path, opts) { return this.request('GET', path, opts); }
  post(path, body, opts = {}) { return this.request('POST', path, { ...opts, body }); }
  patch(path, body, opts = {}) { return this.request('PATCH', path, { ...opts, body }); }
  del(path, opts) { return this.request('DELETE', path, opts); }
}

export async function startServer(options) {
  const server = new TestServer(options);
  await server.start();
  return server;
}

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

// Raw HTTP/1.1 over one socket, for what fetch will not send (malformed framing, slow
// writers): writes `text` (string or Buffer), reads until the server closes or `timeout` ms,
// and returns {status, head, body, closedAfterMs, timedOut}.
export function rawExchange(port, text, { timeout = 5000, localAddress } = {}) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    const chunks = [];
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; socket.destroy(); }, timeout);
    socket.on('connect', () => socket.write(text));
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', (e) => { if (e.code !== 'ECONNRESET' && e.code !== 'EPIPE') { clearTimeout(timer); reject(e); } });
    socket.on('close', () => {
      clearTimeout(timer);
      const all = Buffer.concat(chunks).toString('latin1');
      const split = all.indexOf('\r\n\r\n');
      const head = split >= 0 ? all.slice(0, split) : all;
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      resolve({ status: m ? Number(m[1]) : null, head, body: split >= 0 ? all.slice(split + 4) : '', closedAfterMs: Date.now() - started, timedOut });
    });
  });
}

// GET /healthz on a new connection every `everyMs` ms, timed in a separate process
// (healthz_probe.mjs), until stop(); stop() resolves to {count, p50, max, stalled} in
// milliseconds (a failed or non-200 probe counts as Infinity; `stalled` counts the probes
// left out because the machine itself stalled then). Await ready() before the load.
export function sampleHealthz(port, { everyMs = 50 } = {}) {
  const child = fork(join(dirname(fileURLToPath(import.meta.url)), 'healthz_probe.mjs'), [String(port), String(everyMs)]);
  const ready = new Promise((resolve) => child.once('message', resolve));
  return {
    ready: () => ready,
    async stop() {
      await ready;
      const { times, stalled } = await new Promise((resolve) => {
        child.once('message', resolve);
        child.send('stop');
      });
      const sorted = times.map((t) => (t < 0 ? Infinity : t)).sort((a, b) => a - b);
      return { count: sorted.length, p50: sorted[Math.floor(sorted.length / 2)] ?? NaN, max: sorted[sorted.length - 1] ?? NaN,
        stalled: stalled.length, stalledMax: Math.max(0, ...stalled.map((t) => (t < 0 ? Infinity : t))) };
    },
  };
}
