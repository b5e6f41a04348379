// The findings of probing admit as an attacker would (issue 9, "Also found"), each replayed
// against the real binary: account deletion, per-person caps, abuse limits, tokens at
// password reset and re-enabling, the text rule, sign-in lock-out, read-only fields, the
// epoch as a time, and session ids.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, eventBody, publishedEvent, waitForMail, linkToken } from './harness.mjs';

const STRONG = 'Probe-Secret-4711!';

// Budgets count in fixed windows aligned to the minute (and hour): a sequence that must
// meet one budget starts at least 10 s before the window ends, so it cannot straddle two.
async function awayFromWindowEdge() {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 10_000) await sleep(left + 200);
}

function register(server, who, ev, quantity = 1, extra = {}) {
  return server.post(`/api/v1/events/${ev.id}/registrations`,
    { items: [{ ticket_type_id: ev.ticket_types[0].id, quantity }], ...extra },
    { token: who.token, headers: { 'idempotency-key': randomUUID() } });
}

describe('with the default configuration', () => {
  let server;
  let organizer;
  before(async () => {
    server = await startServer();
    organizer = server.createUser({ roles: ['organizer'], name: 'Olga Organizer' });
  });
  after(async () => { await server?.stop(); });

  test('DELETE /api/v1/me cancels upcoming registrations, voids tickets and erases names and emails on them', async () => {
    const ev = await publishedEvent(server, organizer);
    const leaver = server.createUser({ roles: ['attendee'], name: 'Lea Leaver' });
    const stayer = server.createUser({ roles: ['attendee'], name: 'Sam Stayer' });
    const mine = await register(server, leaver, ev, 2, { attendees: [{ name: 'Lea Leaver', email: leaver.email }, { name: 'Friend Of Lea', email: 'friend.of.lea@example.com' }] });
    assert.equal(mine.status, 201, mine.text);
    const theirs = await register(server, stayer, ev, 1);
    assert.equal(theirs.status, 201, theirs.text);
    const soldBefore = (await server.get(`/api/v1/events/${ev.id}`)).body.sold;

    const del = await server.del('/api/v1/me', { token: leaver.token });
    assert.equal(del.status, 204, del.text);

    const reg = await server.get(`/api/v1/registrations/${mine.body.id}`, { token: organizer.token });
    assert.equal(reg.body.status, 'cancelled');
    for (const t of reg.body.tickets) {
      assert.equal(t.status, 'cancelled');
      assert.equal(t.attendee_name, 'Deleted user');
      assert.equal(t.attendee_email, '');
    }
    assert.equal((await server.get(`/api/v1/events/${ev.id}`)).body.sold, soldBefore - 2, 'seats are back on sale');
    const csv = await server.get(`/api/v1/events/${ev.id}/registrations?format=csv`, { token: organizer.token });
    assert.equal(csv.status, 200);
    for (const secret of ['Lea Leaver', leaver.email, 'Friend Of Lea', 'friend.of.lea@example.com'])
      assert.ok(!csv.text.includes(secret), `the CSV still shows ${secret}`);
    assert.ok(csv.text.includes('Sam Stayer'), 'other attendees stay');
    const other = await server.get(`/api/v1/registrations/${theirs.body.id}`, { token: stayer.token });
    assert.equal(other.body.status, 'confirmed');
  });

  test('new events get a per-person cap of 10 that the organizer can change; demo events have one', async () => {
    const ev = await publishedEvent(server, organizer, { ticket_types: [{ name: 'General', price: 0, capacity: 100, max_per_order: 10 }] });
    assert.equal(ev.max_per_user, 10);
    const buyer = server.createUser({ roles: ['attendee'] });
    assert.equal((await register(server, buyer, ev, 10)).status, 201);
    const over = await register(server, buyer, ev, 1);
    assert.equal(over.status, 422, over.text);
    assert.equal(over.body.errors[0].field, 'items');
    const raised = await server.patch(`/api/v1/events/${ev.id}`, { max_per_user: 12 }, { token: organizer.token });
    assert.equal(raised.status, 200, raised.text);
    assert.equal(raised.body.max_per_user, 12);
    assert.equal((await register(server, buyer, ev, 2)).status, 201);
    const none = await server.post('/api/v1/events', eventBody({ max_per_user: null }), { token: organizer.token });
    assert.equal(none.status, 201, none.text);
    assert.equal(none.body.max_per_user, null, 'an explicit null means no cap');

    const demo = server.cli(['demo']);
    assert.equal(demo.status, 0, demo.stderr);
    // Events another process added reach this node's public snapshots within the SQLite
    // change poll (1 s): wait for them, up to 5 s.
    let demos = [];
    for (let tries = 0; tries < 50 && demos.length < 8; tries += 1) {
      if (tries) await new Promise((r) => setTimeout(r, 100));
      const list = await server.get('/api/v1/events?limit=100');
      demos = list.body.items.filter((e) => e.organizer_id !== organizer.id);
    }
    assert.ok(demos.length >= 8, `demo events: ${demos.length}`);
    for (const e of demos) {
      assert.ok(Number.isInteger(e.max_per_user) && e.max_per_user <= 10, `${e.title}: max_per_user ${e.max_per_user}`);
      assert.ok(e.max_per_user < e.capacity, `${e.title}: one account cannot take the whole event`);
    }
  });

  test('API tokens are revoked at a password reset (the mail says so) and stay revoked when a disabled account is enabled', async () => {
    const admin = server.createUser({ roles: ['admin'] });
    const person = server.createUser({ roles: ['attendee'], name: 'Rita Reset' });
    const extra = await server.post('/api/v1/me/tokens', { name: 'script' }, { token: person.token });
    assert.equal(extra.status, 201);
    assert.equal((await server.post('/api/v1/auth/password-reset', { email: person.email })).status, 202);
    const outbox = server.outboxDir;
    const token = linkToken(await waitForMail(outbox, { to: person.email, match: /reset-password\?token=/ }), '/reset-password');
    const done = await server.post('/api/v1/auth/password-reset/confirm', { token, password: STRONG });
    assert.equal(done.status, 204, done.text);
    assert.equal((await server.get('/api/v1/me', { token: person.token })).status, 401, 'the command-line token is revoked');
    assert.equal((await server.get('/api/v1/me', { token: extra.body.token })).status, 401, 'the API-made token is revoked');
    await waitForMail(outbox, { to: person.email, match: /API tokens \(scripts and door scanners\) were revoked/ });

    const other = server.createUser({ roles: ['attendee'] });
    assert.equal((await server.post(`/api/v1/admin/users/${other.id}/disable`, undefined, { token: admin.token })).status, 200);
    assert.equal((await server.get('/api/v1/me', { token: other.token })).status, 401);
    assert.equal((await server.post(`/api/v1/admin/users/${other.id}/enable`, undefined, { token: admin.token })).status, 200);
    assert.equal((await server.get('/api/v1/me', { token: other.token })).status, 401, 'enabling does not revive old tokens');
    const login = await server.post('/api/v1/auth/login', { email: other.email, password: other.password });
    assert.equal(login.status, 200, 'the owner signs in again');
  });

  test('one text rule: control characters are refused in every text field, naming it; descriptions keep line breaks', async () => {
    const cases = [
      [{ venue: 'Hall\u0000A' }, 'venue'],
      [{ description: 'Bell\u0007 rings' }, 'description'],
      [{ title: 'Esc\u001b[31m' }, 'title'],
      [{ title: 'Two\nlines' }, 'title'],
      [{ ticket_types: [{ name: 'Gen\u001beral', price: 0, capacity: 10 }] }, 'ticket_types[0].name'],
      [{ ticket_types: [{ name: 'General', description: 'C1 \u0085 here', price: 0, capacity: 10 }] }, 'ticket_types[0].description'],
    ];
    for (const [override, field] of cases) {
      const res = await server.post('/api/v1/events', eventBody(override), { token: organizer.token });
      assert.equal(res.status, 422, `${field}: ${res.text}`);
      assert.ok(res.body.errors.some((e) => e.field === field), `${field} named: ${res.text}`);
    }
    const ok = await server.post('/api/v1/events', eventBody({ description: 'Line one\nLine two\n\tindented' }), { token: organizer.token });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.body.description, 'Line one\nLine two\n\tindented');
    const ev = await publishedEvent(server, organizer);
    const who = server.createUser({ roles: ['attendee'] });
    const bad = await register(server, who, ev, 1, { attendees: [{ name: 'Nul\u0000Name', email: 'n@example.com' }] });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.errors[0].field, 'attendees[0].name');
    const token = await server.post('/api/v1/me/tokens', { name: 'tab\there' }, { token: who.token });
    assert.equal(token.status, 422);
    assert.equal(token.body.errors[0].field, 'name');
    const profile = await server.patch('/api/v1/me', { name: 'Bell\u0007' }, { token: who.token });
    assert.equal(profile.status, 422);
    assert.equal(profile.body.errors[0].field, 'name');
  });

  test('read-only fields in a PATCH or create are refused naming the field', async () => {
    const ev = await publishedEvent(server, organizer);
    for (const [body, field] of [[{ status: 'draft' }, 'status'], [{ organizer_id: 'usr_x' }, 'organizer_id'],
      [{ id: 'evt_x' }, 'id'], [{ sold: 0 }, 'sold'], [{ remaining: 5 }, 'remaining']]) {
      const res = await server.patch(`/api/v1/events/${ev.id}`, body, { token: organizer.token });
      assert.equal(res.status, 422, `${field}: ${res.text}`);
      assert.deepEqual(res.body.errors.map((e) => e.field), [field]);
      assert.match(res.body.errors[0].message, /read-only/);
    }
    const types = ev.ticket_types.map((t) => ({ id: t.id, name: t.name, price: t.price, capacity: t.capacity, sold: t.sold }));
    const res = await server.patch(`/api/v1/events/${ev.id}`, { ticket_types: types }, { token: organizer.token });
    assert.equal(res.status, 422, res.text);
    assert.equal(res.body.errors[0].field, 'ticket_types[0].sold');
    const now = await server.get(`/api/v1/events/${ev.id}`);
    assert.equal(now.body.status, 'published');
  });

  test('1970-01-01T00:00:00Z is a time like any other, not "missing"', async () => {
    const res = await server.post('/api/v1/events', eventBody({ starts_at: '1970-01-01T00:00:00Z', ends_at: '1970-01-01T03:00:00Z' }), { token: organizer.token });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.starts_at, '1970-01-01T00:00:00Z');
    const missing = await server.post('/api/v1/events', { ...eventBody(), starts_at: undefined }, { token: organizer.token });
    assert.equal(missing.status, 422);
    assert.equal(missing.body.errors[0].field, 'starts_at');
  });

  test('/me/sessions shows a handle, not the stored SHA-256 of the cookie; ending a session by it works', async () => {
    const person = server.createUser({ roles: ['attendee'] });
    const login = await server.post('/api/v1/auth/login', { email: person.email, password: person.password });
    assert.equal(login.status, 200);
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('admit_session=')).split(';')[0];
    const hash = createHash('sha256').update(cookie.split('=')[1]).digest('hex');
    const list = await server.get('/api/v1/me/sessions', { headers: { cookie } });
    assert.equal(list.status, 200);
    assert.equal(list.body.items.length, 1);
    const [s] = list.body.items;
    assert.notEqual(s.id, hash);
    assert.ok(!list.text.includes(hash), 'the hash appears nowhere');
    assert.match(s.id, /^ses_/);
    assert.equal(s.current, true);
    const end = await server.del(`/api/v1/me/sessions/${s.id}`, { token: person.token });
    assert.equal(end.status, 204, end.text);
    assert.equal((await server.get('/api/v1/me', { headers: { cookie } })).status, 401);
    const byHash = await server.del(`/api/v1/me/sessions/${hash}`, { token: person.token });
    assert.equal(byHash.status, 404, 'the hash is no handle');
  });
});

describe('abuse limits (small budgets so the test is quick)', () => {
  let server;
  let organizer;
  before(async () => {
    server = await startServer({ env: {
      ADMIT_TRUST_PROXY: 'true',
      ADMIT_REGISTRATION_RATE_PER_USER: '3',
      ADMIT_REGISTRATION_RATE_PER_ADDRESS: '4',
      ADMIT_WAITLIST_RATE_PER_USER: '1',
      ADMIT_EVENT_RATE_PER_USER: '4',
    } });
    organizer = server.createUser({ roles: ['organizer'] });
  });
  after(async () => { await server?.stop(); });

  const from = (ip) => ({ 'x-forwarded-for': ip });
  const registerFrom = (who, ev, ip) => server.post(`/api/v1/events/${ev.id}/registrations`,
    { items: [{ ticket_type_id: ev.ticket_types[0].id, quantity: 1 }] },
    { token: who.token, headers: { 'idempotency-key': randomUUID(), ...from(ip) } });
  const assertLimited = (res, what) => {
    assert.equal(res.status, 429, `${what}: ${res.status} ${res.text}`);
    assert.equal(res.body.code, 'rate_limited');
    assert.ok(Number(res.headers.get('retry-after')) >= 1, `${what}: Retry-After`);
  };

  test('registrations are limited per account and per client address, with 429 and Retry-After', async () => {
    const ev = await publishedEvent(server, organizer, { max_per_user: 100 });
    await awayFromWindowEdge();
    const greedy = server.createUser({ roles: ['attendee'] });
    for (let i = 0; i < 3; ++i) assert.equal((await registerFrom(greedy, ev, '192.0.2.1')).status, 201);
    assertLimited(await registerFrom(greedy, ev, '192.0.2.1'), 'per account');
    assertLimited(await registerFrom(greedy, ev, '192.0.2.77'), 'per account, from another address');
    // Another account on the same address: the address budget (4) is shared.
    const neighbour = server.createUser({ roles: ['attendee'] });
    assert.equal((await registerFrom(neighbour, ev, '192.0.2.1')).status, 201);
    assertLimited(await registerFrom(neighbour, ev, '192.0.2.1'), 'per address');
    // Elsewhere the neighbour is fine.
    assert.equal((await registerFrom(neighbour, ev, '198.51.100.9')).status, 201);
  });

  test('waiting-list joins and event creation are limited per account', async () => {
    const full1 = await publishedEvent(server, organizer, { capacity: 1, ticket_types: [{ name: 'Only', price: 0, capacity: 1 }] });
    const full2 = await publishedEvent(server, organizer, { capacity: 1, ticket_types: [{ name: 'Only', price: 0, capacity: 1 }] });
    const taker = server.createUser({ roles: ['attendee'] });
    assert.equal((await registerFrom(taker, full1, '203.0.113.1')).status, 201);
    assert.equal((await registerFrom(taker, full2, '203.0.113.1')).status, 201);
    const waiter = server.createUser({ roles: ['attendee'] });
    await awayFromWindowEdge();
    assert.equal((await server.post(`/api/v1/events/${full1.id}/waitlist`, {}, { token: waiter.token })).status, 201);
    assertLimited(await server.post(`/api/v1/events/${full2.id}/waitlist`, {}, { token: waiter.token }), 'waiting list');

    const busy = server.createUser({ roles: ['organizer'] });
    await awayFromWindowEdge();
    for (let i = 0; i < 4; ++i) assert.equal((await server.post('/api/v1/events', eventBody(), { token: busy.token })).status, 201);
    assertLimited(await server.post('/api/v1/events', eventBody(), { token: busy.token }), 'event creation');
  });

  test('ten wrong passwords from one address do not lock the owner out', async () => {
    const owner = server.createUser({ roles: ['attendee'] });
    await awayFromWindowEdge();
    for (let i = 0; i < 10; ++i) {
      const bad = await server.post('/api/v1/auth/login', { email: owner.email, password: `Wrong-${i}-Password!` }, { headers: from('198.18.0.66') });
      assert.equal(bad.status, 401, bad.text);
    }
    const blocked = await server.post('/api/v1/auth/login', { email: owner.email, password: owner.password }, { headers: from('198.18.0.66') });
    assertLimited(blocked, 'the guessing address');
    const real = await server.post('/api/v1/auth/login', { email: owner.email, password: owner.password }, { headers: from('198.18.0.10') });
    assert.equal(real.status, 200, `the owner from elsewhere: ${real.text}`);
  });
});
