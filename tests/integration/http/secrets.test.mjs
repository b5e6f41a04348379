// No secret in any log line, error answer or metric label. Every HTTP test file's server is
// scanned when it stops (harness.mjs: the passwords, API tokens, session cookies, mail-link
// tokens and configured secrets the file used or received); this file walks the flows that
// handle secrets, at log level info (access log included), and checks the scan on purpose.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, findSecrets, linkToken, waitForMail } from './harness.mjs';

let server;
before(async () => {
  server = await startServer({ env: { ADMIT_STRIPE_WEBHOOK_SECRET: 'whsec_test_secret_for_scan_0123456789' } });
});
after(async () => { await server?.stop(); });

const browser = { 'x-admit-csrf': '1' };

// The token of the link to `path` in the `nth` mail to `email`.
const mailedToken = async (email, path, nth) => linkToken(await waitForMail(server.outboxDir, { to: email, nth }), path);

test('the flows that handle secrets leave none in logs, answers or metrics', async () => {
  const email = 'secret-flow@example.com';
  const password = 'Sesame-Open-Sesame-77!';
  assert.equal((await server.post('/api/v1/auth/signup', { email, password, name: 'S', role: 'organizer' }, { headers: browser })).status, 202);
  const verify = await mailedToken(email, '/verify', 1);
  assert.equal((await server.post('/api/v1/auth/verify', { token: verify }, { headers: browser })).status, 200);
  // Used twice: the error answer must not echo it.
  assert.equal((await server.post('/api/v1/auth/verify', { token: verify }, { headers: browser })).status, 410);
  assert.equal((await server.post('/api/v1/auth/login', { email, password: 'Wrong-Password-99!' }, { headers: browser })).status, 401);
  const login = await server.post('/api/v1/auth/login', { email, password }, { headers: browser });
  assert.equal(login.status, 200);
  const cookie = login.headers.getSetCookie()[0].split(';')[0];
  const sessionHeaders = { cookie, ...browser, origin: server.url };
  assert.equal((await server.get('/api/v1/me/sessions', { headers: { cookie } })).status, 200);
  // A state change without the CSRF proof: a 403 that must not repeat the cookie.
  assert.equal((await server.request('POST', '/api/v1/me/tokens', { body: { name: 'x' }, headers: { cookie } })).status, 403);
  const created = await server.post('/api/v1/me/tokens', { name: 'door' }, { headers: sessionHeaders });
  assert.equal(created.status, 201);
  assert.equal((await server.get('/api/v1/me', { token: created.body.token })).status, 200);
  assert.equal((await server.get('/api/v1/me', { token: `${created.body.token}tampered` })).status, 401);
  assert.equal((await server.post('/api/v1/auth/password-reset', { email }, { headers: browser })).status, 202);
  const reset = await mailedToken(email, '/reset-password', 2);
  const newPassword = 'Another-Long-Secret-88?';
  assert.equal((await server.post('/api/v1/auth/password-reset/confirm', { token: reset, password: newPassword }, { headers: browser })).status, 204);
  assert.equal((await server.post('/api/v1/auth/password-reset/confirm', { token: reset, password: newPassword }, { headers: browser })).status, 410);
  assert.equal((await server.post('/api/v1/auth/logout', undefined, { headers: sessionHeaders })).status, 204);
  // A password sent where a weak one is refused: the 422 names the field, not the value.
  const weak = await server.post('/api/v1/auth/signup', { email: 'w@example.com', password: 'password1234', name: 'W', role: 'attendee' }, { headers: browser });
  assert.equal(weak.status, 422);

  const leaks = await server.scanForSecrets();
  console.log(`scanned for ${server.secrets.size} secrets: ${leaks.length} found`);
  assert.ok(server.secrets.size >= 8, `the suite collected the secrets it used (${[...server.secrets.values()].join(', ')})`);
  // Each secret this walk handled is among those looked for.
  const used = { password, newPassword, verify, reset, apiToken: created.body.token, session: cookie.split('=')[1],
    webhook: 'whsec_test_secret_for_scan_0123456789', metrics: server.metricsToken };
  for (const [what, value] of Object.entries(used)) assert.ok(server.secrets.has(value), `the ${what} is looked for`);
  assert.deepEqual(leaks, []);
});

test('the scan finds a secret in every spelling a log line may use', () => {
  const secrets = new Map([['s3cr3t/Value+1"x', 'password']]);
  assert.equal(findSecrets(secrets, '{"msg":"login","password":"s3cr3t/Value+1\\"x"}', 'log').length, 1);
  assert.equal(findSecrets(secrets, 'GET /x?p=s3cr3t%2FValue%2B1%22x', 'log').length, 1);
  assert.equal(findSecrets(secrets, 'raw s3cr3t/Value+1"x', 'log').length, 1);
  assert.deepEqual(findSecrets(secrets, 'nothing here', 'log'), []);
});
