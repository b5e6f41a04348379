// The HTTP suite's side of the test harness (tests/support/harness.mjs runs the server):
// every answer of TestServer.request() is validated against api/openapi.yaml (openapi.mjs)
// and fails the test when the spec does not describe it. The server logs at level info into
// memory; stop() scans that log, the error answers and /metrics for every secret the suite
// used or received (passwords, API and metrics tokens, session cookies, mail-link tokens,
// configured secrets) and fails the suite on any find. Also raw HTTP exchanges and /healthz
// timing for the transport tests.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkAnswer, stats as contractStats } from './openapi.mjs';
import { AdmitServer, mailsIn } from '../../support/harness.mjs';

export {
  BACKEND, BIN, PASSWORD, SOURCE_DIR, eventBody, freePort, freshDatabase, runCli, sleep, sqlRows, uniqueEmail, waitFor,
  waitForMail, linkToken, mailsIn, mailText, publishedEvent, registerIssued, downloadPdf, qrCodesOf, run,
} from '../../support/harness.mjs';

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
  const out = [];
  for (const raw of mailsIn(folder)) {
    const text = raw.replace(/=\r?\n/g, '').replace(/=3D/gi, '=');
    for (const m of text.matchAll(/[?&#]token=([A-Za-z0-9_-]{16,})/g)) out.push(m[1]);
  }
  return out;
}

export class TestServer extends AdmitServer {
  constructor(options = {}) {
    super(options);
    // Every secret the tests used or received -> what it is; see scanForSecrets().
    this.secrets = new Map();
    this.problemBodies = [];  // error answers, scanned for secrets too
    this.metricsToken = `metrics-${randomBytes(24).toString('hex')}`;
  }

  // info: the access log too, so that the secret scan sees every line there is.
  ownEnv() { return { ADMIT_LOG_LEVEL: 'info', ADMIT_METRICS_TOKEN: this.metricsToken }; }

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
    for (const t of mailSecrets(this.outboxDir)) this.noteSecret(t, 'mail link token');
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
    await super.stop();
    // The lines written while stopping are scanned too.
    leaks.push(...findSecrets(this.secrets, this.logs.join(''), 'the server log').filter((l) => !leaks.includes(l)));
    console.log(`secrets: ${this.secrets.size} secrets looked for in ${this.logs.join('').split('\n').length} log lines, ${this.problemBodies.length} error answers and the metrics`);
    if (leaks.length > 0) throw new Error(`secrets leaked:\n  ${leaks.join('\n  ')}`);
  }

  createUser(options) {
    const user = super.createUser(options);
    this.noteSecret(user.password, 'password');
    this.noteSecret(user.token, 'API token');
    return user;
  }

  noteRequest(headers, body) {
    if (body !== undefined) this.noteSecretsIn(body, 'request');
    for (const [k, v] of Object.entries(headers)) {
      if (k.toLowerCase() === 'authorization') this.noteSecret(String(v).replace(/^Bearer /, ''), 'bearer token');
      if (k.toLowerCase() === 'cookie') for (const c of String(v).split(';')) this.noteSecret(c.split('=').slice(1).join('=').trim(), 'cookie');
    }
  }

  // Every answer is checked against api/openapi.yaml (openapi.mjs); one it does not
  // describe fails the test that received it.
  checkAnswer(answer) {
    const problems = checkAnswer(answer);
    if (problems.length > 0) throw new Error(`answer not described by api/openapi.yaml:\n  ${problems.join('\n  ')}`);
  }

  noteAnswer({ status, headers, body, text }) {
    for (const c of headers.getSetCookie()) this.noteSecret(c.split(';')[0].split('=').slice(1).join('='), 'session cookie');
    if (body) this.noteSecretsIn(body, 'answer');
    if (status >= 400) this.problemBodies.push(text);
  }
}

export async function startServer(options) {
  const server = new TestServer(options);
  await server.start();
  return server;
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
