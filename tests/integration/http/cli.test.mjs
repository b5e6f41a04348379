// The command line: configuration checks, migrations, demo data (real binary).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, freshDatabase, startServer } from './harness.mjs';

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
    const res = await server.get('/api/v1/events?limit=100');
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
