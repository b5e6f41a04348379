// Door tokens (API tokens limited to one event's check-in) reach nothing else: every example
// of the hole found in issue 9, replayed against the real binary. The dispatcher refuses
// them in one place (router.hpp Allow), with 403 `forbidden` and a message saying why.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, eventBody, publishedEvent } from './harness.mjs';

let server;
let organizer;
let admin;
let attendee;
let mine;       // the organizer's published event the door token is for
let other;      // another published event of the same organizer
let draft;      // a draft of the same organizer
let door;       // a door token for `mine`, made through the API
let cliDoor;    // a door token for `mine`, made with `admit token create --event`
let adminDoor;  // an administrator's door token
let registration;

const LIMITED = /limited to check-in for one event/;
const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const published = (who, overrides = {}) => publishedEvent(server, who, overrides);

before(async () => {
  server = await startServer();
  organizer = server.createUser({ roles: ['organizer'], name: 'Olga Organizer' });
  admin = server.createUser({ roles: ['admin'], name: 'Ada Admin' });
  attendee = server.createUser({ roles: ['attendee'], name: 'Alice Attendee' });
  mine = await published(organizer, { title: 'Door event' });
  other = await published(organizer, { title: 'Other event' });
  const d = await server.post('/api/v1/events', eventBody({ title: 'Draft' }), { token: organizer.token });
  draft = d.body;
  const made = await server.post('/api/v1/me/tokens', { name: 'scanner 1', event_id: mine.id }, { token: organizer.token });
  assert.equal(made.status, 201, made.text);
  assert.equal(made.body.event_id, mine.id);
  door = made.body.token;
  const cli = server.cli(['token', 'create', '--email', organizer.email, '--event', mine.id]);
  assert.equal(cli.status, 0, cli.stderr);
  cliDoor = cli.stdout.trim();
  const adm = await server.post('/api/v1/me/tokens', { name: 'admin scanner', event_id: mine.id }, { token: admin.token });
  assert.equal(adm.status, 201, adm.text);
  adminDoor = adm.body.token;
  const reg = await server.post(`/api/v1/events/${mine.id}/registrations`,
    { items: [{ ticket_type_id: mine.ticket_types[0].id, quantity: 1 }] },
    { token: attendee.token, headers: { 'idempotency-key': randomUUID() } });
  assert.equal(reg.status, 201, reg.text);
  registration = reg.body;
});
after(async () => { await server?.stop(); });

function assertRefused(res, what) {
  assert.equal(res.status, 403, `${what}: ${res.status} ${res.text}`);
  assert.equal(res.body.code, 'forbidden', what);
  assert.match(res.body.detail, LIMITED, what);
}

for (const [label, pick] of [['API door token', () => door], ['command-line door token', () => cliDoor]]) {
  test(`${label}: cannot edit, cancel or read the attendees of its own event`, async () => {
    const token = pick();
    assertRefused(await server.patch(`/api/v1/events/${mine.id}`, { title: 'Hijacked' }, { token }), 'PATCH');
    assertRefused(await server.post(`/api/v1/events/${mine.id}/cancel`, undefined, { token }), 'cancel');
    assertRefused(await server.get(`/api/v1/events/${mine.id}/registrations`, { token }), 'attendee list');
    assertRefused(await server.get(`/api/v1/events/${mine.id}/registrations?format=csv`, { token }), 'CSV');
    assertRefused(await server.get(`/api/v1/me`, { token }), 'GET /me');
    // Nothing changed.
    const now = await server.get(`/api/v1/events/${mine.id}`, { token: organizer.token });
    assert.equal(now.body.title, 'Door event');
    assert.equal(now.body.status, 'published');
  });
}

test('a door token cannot publish or cancel the organizer\'s other events, nor create events or promo codes', async () => {
  assertRefused(await server.post(`/api/v1/events/${draft.id}/publish`, undefined, { token: door }), 'publish draft');
  assertRefused(await server.post(`/api/v1/events/${other.id}/cancel`, undefined, { token: door }), 'cancel other');
  assertRefused(await server.patch(`/api/v1/events/${other.id}`, { title: 'Hijacked' }, { token: door }), 'PATCH other');
  assertRefused(await server.post('/api/v1/events', eventBody(), { token: door }), 'create event');
  assertRefused(await server.post(`/api/v1/events/${mine.id}/promo-codes`, { code: 'FREE100', kind: 'percent', amount: 100 }, { token: door }), 'promo code');
  assertRefused(await server.get(`/api/v1/events/${mine.id}/promo-codes`, { token: door }), 'promo list');
  assertRefused(await server.get(`/api/v1/events/${mine.id}/stats`, { token: door }), 'stats');
  assertRefused(await server.get('/api/v1/organizer/events', { token: door }), 'organizer list');
  const drafts = await server.get(`/api/v1/events/${draft.id}`, { token: organizer.token });
  assert.equal(drafts.body.status, 'draft');
  const o = await server.get(`/api/v1/events/${other.id}`);
  assert.equal(o.body.status, 'published');
  const promos = await server.get(`/api/v1/events/${mine.id}/promo-codes`, { token: organizer.token });
  assert.equal(promos.body.items.length, 0);
});

test('a door token cannot cancel attendees\' registrations, nor register', async () => {
  assertRefused(await server.post(`/api/v1/registrations/${registration.id}/cancel`, undefined, { token: door }), 'cancel registration');
  assertRefused(await server.get(`/api/v1/registrations/${registration.id}`, { token: door }), 'read registration');
  assertRefused(await server.post(`/api/v1/events/${mine.id}/registrations`,
    { items: [{ ticket_type_id: mine.ticket_types[0].id, quantity: 1 }] },
    { token: door, headers: { 'idempotency-key': randomUUID() } }), 'register');
  assertRefused(await server.post(`/api/v1/events/${mine.id}/waitlist`, {}, { token: door }), 'waitlist');
  const r = await server.get(`/api/v1/registrations/${registration.id}`, { token: attendee.token });
  assert.equal(r.body.status, 'confirmed');
});

test('a door token cannot end the organizer\'s sessions or manage the account and its tokens', async () => {
  const login = await server.post('/api/v1/auth/login', { email: organizer.email, password: organizer.password });
  assert.equal(login.status, 200, login.text);
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith('admit_session=')).split(';')[0];
  assertRefused(await server.del('/api/v1/me/sessions', { token: door }), 'sign out everywhere');
  assertRefused(await server.get('/api/v1/me/sessions', { token: door }), 'list sessions');
  assertRefused(await server.get('/api/v1/me/tokens', { token: door }), 'list tokens');
  assertRefused(await server.post('/api/v1/me/tokens', { name: 'more' }, { token: door }), 'create token');
  assertRefused(await server.patch('/api/v1/me', { name: 'Mallory' }, { token: door }), 'PATCH /me');
  assertRefused(await server.del('/api/v1/me', { token: door }), 'DELETE /me');
  assertRefused(await server.get('/api/v1/me/registrations', { token: door }), 'my registrations');
  // The browser session still works.
  const me = await server.get('/api/v1/me', { headers: { cookie } });
  assert.equal(me.status, 200, me.text);
  assert.equal(me.body.name, 'Olga Organizer');
});

test('an administrator\'s door token cannot read or change accounts', async () => {
  assertRefused(await server.get('/api/v1/admin/users', { token: adminDoor }), 'admin users');
  assertRefused(await server.post(`/api/v1/admin/users/${attendee.id}/disable`, undefined, { token: adminDoor }), 'disable');
  const still = await server.get('/api/v1/me', { token: attendee.token });
  assert.equal(still.status, 200);
  // The administrator's own account token still reads the list.
  const list = await server.get('/api/v1/admin/users', { token: admin.token });
  assert.equal(list.status, 200, list.text);
});

test('public pages refuse a door token too (it reaches only check-in), and still answer without it', async () => {
  assertRefused(await server.get('/api/v1/events', { token: door }), 'event list');
  assertRefused(await server.get(`/api/v1/events/${mine.id}`, { token: door }), 'event page');
  assert.equal((await server.get(`/api/v1/events/${mine.id}`)).status, 200);
});

test('admit token create --event refuses an event the account does not organize, as the API does', async () => {
  const stranger = server.createUser({ roles: ['organizer'], name: 'Sam Stranger' });
  const before = (await server.get('/api/v1/me/tokens', { token: stranger.token })).body.items.length;
  const cli = server.cli(['token', 'create', '--email', stranger.email, '--event', mine.id]);
  assert.notEqual(cli.status, 0);
  assert.match(cli.stderr, new RegExp(`--event ${mine.id} must be an event ${escapeRe(stranger.email)} organizes`));
  assert.equal(cli.stdout, '');
  const api = await server.post('/api/v1/me/tokens', { name: 'x', event_id: mine.id }, { token: stranger.token });
  assert.equal(api.status, 422, api.text);
  assert.equal(api.body.errors[0].field, 'event_id');
  const after = (await server.get('/api/v1/me/tokens', { token: stranger.token })).body.items.length;
  assert.equal(after, before, 'no token was made');
  // An administrator may make one for any event (door staff for an organizer who asks).
  const adminCli = server.cli(['token', 'create', '--email', admin.email, '--event', mine.id]);
  assert.equal(adminCli.status, 0, adminCli.stderr);
});

test('without credentials the signed-in routes answer 401 from the dispatcher, public ones 200', async () => {
  for (const [method, path] of [['GET', '/api/v1/me'], ['PATCH', `/api/v1/events/${mine.id}`], ['POST', '/api/v1/events'],
    ['GET', '/api/v1/admin/users'], ['POST', `/api/v1/events/${mine.id}/registrations`], ['DELETE', '/api/v1/me/sessions']]) {
    const res = await server.request(method, path, method === 'GET' || method === 'DELETE' ? {} : { body: {} });
    assert.equal(res.status, 401, `${method} ${path}: ${res.text}`);
    assert.equal(res.body.code, 'unauthenticated');
  }
  assert.equal((await server.get('/api/v1/events')).status, 200);
  assert.equal((await server.get('/api/v1/categories')).status, 200);
});
