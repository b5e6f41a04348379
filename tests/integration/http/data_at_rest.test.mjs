// Data at rest: the data folder is made 0700 and every file the server writes (the SQLite
// database with its -wal and -shm files, outgoing mail) 0600, whatever the umask it was
// started with; sent mail is deleted ADMIT_MAIL_RETENTION after sending.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, statSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, runCli, BACKEND, waitFor } from './harness.mjs';

const mode = (path) => statSync(path).mode & 0o777;
const octal = (m) => `0${m.toString(8)}`;
const emls = (dir) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')) : []);

let parent;
let server;
before(async () => {
  parent = mkdtempSync(join(tmpdir(), 'admit-rest-'));
  const previous = process.umask(0o022);  // the usual umask: files 0644 unless the server says otherwise
  try {
    server = await startServer({ dataDir: join(parent, 'data'), env: { ADMIT_MAIL_RETENTION: '3s' } });
  } finally {
    process.umask(previous);
  }
});
after(async () => {
  await server?.stop();
  rmSync(parent, { recursive: true, force: true });
});

test('the data folder is 0700 and the database files 0600', async () => {
  assert.equal(octal(mode(server.dataDir)), '0700');
  if (BACKEND !== 'sqlite') return;
  // A write, so that the WAL and its index exist.
  server.createUser({});
  const files = readdirSync(server.dataDir).filter((f) => f.startsWith('admit.db'));
  for (const suffix of ['', '-wal', '-shm']) assert.ok(files.includes(`admit.db${suffix}`), `admit.db${suffix} exists: ${files}`);
  for (const f of files) assert.equal(octal(mode(join(server.dataDir, f))), '0600', f);
});

test('sent mail is written 0600 and deleted after the retention time', async () => {
  const outbox = server.outboxDir;
  const r = await server.post('/api/v1/auth/signup', { email: 'rest@example.com', password: 'Correct-Horse-42!', name: 'Rest', role: 'attendee' }, { headers: { 'x-admit-csrf': '1' } });
  assert.equal(r.status, 202, r.text);
  const [name] = await waitFor(() => { const l = emls(outbox); return l.length ? l : null; }, 'the verification mail');
  const written = Date.now();
  assert.equal(octal(mode(outbox)), '0700');
  assert.equal(octal(mode(join(outbox, name))), '0600');
  await waitFor(() => !existsSync(join(outbox, name)), 'the mail to be deleted', 15_000);
  const kept = Date.now() - written;
  console.log(`mail retention 3 s: deleted after ${kept} ms`);
  assert.ok(kept >= 2000, `deleted too early (${kept} ms)`);
});

test('a database file left readable by others is made 0600 at start; a readable data folder is reported', async () => {
  if (BACKEND !== 'sqlite') return;
  const { dataDir, database } = server;
  await server.stop();
  server = null;
  chmodSync(join(dataDir, 'admit.db'), 0o644);
  chmodSync(dataDir, 0o755);
  const again = await startServer({ dataDir, database, env: { ADMIT_MAIL_RETENTION: '3s' } });
  try {
    assert.equal(octal(mode(join(dataDir, 'admit.db'))), '0600');
    assert.ok(again.logs.join('').includes('the data folder can be read by other users'), again.logs.join(''));
  } finally {
    await again.stop();
  }
});

test('config check explains a bad retention', () => {
  const r = runCli({ ADMIT_MAIL_RETENTION: 'a week' }, ['config', 'check']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr + r.stdout, /mail_retention: must be a duration such as 7d/);
  const ok = runCli({ ADMIT_MAIL_RETENTION: '7d' }, ['config', 'check']);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /mail_retention\s+7d/);
});
