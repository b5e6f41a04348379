// /metrics is not public: by default the public listener does not serve it at all; with
// ADMIT_METRICS_TOKEN it answers only that bearer token; with ADMIT_METRICS_LISTEN it is
// served, without credentials, on that separate address only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, freePort, runCli } from './harness.mjs';

test('by default the public listener does not serve /metrics', async () => {
  const server = await startServer({ env: { ADMIT_METRICS_TOKEN: '' } });
  try {
    const r = await server.get('/metrics');
    assert.equal(r.status, 404, r.text);
    // A problem, not the web app's index page (which answers unknown paths when it is built).
    assert.equal(r.body.code, 'not_found');
    assert.doesNotMatch(r.text, /admit_http_requests_total/);
  } finally {
    await server.stop();
  }
});

test('with a metrics token, only that bearer token reads /metrics', async () => {
  const token = 'a-metrics-token-of-at-least-32-characters';
  const server = await startServer({ env: { ADMIT_METRICS_TOKEN: token } });
  try {
    for (const authorization of [undefined, 'Bearer wrong', `Bearer ${token}x`, token, `Basic ${token}`]) {
      const r = await server.get('/metrics', { headers: authorization ? { authorization } : {} });
      assert.equal(r.status, 401, `${authorization}: ${r.text}`);
      assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="metrics"');
    }
    // An API token of a user (even an administrator) is not the metrics token.
    const admin = server.createUser({ roles: ['admin'] });
    assert.equal((await server.get('/metrics', { token: admin.token })).status, 401);
    const ok = await server.get('/metrics', { headers: { authorization: `Bearer ${token}` } });
    assert.equal(ok.status, 200);
    assert.match(ok.text, /admit_http_requests_total/);
  } finally {
    await server.stop();
  }
});

test('with a metrics address, /metrics is served there and not on the public listener', async () => {
  const port = await freePort();
  const server = await startServer({ env: { ADMIT_METRICS_TOKEN: '', ADMIT_METRICS_LISTEN: `127.0.0.1:${port}` } });
  try {
    assert.equal((await server.get('/metrics')).status, 404);
    const r = await fetch(`http://127.0.0.1:${port}/metrics`);
    assert.equal(r.status, 200);
    const text = await r.text();
    assert.match(text, /admit_http_connections \d+/);
    // Nothing else is served there.
    assert.equal((await fetch(`http://127.0.0.1:${port}/api/v1/events`)).status, 404);
  } finally {
    await server.stop();
  }
});

test('config check refuses a short metrics token and a metrics address equal to the public one', () => {
  const short = runCli({ ADMIT_METRICS_TOKEN: 'short' }, ['config', 'check']);
  assert.notEqual(short.status, 0);
  assert.match(short.stderr + short.stdout, /metrics_token: must be at least 32 characters/);
  const same = runCli({ ADMIT_LISTEN: '127.0.0.1:8080', ADMIT_METRICS_LISTEN: '127.0.0.1:8080' }, ['config', 'check']);
  assert.notEqual(same.status, 0);
  assert.match(same.stderr + same.stdout, /metrics_listen: must differ from listen/);
});
