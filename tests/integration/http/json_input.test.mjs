// JSON request bodies: the media type is parsed (no substring match on "json"), duplicate
// keys, NUL characters, invalid UTF-8, deep nesting and huge strings are each refused with a
// clear problem naming what is wrong, and nothing of it is stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, eventBody } from './harness.mjs';

let server;
let organizer;
before(async () => {
  server = await startServer();
  organizer = server.createUser({ roles: ['organizer'] });
});
after(async () => { await server?.stop(); });

const resetBody = JSON.stringify({ email: 'nobody@example.com' });
const post = (path, raw, type, opts = {}) =>
  server.request('POST', path, { ...opts, raw, headers: { 'content-type': type, 'x-admit-csrf': '1', ...(opts.headers ?? {}) } });

test('only application/json and +json media types are read as JSON', async () => {
  // A cross-site form can send text/plain without a preflight: it must not reach login.
  for (const type of ['text/plain; charset=json', 'text/plain', 'application/x-www-form-urlencoded; json=1', 'application/jsonp', 'json', 'application/json-seq', 'multipart/form-data; boundary=json']) {
    for (const path of ['/api/v1/auth/login', '/api/v1/auth/password-reset']) {
      const r = await post(path, path.endsWith('login') ? JSON.stringify({ email: 'a@example.com', password: 'x' }) : resetBody, type);
      assert.equal(r.status, 415, `${type} on ${path}: ${r.text}`);
      assert.equal(r.body.code, 'unsupported_media_type');
    }
  }
  for (const [i, type] of ['application/json', 'Application/JSON', 'application/json; charset=utf-8', 'application/json;charset="UTF-8"', 'application/merge-patch+json', 'application/vnd.admit+json; v=1'].entries()) {
    // One address each: resets are limited to 5 an hour per address.
    const r = await post('/api/v1/auth/password-reset', JSON.stringify({ email: `type${i}@example.com` }), type);
    assert.equal(r.status, 202, `${type}: ${r.text}`);
  }
});

test('a key given twice in one object answers 422 naming it', async () => {
  const r = await post('/api/v1/auth/password-reset', '{"email":"a@example.com","email":"b@example.com"}', 'application/json');
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.body.errors, [{ field: 'email', message: 'appears more than once' }]);
  const ev = eventBody();
  const text = JSON.stringify(ev).replace('"ticket_types":[{', '"ticket_types":[{"price":5,');
  const nested = await server.request('POST', '/api/v1/events', { token: organizer.token, raw: text, headers: { 'content-type': 'application/json' } });
  assert.equal(nested.status, 422, nested.text);
  assert.deepEqual(nested.body.errors, [{ field: 'ticket_types[0].price', message: 'appears more than once' }]);
});

test('NUL characters are refused naming the field, and nothing is stored', async () => {
  const before = (await server.get('/api/v1/me', { token: organizer.token })).body.name;
  const r = await server.patch('/api/v1/me', { name: 'Evil\u0000Name' }, { token: organizer.token });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.body.errors[0].field, 'name');
  assert.match(r.body.errors[0].message, /NUL/);
  assert.equal((await server.get('/api/v1/me', { token: organizer.token })).body.name, before);

  const ev = await server.post('/api/v1/events', eventBody({ venue: 'Hall\u0000 B', ticket_types: [{ name: 'A\u0000', price: 0, capacity: 1 }] }), { token: organizer.token });
  assert.equal(ev.status, 422, ev.text);
  assert.equal(ev.body.errors[0].field, 'venue');
  const mine = await server.get('/api/v1/organizer/events', { token: organizer.token });
  assert.equal(mine.body.items.length, 0, 'no event was stored');
});

test('invalid UTF-8 answers 400 with the byte offset, and nothing is stored', async () => {
  const bad = Buffer.concat([Buffer.from('{"name":"Caf'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
  const r = await server.request('PATCH', '/api/v1/me', { token: organizer.token, raw: bad, headers: { 'content-type': 'application/json' } });
  assert.equal(r.status, 400, r.text);
  assert.match(r.body.detail, /not valid UTF-8 \(at byte 12\)/);
  for (const bytes of [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]]) {
    const raw = Buffer.concat([Buffer.from('{"name":"'), Buffer.from(bytes), Buffer.from('"}')]);
    const res = await server.request('PATCH', '/api/v1/me', { token: organizer.token, raw, headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 400, `${bytes}: ${res.text}`);
  }
  // A lone surrogate escape is not a character either.
  const lone = await server.request('PATCH', '/api/v1/me', { token: organizer.token, raw: '{"name":"\\ud800"}', headers: { 'content-type': 'application/json' } });
  assert.equal(lone.status, 400, lone.text);
  // Real multi-byte text is fine.
  const ok = await server.patch('/api/v1/me', { name: 'Zoë 😀 東京' }, { token: organizer.token });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.name, 'Zoë 😀 東京');
});

test('deep nesting and huge strings are refused clearly', async () => {
  const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
  const r = await post('/api/v1/auth/password-reset', `{"email":${deep}}`, 'application/json');
  assert.equal(r.status, 400, r.text);
  assert.match(r.body.detail, /deeper than 32 levels/);
  const big = await post('/api/v1/auth/password-reset', JSON.stringify({ email: 'x'.repeat(1_000_000) }), 'application/json');
  assert.equal(big.status, 422, big.text.slice(0, 300));
  assert.equal(big.body.errors[0].field, 'email');
  const tooBig = await post('/api/v1/auth/password-reset', JSON.stringify({ email: 'x'.repeat(1_100_000) }), 'application/json');
  assert.equal(tooBig.status, 413, tooBig.text.slice(0, 300));
});
