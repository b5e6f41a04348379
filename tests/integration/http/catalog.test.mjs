// The event catalogue over HTTP against the real binary (runs on sqlite and postgres).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, eventBody } from './harness.mjs';

let server;
let organizer;
let other;

before(async () => {
  server = await startServer();
  organizer = server.createUser({ roles: ['organizer'], name: 'Olga Organizer' });
  other = server.createUser({ roles: ['organizer'], name: 'Otto Other' });
});
after(async () => { await server?.stop(); });

async function createEvent(body = {}, who = organizer) {
  const res = await server.post('/api/v1/events', eventBody(body), { token: who.token });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

test('operations endpoints answer', async () => {
  assert.equal((await server.get('/healthz')).status, 200);
  const ready = await server.get('/readyz');
  assert.equal(ready.status, 200);
  assert.match(ready.text, /ok/);
  const metrics = await server.get('/metrics', { headers: { authorization: `Bearer ${server.metricsToken}` } });
  assert.equal(metrics.status, 200);
  assert.match(metrics.text, /admit_http_requests_total/);
});

test('every answer carries security headers and a request id', async () => {
  const res = await server.get('/api/v1/events');
  assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.ok(res.headers.get('referrer-policy'));
  assert.ok(res.headers.get('x-request-id'));
  assert.equal(res.headers.get('strict-transport-security'), null, 'no HSTS over plain http');
});

test('categories are a fixed list', async () => {
  const res = await server.get('/api/v1/categories');
  assert.equal(res.status, 200);
  const ids = res.body.items.map((c) => c.id);
  assert.ok(ids.includes('music') && ids.includes('conference'));
  assert.ok(res.body.items.every((c) => typeof c.label === 'string'));
});

test('an organizer creates a draft, which only they can see, then publishes it', async () => {
  const ev = await createEvent({ title: 'Draft night' });
  assert.equal(ev.status, 'draft');
  assert.equal(ev.organizer_id, organizer.id);
  assert.equal(ev.sold, 0);
  assert.equal(ev.remaining, 100);
  assert.equal(ev.ticket_types.length, 1);
  assert.deepEqual(Object.keys(ev.ticket_types[0]).sort(), ['capacity', 'description', 'hidden', 'id', 'max_per_order', 'name', 'price', 'remaining', 'sales_end', 'sales_start', 'sold'].sort());

  assert.equal((await server.get(`/api/v1/events/${ev.id}`)).status, 404, 'anonymous cannot see a draft');
  assert.equal((await server.get(`/api/v1/events/${ev.id}`, { token: other.token })).status, 404);
  assert.equal((await server.get(`/api/v1/events/${ev.id}`, { token: organizer.token })).status, 200);

  const listed = await server.get('/api/v1/events?q=draft%20night');
  assert.equal(listed.body.items.length, 0, 'drafts are not listed');

  const pub = await server.post(`/api/v1/events/${ev.id}/publish`, undefined, { token: organizer.token });
  assert.equal(pub.status, 200, pub.text);
  assert.equal(pub.body.status, 'published');
  const seen = await server.get(`/api/v1/events/${ev.id}`);
  assert.equal(seen.status, 200);
  assert.equal(seen.body.title, 'Draft night');
});

test("another organizer's event answers 404 for every change", async () => {
  const ev = await createEvent();
  for (const [method, path, body] of [
    ['PATCH', `/api/v1/events/${ev.id}`, { title: 'Mine now' }],
    ['POST', `/api/v1/events/${ev.id}/publish`],
    ['POST', `/api/v1/events/${ev.id}/cancel`],
  ]) {
    const res = await server.request(method, path, { token: other.token, body });
    assert.equal(res.status, 404, `${method} ${path}`);
    assert.equal(res.body.code, 'not_found');
  }
});

test('creating needs a sign-in and the organizer role', async () => {
  const anon = await server.post('/api/v1/events', eventBody());
  assert.equal(anon.status, 401);
  assert.equal(anon.body.code, 'unauthenticated');
  const attendee = server.createUser({ roles: ['attendee'] });
  const res = await server.post('/api/v1/events', eventBody(), { token: attendee.token });
  assert.equal(res.status, 403);
  assert.equal(res.body.code, 'forbidden');
});

test('validation names every wrong field', async () => {
  const res = await server.post('/api/v1/events', eventBody({
    title: '',
    category: 'knitting',
    timezone: 'Mars/Base',
    currency: 'XXX',
    ends_at: '2020-01-01T00:00:00Z',
    capacity: 0,
    ticket_types: [{ name: 'A', price: -5, capacity: 10 }],
  }), { token: organizer.token });
  assert.equal(res.status, 422);
  assert.equal(res.headers.get('content-type'), 'application/problem+json');
  assert.equal(res.body.code, 'validation_failed');
  const fields = res.body.errors.map((e) => e.field);
  for (const f of ['title', 'category', 'timezone', 'currency', 'ends_at', 'capacity', 'ticket_types[0].price'])
    assert.ok(fields.includes(f), `expected an error for ${f}, got ${fields}`);
});

test('a ticket type may not exceed the event capacity', async () => {
  const res = await server.post('/api/v1/events', eventBody({ capacity: 10, ticket_types: [{ name: 'A', price: 0, capacity: 11 }] }), { token: organizer.token });
  assert.equal(res.status, 422);
  assert.deepEqual(res.body.errors.map((e) => e.field), ['ticket_types[0].capacity']);
});

test('malformed bodies are 4xx problems and the server keeps serving', async () => {
  const bad = [
    { raw: '{"title": ', headers: { 'content-type': 'application/json' }, status: 400 },
    { raw: '[1,2,3]', headers: { 'content-type': 'application/json' }, status: 422 },
    { raw: 'title=x', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415 },
    { raw: JSON.stringify({ ...eventBody(), colour: 'red' }), headers: { 'content-type': 'application/json' }, status: 422 },
    { raw: JSON.stringify({ ...eventBody(), capacity: '100' }), headers: { 'content-type': 'application/json' }, status: 422 },
    { raw: JSON.stringify({ ...eventBody(), description: 'x'.repeat(2 * 1024 * 1024) }), headers: { 'content-type': 'application/json' }, status: 413 },
  ];
  for (const b of bad) {
    const res = await server.request('POST', '/api/v1/events', { token: organizer.token, raw: b.raw, headers: b.headers });
    assert.equal(res.status, b.status, `${b.raw.slice(0, 40)} → ${res.status} ${res.text.slice(0, 200)}`);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    assert.equal(typeof res.body.detail, 'string');
  }
  const unknown = await server.request('POST', '/api/v1/events', { token: organizer.token, raw: JSON.stringify({ ...eventBody(), colour: 'red' }), headers: { 'content-type': 'application/json' } });
  assert.ok(unknown.body.errors.some((e) => e.field === 'colour'));
  assert.equal((await server.get('/healthz')).status, 200);
});

test('unknown API paths are 404 and wrong methods 405 with Allow', async () => {
  const missing = await server.get('/api/v1/nope');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.code, 'not_found');
  const wrong = await server.request('DELETE', '/api/v1/events');
  assert.equal(wrong.status, 405);
  assert.match(wrong.headers.get('allow') ?? '', /GET/);
});

test('updates keep ticket type ids and reject lowering capacity below what is sold', async () => {
  const ev = await createEvent();
  const tt = ev.ticket_types[0];
  const res = await server.patch(`/api/v1/events/${ev.id}`, {
    title: 'Renamed',
    ticket_types: [{ id: tt.id, name: 'General', price: 500, capacity: 80 }, { name: 'VIP', price: 2500, capacity: 20 }],
  }, { token: organizer.token });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.title, 'Renamed');
  assert.equal(res.body.ticket_types[0].id, tt.id);
  assert.equal(res.body.ticket_types[0].price, 500);
  assert.equal(res.body.ticket_types[1].name, 'VIP');
  const foreign = await server.patch(`/api/v1/events/${ev.id}`, { ticket_types: [{ id: 'tt_notours', name: 'X', price: 0, capacity: 1 }] }, { token: organizer.token });
  assert.equal(foreign.status, 422);
});

test('cancel is final: a cancelled event cannot be edited or published', async () => {
  const ev = await createEvent();
  const c = await server.post(`/api/v1/events/${ev.id}/cancel`, undefined, { token: organizer.token });
  assert.equal(c.status, 200);
  assert.equal(c.body.status, 'cancelled');
  assert.equal((await server.post(`/api/v1/events/${ev.id}/publish`, undefined, { token: organizer.token })).status, 409);
  assert.equal((await server.patch(`/api/v1/events/${ev.id}`, { title: 'x' }, { token: organizer.token })).status, 409);
});

test('the public listing filters by category, dates and text, soonest first, with cursors', async () => {
  const tag = `zq${Date.now()}`;
  const made = [];
  for (let i = 0; i < 5; i++) {
    const ev = await createEvent({ title: `${tag} event ${i}`, category: i % 2 ? 'sports' : 'music' }, organizer);
    await server.post(`/api/v1/events/${ev.id}/publish`, undefined, { token: organizer.token });
    made.push(ev);
  }
  // Staggered dates: event i runs 12:00-15:00 UTC, i+20 days from now (midday, so that the
  // day window below does not depend on the time of day the test runs at).
  for (let i = 0; i < 5; i++) {
    const start = new Date(Date.now() + (20 + i) * 86400_000);
    start.setUTCHours(12, 0, 0, 0);
    const end = new Date(start.getTime() + 3 * 3600_000);
    await server.patch(`/api/v1/events/${made[i].id}`, { starts_at: start.toISOString(), ends_at: end.toISOString() }, { token: organizer.token });
  }
  const all = await server.get(`/api/v1/events?q=${tag}&limit=2`);
  assert.equal(all.status, 200);
  assert.equal(all.body.items.length, 2);
  assert.ok(all.body.next_cursor);
  const titles = [...all.body.items.map((e) => e.title)];
  let cursor = all.body.next_cursor;
  while (cursor) {
    const page = await server.get(`/api/v1/events?q=${tag}&limit=2&cursor=${encodeURIComponent(cursor)}`);
    titles.push(...page.body.items.map((e) => e.title));
    cursor = page.body.next_cursor;
  }
  assert.deepEqual(titles, [0, 1, 2, 3, 4].map((i) => `${tag} event ${i}`));

  const sports = await server.get(`/api/v1/events?q=${tag}&category=sports`);
  assert.deepEqual(sports.body.items.map((e) => e.title), [`${tag} event 1`, `${tag} event 3`]);

  const day = (d) => new Date(Date.now() + d * 86400_000).toISOString().slice(0, 10);
  const window = await server.get(`/api/v1/events?q=${tag}&from=${day(21)}&to=${day(22)}`);
  assert.deepEqual(window.body.items.map((e) => e.title), [`${tag} event 1`, `${tag} event 2`]);

  for (const bad of ['category=knitting', 'from=yesterday', 'limit=0', 'limit=1000', 'cursor=nonsense']) {
    const res = await server.get(`/api/v1/events?${bad}`);
    assert.equal(res.status, 422, bad);
    assert.equal(res.body.code, 'validation_failed');
  }
});

test('the organizer lists their own events in every state', async () => {
  const mine = await server.get('/api/v1/organizer/events', { token: organizer.token });
  assert.equal(mine.status, 200);
  assert.ok(mine.body.items.length > 3);
  assert.ok(mine.body.items.every((e) => e.organizer_id === organizer.id));
  const states = new Set(mine.body.items.map((e) => e.status));
  assert.ok(states.has('draft') && states.has('published') && states.has('cancelled'));
});

test('the web app is served with SPA fallback when built', async (t) => {
  const index = await server.get('/');
  if (index.status === 404) return t.skip('web/dist not built');
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-type'), /text\/html/);
  assert.match(index.headers.get('cache-control') ?? '', /no-cache/);
  const deep = await server.get('/events/some-id');
  assert.equal(deep.status, 200);
  assert.match(deep.headers.get('content-type'), /text\/html/);
});
