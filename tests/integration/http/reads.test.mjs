// Public reads from memory (issue 14), against the real binary on each backend: changes
// seen by the very next read, exact live counts, drafts never public, ETags/304,
// Cache-Control, compression, the web app's files; on PostgreSQL, two nodes on one
// database learn of each other's changes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BACKEND, SOURCE_DIR, TestServer, startServer, eventBody, publishedEvent as publish, sqlRows } from './harness.mjs';

let server;
let organizer;
let attendee;

before(async () => {
  server = await startServer();
  organizer = server.createUser({ roles: ['organizer'] });
  attendee = server.createUser({ roles: ['attendee'] });
});
after(async () => { await server?.stop(); });

// A raw GET (node's fetch would decompress and hide the bytes): {status, headers, body: Buffer}.
function rawGet(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const publishedEvent = (overrides = {}, on = server, who = organizer) => publish(on, who, overrides);
const anonymous = (path, on = server) => on.get(path);
async function listIds(query = '', on = server) {
  const ids = [];
  let cursor = '';
  for (;;) {
    const res = await on.get(`/api/v1/events?limit=100${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(res.status, 200, res.text);
    ids.push(...res.body.items.map((e) => e.id));
    if (!res.body.next_cursor) return ids;
    cursor = res.body.next_cursor;
  }
}

test('an organizer change is visible in the very next public read', async () => {
  const draft = await server.post('/api/v1/events', eventBody({ title: 'Before publish' }), { token: organizer.token });
  assert.equal(draft.status, 201);
  const id = draft.body.id;
  assert.equal((await anonymous(`/api/v1/events/${id}`)).status, 404);
  assert.ok(!(await listIds()).includes(id));

  assert.equal((await server.post(`/api/v1/events/${id}/publish`, undefined, { token: organizer.token })).status, 200);
  assert.equal((await anonymous(`/api/v1/events/${id}`)).body.status, 'published');
  assert.ok((await listIds()).includes(id));

  const patched = await server.patch(`/api/v1/events/${id}`, { title: 'After the edit', capacity: 150 }, { token: organizer.token });
  assert.equal(patched.status, 200, patched.text);
  const read = await anonymous(`/api/v1/events/${id}`);
  assert.equal(read.body.title, 'After the edit');
  assert.equal(read.body.capacity, 150);
  assert.equal(read.body.remaining, 150);
  const listed = (await server.get('/api/v1/events?limit=100&q=after%20the%20EDIT')).body.items;
  assert.deepEqual(listed.map((e) => e.id), [id]);
  assert.equal(listed[0].title, 'After the edit');

  assert.equal((await server.post(`/api/v1/events/${id}/cancel`, undefined, { token: organizer.token })).status, 200);
  assert.equal((await anonymous(`/api/v1/events/${id}`)).body.status, 'cancelled');
  assert.ok(!(await listIds()).includes(id));
});

test('a draft never appears publicly, whatever is done to it', async () => {
  const draft = await server.post('/api/v1/events', eventBody({ title: 'Secret draft xyzzy' }), { token: organizer.token });
  const id = draft.body.id;
  await server.patch(`/api/v1/events/${id}`, { title: 'Secret draft xyzzy, edited' }, { token: organizer.token });
  for (const path of [`/api/v1/events/${id}`, `/api/v1/events/${id}?promo_code=NOPE`])
    assert.equal((await anonymous(path)).status, 404, path);
  assert.equal((await server.get(`/api/v1/events/${id}`, { token: attendee.token })).status, 404);
  assert.equal((await server.get('/api/v1/events?q=xyzzy')).body.items.length, 0);
  // Its organizer still sees it, privately.
  const own = await server.get(`/api/v1/events/${id}`, { token: organizer.token });
  assert.equal(own.status, 200);
  assert.match(own.headers.get('cache-control'), /private/);
});

test('sold and remaining are exact after every registration and cancellation', async () => {
  const ev = await publishedEvent({ capacity: 40, max_per_user: null, ticket_types: [{ name: 'A', price: 0, capacity: 25, max_per_order: 5 }, { name: 'B', price: 0, capacity: 15, max_per_order: 5 }] });
  const [a, b] = ev.ticket_types;
  const registrations = [];
  const check = async (step) => {
    const read = (await anonymous(`/api/v1/events/${ev.id}`)).body;
    const [[sold]] = sqlRows(server.database, `SELECT sold FROM events WHERE id = '${ev.id}'`);
    const types = Object.fromEntries(sqlRows(server.database, `SELECT id, sold FROM ticket_types WHERE event_id = '${ev.id}'`));
    assert.equal(read.sold, Number(sold), `${step}: event sold`);
    assert.equal(read.remaining, 40 - Number(sold), `${step}: event remaining`);
    for (const t of read.ticket_types) {
      assert.equal(t.sold, Number(types[t.id]), `${step}: ${t.name} sold`);
      assert.equal(t.remaining, t.capacity - Number(types[t.id]), `${step}: ${t.name} remaining`);
    }
    const listed = (await server.get('/api/v1/events?limit=100')).body.items.find((e) => e.id === ev.id);
    assert.equal(listed.sold, Number(sold), `${step}: listed sold`);
  };
  for (let i = 0; i < 12; i += 1) {
    const type = i % 3 === 0 ? b : a;
    const res = await server.post(`/api/v1/events/${ev.id}/registrations`,
      { items: [{ ticket_type_id: type.id, quantity: 1 + (i % 3) }] },
      { token: attendee.token, headers: { 'idempotency-key': randomUUID() } });
    assert.ok(res.status === 201 || res.status === 409, res.text);
    if (res.status === 201) registrations.push(res.body.id);
    await check(`after registration ${i}`);
    if (i % 4 === 3) {
      const id = registrations.shift();
      const cancel = await server.post(`/api/v1/registrations/${id}/cancel`, undefined, { token: attendee.token });
      assert.equal(cancel.status, 200, cancel.text);
      await check(`after cancelling ${id}`);
    }
  }
  assert.ok(Number(sqlRows(server.database, `SELECT sold FROM events WHERE id = '${ev.id}'`)[0][0]) > 0);
});

test('ETags change exactly when the content does; If-None-Match answers 304', async () => {
  const ev = await publishedEvent({ title: 'Tagged' });
  const path = `/api/v1/events/${ev.id}`;
  const first = await anonymous(path);
  const tag = first.headers.get('etag');
  assert.match(tag, /^"[0-9a-f]{32}"$/);
  assert.equal(first.headers.get('cache-control'), 'public, max-age=0, s-maxage=2, must-revalidate');
  assert.equal((await anonymous(path)).headers.get('etag'), tag, 'same content, same tag');
  const revalidated = await server.get(path, { headers: { 'if-none-match': tag } });
  assert.equal(revalidated.status, 304);
  assert.equal(revalidated.text, '');
  assert.equal(revalidated.headers.get('etag'), tag);

  // A registration changes the counts: a new tag, and the old one no longer matches.
  const reg = await server.post(`${path}/registrations`, { items: [{ ticket_type_id: ev.ticket_types[0].id, quantity: 1 }] },
    { token: attendee.token, headers: { 'idempotency-key': randomUUID() } });
  assert.equal(reg.status, 201, reg.text);
  const after = await server.get(path, { headers: { 'if-none-match': tag } });
  assert.equal(after.status, 200);
  assert.notEqual(after.headers.get('etag'), tag);
  assert.equal(after.body.sold, 1);

  // The list too.
  const list = await anonymous('/api/v1/events?limit=5');
  const listTag = list.headers.get('etag');
  assert.equal((await server.get('/api/v1/events?limit=5', { headers: { 'if-none-match': listTag } })).status, 304);
  await server.patch(`/api/v1/events/${ev.id}`, { title: 'Tagged again' }, { token: organizer.token });
  const relisted = await server.get('/api/v1/events?limit=100', { headers: { 'if-none-match': listTag } });
  assert.equal(relisted.status, 200);
  const cats = await anonymous('/api/v1/categories');
  assert.equal((await server.get('/api/v1/categories', { headers: { 'if-none-match': cats.headers.get('etag') } })).status, 304);
});

test('JSON is compressed when the client accepts it, with Vary', async () => {
  for (let i = 0; i < 6; i += 1) await publishedEvent({ title: `Compressed ${i}`, description: 'x'.repeat(400) });
  const url = `${server.url}/api/v1/events?limit=50`;
  const plain = await rawGet(url);
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.equal(plain.headers.vary, 'Accept-Encoding');
  const packed = await rawGet(url, { 'accept-encoding': 'br;q=1, gzip;q=0.8' });
  assert.equal(packed.headers['content-encoding'], 'gzip');
  assert.equal(packed.headers.vary, 'Accept-Encoding');
  assert.ok(packed.body.length < plain.body.length / 2, `${packed.body.length} vs ${plain.body.length}`);
  assert.deepEqual(JSON.parse(gunzipSync(packed.body)), JSON.parse(plain.body));
  assert.match(packed.headers.etag, /\.gz"$/);
  // gzip;q=0 refuses it.
  assert.equal((await rawGet(url, { 'accept-encoding': 'gzip;q=0' })).headers['content-encoding'], undefined);
  // Other JSON answers above the threshold too (the organizer's own list).
  const own = await rawGet(`${server.url}/api/v1/organizer/events`, { authorization: `Bearer ${organizer.token}`, 'accept-encoding': 'gzip' });
  assert.equal(own.status, 200);
  assert.equal(own.headers['content-encoding'], 'gzip');
  assert.ok(JSON.parse(gunzipSync(own.body)).items.length > 0);
});

const dist = join(SOURCE_DIR, 'web', 'dist');
test('web app files: ETag, 304, immutable assets, precompressed variants', { skip: !existsSync(join(dist, 'index.html')) && 'web/dist not built' }, async () => {
  const index = await rawGet(`${server.url}/`, { 'accept-encoding': 'gzip, br' });
  assert.equal(index.status, 200);
  assert.equal(index.headers['cache-control'], 'no-cache');
  assert.ok(index.headers.etag);
  assert.equal((await rawGet(`${server.url}/events/anything`, { 'if-none-match': index.headers.etag })).status, 304);
  const script = readdirSync(join(dist, 'assets')).find((f) => f.endsWith('.js') && existsSync(join(dist, 'assets', `${f}.br`)));
  assert.ok(script, 'the build made .br files');
  const br = await rawGet(`${server.url}/assets/${script}`, { 'accept-encoding': 'gzip, deflate, br' });
  assert.equal(br.status, 200);
  assert.equal(br.headers['content-encoding'], 'br');
  assert.equal(br.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal(br.headers.vary, 'Accept-Encoding');
  const gz = await rawGet(`${server.url}/assets/${script}`, { 'accept-encoding': 'gzip' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  const plain = await rawGet(`${server.url}/assets/${script}`);
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.equal(gunzipSync(gz.body).toString(), plain.body.toString());
  assert.equal((await rawGet(`${server.url}/assets/${script}`, { 'if-none-match': br.headers.etag })).status, 304);
  assert.equal((await rawGet(`${server.url}/assets/missing-1234.js`)).status, 404);
});

test('two nodes on one PostgreSQL learn of each other\'s changes', { skip: BACKEND !== 'postgres' && 'PostgreSQL only' }, async () => {
  const other = new TestServer({ database: server.database });
  await other.start();
  try {
    // The bound this test holds the feed to (the feed itself is a few milliseconds).
    const boundMs = 2000;
    const waitFor = async (what, check) => {
      const started = Date.now();
      for (;;) {
        if (await check()) return Date.now() - started;
        if (Date.now() - started > boundMs) assert.fail(`node B did not see ${what} within ${boundMs} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    const ev = await publishedEvent({ title: 'Two nodes' });  // on node A
    const seen = [];
    seen.push(await waitFor('the publish', async () => (await anonymous(`/api/v1/events/${ev.id}`, other)).status === 200));
    seen.push(await waitFor('the publish in its list', async () => (await listIds('', other)).includes(ev.id)));
    await server.patch(`/api/v1/events/${ev.id}`, { title: 'Two nodes, renamed' }, { token: organizer.token });
    seen.push(await waitFor('the rename', async () => (await anonymous(`/api/v1/events/${ev.id}`, other)).body.title === 'Two nodes, renamed'));
    const reg = await server.post(`/api/v1/events/${ev.id}/registrations`, { items: [{ ticket_type_id: ev.ticket_types[0].id, quantity: 2 }] },
      { token: attendee.token, headers: { 'idempotency-key': randomUUID() } });
    assert.equal(reg.status, 201, reg.text);
    seen.push(await waitFor('the registration', async () => (await anonymous(`/api/v1/events/${ev.id}`, other)).body.sold === 2));
    // And back: a registration on node B shows on node A.
    const back = await other.post(`/api/v1/events/${ev.id}/registrations`, { items: [{ ticket_type_id: ev.ticket_types[0].id, quantity: 1 }] },
      { token: attendee.token, headers: { 'idempotency-key': randomUUID() } });
    assert.equal(back.status, 201, back.text);
    seen.push(await waitFor('node B\'s registration on node A', async () => (await anonymous(`/api/v1/events/${ev.id}`)).body.sold === 3));
    await server.post(`/api/v1/events/${ev.id}/cancel`, undefined, { token: organizer.token });
    seen.push(await waitFor('the cancel', async () => !(await listIds('', other)).includes(ev.id)));
    console.log(`# two nodes: changes seen after ${seen.join(', ')} ms`);
  } finally {
    await other.stop();
  }
});
