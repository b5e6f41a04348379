// The command line: configuration checks, migrations, demo data (real binary).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, freshDatabase, startServer, sqlRows } from './harness.mjs';

function tempEnv() {
  const dir = mkdtempSync(join(tmpdir(), 'admit-cli-'));
  return { dir, env: { ADMIT_DATA_DIR: dir, ADMIT_DATABASE: freshDatabase(dir) } };
}

test('config check names each wrong setting', () => {
  const { dir, env } = tempEnv();
  const bad = runCli({ ...env, ADMIT_LISTEN: 'nowhere', ADMIT_IO_THREADS: 'many', ADMIT_LISTN: 'typo' }, ['config', 'check']);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /ADMIT_IO_THREADS: must be an integer/);
  assert.match(bad.stderr, /listen: must be host:port/);
  assert.match(bad.stderr, /ADMIT_LISTN: is not a known setting/);
  const good = runCli(env, ['config', 'check']);
  assert.equal(good.status, 0, good.stderr);
  assert.match(good.stdout, /configuration ok/);
  rmSync(dir, { recursive: true, force: true });
});

test('durability is durable unless relaxed is asked for; anything else is refused', () => {
  const { dir, env } = tempEnv();
  const dflt = runCli(env, ['config', 'check']);
  assert.equal(dflt.status, 0, dflt.stderr);
  assert.match(dflt.stdout, /durability\s+durable/);
  const relaxed = runCli({ ...env, ADMIT_DURABILITY: 'relaxed' }, ['config', 'check']);
  assert.equal(relaxed.status, 0, relaxed.stderr);
  assert.match(relaxed.stdout, /durability\s+relaxed/);
  const bad = runCli({ ...env, ADMIT_DURABILITY: 'fast' }, ['config', 'check']);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /durability: must be durable or relaxed/);
  rmSync(dir, { recursive: true, force: true });
});

test('config file is read and environment overrides it; secrets are masked', () => {
  const { dir, env } = tempEnv();
  const file = join(dir, 'admit.toml');
  writeFileSync(file, 'listen = "127.0.0.1:9999"\nwork_threads = 3\nstripe_secret_key = "sk_test_secret"\n');
  const res = runCli({ ...env, ADMIT_WORK_THREADS: '5' }, ['--config', file, 'config', 'check']);
  assert.equal(res.status, 0, res.stderr);
  assert.match(res.stdout, /listen\s+127\.0\.0\.1:9999/);
  assert.match(res.stdout, /work_threads\s+5/);
  assert.doesNotMatch(res.stdout, /sk_test_secret/);
  writeFileSync(file, 'colour = "red"\n');
  const bad = runCli(env, ['--config', file, 'config', 'check']);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /colour: is not a known setting/);
  rmSync(dir, { recursive: true, force: true });
});

test('migrate is idempotent and demo loads once', () => {
  const { dir, env } = tempEnv();
  const first = runCli(env, ['migrate']);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /applied [1-9]\d* migration/);
  const again = runCli(env, ['migrate']);
  assert.match(again.stdout, /applied 0 migration/);
  const demo = runCli(env, ['demo']);
  assert.equal(demo.status, 0, demo.stderr);
  assert.match(demo.stdout, /added \d+ demo events/);
  assert.match(runCli(env, ['demo']).stdout, /already present/);
  rmSync(dir, { recursive: true, force: true });
});

test('demo events appear in the public listing in several categories', async () => {
  const server = await startServer();
  try {
    assert.equal(server.cli(['demo']).status, 0);
    // Another process added them: the server's public snapshots learn of it within a
    // second or so (SQLite: a poll; PostgreSQL: LISTEN/NOTIFY; docs/decisions/0009).
    let res;
    for (const deadline = Date.now() + 5000; Date.now() < deadline;) {
      res = await server.get('/api/v1/events?limit=100');
      if (res.body.items.length >= 6) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(res.body.items.length >= 6);
    assert.ok(new Set(res.body.items.map((e) => e.category)).size >= 4);
  } finally {
    await server.stop();
  }
});

test('user add checks its input and reads the password from standard input', () => {
  const { dir, env } = tempEnv();
  const badEmail = runCli(env, ['user', 'add', '--email', 'not-an-email', '--name', 'X', '--role', 'organizer'], 'Strong-Pass-123\n');
  assert.notEqual(badEmail.status, 0);
  assert.match(badEmail.stderr, /--email/);
  const badRole = runCli(env, ['user', 'add', '--email', 'a@example.com', '--name', 'X', '--role', 'king'], 'Strong-Pass-123\n');
  assert.match(badRole.stderr, /--role/);
  const ok = runCli(env, ['user', 'add', '--email', 'A@Example.com', '--name', 'X', '--role', 'organizer'], 'Strong-Pass-123\n');
  assert.equal(ok.status, 0, ok.stderr);
  const dup = runCli(env, ['user', 'add', '--email', 'a@example.com', '--name', 'X', '--role', 'organizer'], 'Strong-Pass-123\n');
  assert.notEqual(dup.status, 0);
  const token = runCli(env, ['token', 'create', '--email', 'a@example.com']);
  assert.equal(token.status, 0);
  assert.match(token.stdout.trim(), /^[A-Za-z0-9_-]{43}$/);
  rmSync(dir, { recursive: true, force: true });
});

test('token create writes the same audit row as creating a token over HTTP', async () => {
  const server = await startServer();
  try {
    const add = server.cli(['user', 'add', '--email', 'scanner@example.com', '--name', 'Door', '--role', 'organizer'], 'Strong-Pass-123\n');
    assert.equal(add.status, 0, add.stderr);
    const userId = add.stdout.trim();
    const made = server.cli(['token', 'create', '--email', 'SCANNER@example.com', '--name', 'door 1']);
    assert.equal(made.status, 0, made.stderr);
    const secret = made.stdout.trim();

    // The token works, under its name.
    const tokens = await server.get('/api/v1/me/tokens', { token: secret });
    assert.equal(tokens.status, 200, tokens.text);
    assert.deepEqual(tokens.body.items.map((t) => t.name), ['door 1']);
    const tokenId = tokens.body.items[0].id;

    // One token_created row about the token: no actor (the operator), the owner in the detail.
    const rows = sqlRows(server.database, `SELECT kind, COALESCE(actor_user_id, '-'), subject, detail FROM audit_log WHERE kind = 'token_created'`);
    assert.equal(rows.length, 1, JSON.stringify(rows));
    const [kind, actor, subject, detail] = rows[0];
    assert.equal(kind, 'token_created');
    assert.equal(actor, '-');
    assert.equal(subject, tokenId);
    assert.deepEqual(JSON.parse(detail), { via: 'command_line', user_id: userId });

    // Over HTTP the same kind of row, with the user as actor.
    const viaApi = await server.post('/api/v1/me/tokens', { name: 'api' }, { token: secret });
    assert.equal(viaApi.status, 201, viaApi.text);
    const both = sqlRows(server.database, `SELECT COALESCE(actor_user_id, '-') FROM audit_log WHERE kind = 'token_created' ORDER BY at`);
    assert.deepEqual(both.map((r) => r[0]).sort(), ['-', userId].sort());

    // Mistakes write nothing.
    assert.notEqual(server.cli(['token', 'create', '--email', 'nobody@example.com']).status, 0);
    const badEvent = server.cli(['token', 'create', '--email', 'scanner@example.com', '--event', 'evt_missing']);
    assert.notEqual(badEvent.status, 0);
    assert.match(badEvent.stderr, /no event with id evt_missing/);
    assert.equal(sqlRows(server.database, `SELECT COUNT(*) FROM audit_log WHERE kind = 'token_created'`)[0][0], '2');
  } finally {
    await server.stop();
  }
});
