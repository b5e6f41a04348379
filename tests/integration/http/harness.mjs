// Test harness: runs the real admit binary on a free port with a throwaway data folder,
// on the backend named by ADMIT_TEST_BACKEND (sqlite | postgres), and talks HTTP to it.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

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

export class TestServer {
  constructor({ env = {}, database, dataDir } = {}) {
    this.dataDir = dataDir ?? mkdtempSync(join(tmpdir(), 'admit-http-'));
    this.ownsDir = !dataDir;
    this.database = database ?? freshDatabase(this.dataDir);
    this.extraEnv = env;
    this.logs = [];
  }

  get env() {
    return {
      ADMIT_LISTEN: `127.0.0.1:${this.port}`,
      ADMIT_DATABASE: this.database,
      ADMIT_DATA_DIR: this.dataDir,
      ADMIT_PUBLIC_URL: `http://127.0.0.1:${this.port}`,
      ADMIT_WEB_ROOT: join(process.env.ADMIT_SOURCE_DIR ?? '.', 'web', 'dist'),
      ADMIT_LOG_LEVEL: 'warn',
      ...this.extraEnv,
    };
  }

  get url() { return `http://127.0.0.1:${this.port}`; }

  async start() {
    this.port = await freePort();
    this.proc = spawn(BIN, ['serve'], { env: { ...cleanEnv(), ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (d) => { this.logs.push(d.toString()); if (this.logs.length > 500) this.logs.shift(); };
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

  async stop() {
    if (this.proc && this.proc.exitCode === null) {
      this.proc.kill('SIGTERM');
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 15_000);
      await this.exited;
      clearTimeout(timer);
    }
    if (this.ownsDir) rmSync(this.dataDir, { recursive: true, force: true });
  }

  cli(args, input) { return runCli(this.env, args, input); }

  // A verified account made with `admit user add`, and a bearer token for it.
  createUser({ email, name = 'Test User', roles = ['attendee'], password = 'Correct-Horse-42!' } = {}) {
    email = email ?? `user-${randomBytes(5).toString('hex')}@example.com`;
    const add = this.cli(['user', 'add', '--email', email, '--name', name, ...roles.flatMap((r) => ['--role', r])], `${password}\n`);
    if (add.status !== 0) throw new Error(`user add failed: ${add.stderr}`);
    const tok = this.cli(['token', 'create', '--email', email]);
    if (tok.status !== 0) throw new Error(`token create failed: ${tok.stderr}`);
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
    }
    const res = await fetch(`${this.url}${path}`, { method, headers: h, body: payload, redirect: 'manual' });
    const text = await res.text();
    let json;
    const type = res.headers.get('content-type') ?? '';
    if (type.includes('json') && text) json = JSON.parse(text);
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
