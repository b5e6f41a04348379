// The authorization matrix: every operation of api/openapi.yaml, called by every kind of
// caller, against resources of each owner, compared with the expected statuses in
// matrix.table.mjs. One server per backend; fresh resources only where a cell changes them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, eventBody, publishedEvent as publish, sqlRows, SOURCE_DIR } from './harness.mjs';
import { CALLERS, TABLE } from './matrix.table.mjs';

const SPEC = join(SOURCE_DIR, 'api', 'openapi.yaml');

// The operations of the spec as "METHOD /path". The spec's layout is fixed by its own lint
// (two-space paths, four-space methods); the count is checked against its operationIds so
// a layout this reader does not understand fails loudly instead of dropping operations.
export function specOperations(text) {
  const ops = [];
  let inPaths = false;
  let path = null;
  for (const line of text.split('\n')) {
    if (/^paths:\s*$/.test(line)) { inPaths = true; continue; }
    if (inPaths && /^\S/.test(line)) { inPaths = false; path = null; }
    if (!inPaths) continue;
    const p = /^ {2}(\/\S*):\s*$/.exec(line);
    if (p) { path = p[1]; continue; }
    const m = /^ {4}(get|put|post|patch|delete|head|options):\s*$/.exec(line);
    if (m && path) ops.push(`${m[1].toUpperCase()} ${path}`);
  }
  const ids = (text.match(/^\s+operationId:/gm) ?? []).length;
  if (ids !== ops.length) throw new Error(`read ${ops.length} operations but the spec has ${ids} operationIds`);
  return ops;
}

const CELL = (row) => row.trim().split(/\s+/).map(Number);

let server;
const who = {};    // role users: {id, email, token, password}
const res = {};    // shared resources by name
let callers;       // caller name -> {token?, cookie?}

async function ok(promise, status, what) {
  const r = await promise;
  assert.equal(r.status, status, `${what}: ${r.status} ${r.text}`);
  return r.body;
}

const publishedEvent = (owner, overrides = {}) => publish(server, owner, { max_per_user: 100, ...overrides });

function register(user, event) {
  return ok(server.post(`/api/v1/events/${event.id}/registrations`,
    { items: [{ ticket_type_id: event.ticket_types[0].id, quantity: 1 }] },
    { token: user.token, headers: { 'idempotency-key': randomUUID() } }), 201, 'register');
}

async function login(user) {
  const r = await server.post('/api/v1/auth/login', { email: user.email, password: user.password });
  assert.equal(r.status, 200, r.text);
  return r.headers.getSetCookie().find((c) => c.startsWith('admit_session=')).split(';')[0];
}

before(async () => {
  server = await startServer();
  for (const [name, roles] of [['attA', ['attendee']], ['attB', ['attendee']], ['orgA', ['organizer']],
    ['orgB', ['organizer']], ['admin', ['admin']], ['disabled', ['attendee']], ['victim', ['attendee']],
    ['loginTarget', ['attendee']]])
    who[name] = server.createUser({ roles, name: `Matrix ${name}` });

  // A lets its door staff undo a check-in (the undo row's door-token cell); B does not.
  res.eventA = await publishedEvent(who.orgA, { title: 'A event', door_staff_can_undo: true });
  res.eventB = await publishedEvent(who.orgB, { title: 'B event' });
  res.otherA = await publishedEvent(who.orgA, { title: 'A other event' });
  // Sold out (one seat, taken), for the waiting list.
  const one = { capacity: 1, ticket_types: [{ name: 'Only', price: 0, capacity: 1 }] };
  res.soldA = await publishedEvent(who.orgA, { title: 'A sold out', ...one });
  res.soldB = await publishedEvent(who.orgB, { title: 'B sold out', ...one });
  await register(who.victim, res.soldA);
  await register(who.victim, res.soldB);
  res.regA = await register(who.attA, res.eventA);
  res.regB = await register(who.attB, res.eventB);

  const door = async (eventId) => (await ok(server.post('/api/v1/me/tokens', { name: 'door', event_id: eventId }, { token: who.orgA.token }), 201, 'door token')).token;
  const doorA = await door(res.eventA.id);
  const doorX = await door(res.otherA.id);
  const revoked = await ok(server.post('/api/v1/me/tokens', { name: 'to revoke' }, { token: who.orgA.token }), 201, 'token');
  await ok(server.del(`/api/v1/me/tokens/${revoked.id}`, { token: who.orgA.token }), 204, 'revoke');

  // Expired: a real session of attendee A, its end moved into the past in the database.
  const expired = await login(who.attA);
  const hash = createHash('sha256').update(expired.split('=')[1]).digest('hex');
  sqlRows(server.database, `UPDATE sessions SET expires_at = 1 WHERE id = '${hash}'`);
  // Disabled: disabling revokes the account's tokens, so the live token is made after it
  // (as an operator could): it must still be refused because the account is disabled.
  await ok(server.post(`/api/v1/admin/users/${who.disabled.id}/disable`, undefined, { token: who.admin.token }), 200, 'disable');
  const made = server.cli(['token', 'create', '--email', who.disabled.email]);
  assert.equal(made.status, 0, made.stderr);

  // Owned things for the sessions and tokens rows.
  await login(who.attA);
  await login(who.attB);
  const sessionOf = async (u) => (await ok(server.get('/api/v1/me/sessions', { token: u.token }), 200, 'sessions')).items[0].id;
  res.sessionA = await sessionOf(who.attA);
  res.sessionB = await sessionOf(who.attB);
  // Attendee A's own download link (signed for A's account).
  const pdf = await server.get(`/api/v1/tickets/${res.regA.tickets[0].id}/pdf`, { token: who.attA.token });
  assert.equal(pdf.status, 303, pdf.text);
  const link = new URL(pdf.headers.get('location'));
  res.linkA = link.pathname + link.search;
  const tokenOf = async (u) => (await ok(server.post('/api/v1/me/tokens', { name: 'extra' }, { token: u.token }), 201, 'token')).id;
  res.tokenA = await tokenOf(who.attA);
  res.tokenB = await tokenOf(who.attB);

  callers = {
    anon: {}, attA: { token: who.attA.token }, attB: { token: who.attB.token },
    orgA: { token: who.orgA.token }, orgB: { token: who.orgB.token }, admin: { token: who.admin.token },
    doorA: { token: doorA }, doorX: { token: doorX }, revok: { token: revoked.token },
    expir: { cookie: expired }, disab: { token: made.stdout.trim() },
  };
});
after(async () => { await server?.stop(); });

const uniq = () => randomBytes(4).toString('hex');
const ownerEvent = (o) => (o === 'A' ? res.eventA : res.eventB);
const ownerSold = (o) => (o === 'A' ? res.soldA : res.soldB);

// How to call each operation: path and body for an owner ("A", "B" or "-"). Functions may
// create fresh resources (async) when the cell changes what it touches.
const CALLS = {
  'GET /healthz': () => ({ path: '/healthz' }),
  'GET /readyz': () => ({ path: '/readyz' }),
  'GET /metrics': () => ({ path: '/metrics' }),
  'POST /api/v1/auth/signup': () => ({ path: '/api/v1/auth/signup', body: { email: `new-${uniq()}@example.com`, password: 'Matrix-Pass-9931!', name: 'New Person', role: 'attendee' } }),
  'POST /api/v1/auth/verify': () => ({ path: '/api/v1/auth/verify', body: { token: randomBytes(32).toString('base64url') } }),
  'POST /api/v1/auth/verify/resend': () => ({ path: '/api/v1/auth/verify/resend', body: { email: `nobody-${uniq()}@example.com` } }),
  'POST /api/v1/auth/login': () => ({ path: '/api/v1/auth/login', body: { email: who.loginTarget.email, password: who.loginTarget.password } }),
  'POST /api/v1/auth/logout': () => ({ path: '/api/v1/auth/logout' }),
  'POST /api/v1/auth/password-reset': () => ({ path: '/api/v1/auth/password-reset', body: { email: `nobody-${uniq()}@example.com` } }),
  'POST /api/v1/auth/password-reset/confirm': () => ({ path: '/api/v1/auth/password-reset/confirm', body: { token: randomBytes(32).toString('base64url'), password: 'short' } }),
  'GET /api/v1/me': () => ({ path: '/api/v1/me' }),
  'GET /api/v1/session': () => ({ path: '/api/v1/session' }),
  'PATCH /api/v1/me': () => ({ path: '/api/v1/me', body: { name: 'Matrix Person' } }),
  'DELETE /api/v1/me': () => ({ path: '/api/v1/me' }),
  'GET /api/v1/me/sessions': () => ({ path: '/api/v1/me/sessions' }),
  'DELETE /api/v1/me/sessions': () => ({ path: '/api/v1/me/sessions' }),
  'DELETE /api/v1/me/sessions/{id}': (o) => ({ path: `/api/v1/me/sessions/${o === 'A' ? res.sessionA : res.sessionB}` }),
  'GET /api/v1/me/tokens': () => ({ path: '/api/v1/me/tokens' }),
  'POST /api/v1/me/tokens': () => ({ path: '/api/v1/me/tokens', body: { name: `matrix ${uniq()}` } }),
  'DELETE /api/v1/me/tokens/{id}': (o) => ({ path: `/api/v1/me/tokens/${o === 'A' ? res.tokenA : res.tokenB}` }),
  'GET /api/v1/me/registrations': () => ({ path: '/api/v1/me/registrations' }),
  'GET /api/v1/categories': () => ({ path: '/api/v1/categories' }),
  'GET /api/v1/events': () => ({ path: '/api/v1/events' }),
  'POST /api/v1/events': () => ({ path: '/api/v1/events', body: eventBody({ title: 'Matrix new event' }) }),
  'GET /api/v1/events/{id}': (o) => ({ path: `/api/v1/events/${ownerEvent(o).id}` }),
  'PATCH /api/v1/events/{id}': (o) => ({ path: `/api/v1/events/${ownerEvent(o).id}`, body: { title: `${o} event` } }),
  'POST /api/v1/events/{id}/publish': (o) => ({ path: `/api/v1/events/${ownerEvent(o).id}/publish` }),
  'POST /api/v1/events/{id}/cancel': async (o) => {
    const fresh = await publishedEvent(o === 'A' ? who.orgA : who.orgB, { title: 'To cancel' });
    return { path: `/api/v1/events/${fresh.id}/cancel` };
  },
  'GET /api/v1/organizer/events': () => ({ path: '/api/v1/organizer/events' }),
  'GET /api/v1/events/{id}/stats': (o) => ({ path: `/api/v1/events/${ownerEvent(o).id}/stats` }),
  'GET /api/v1/events/{id}/promo-codes': (o) => ({ path: `/api/v1/events/${ownerEvent(o).id}/promo-codes` }),
  'POST /api/v1/events/{id}/promo-codes': (o) => ({ path: `/api/v1/events/${ownerEvent(o).id}/promo-codes`, body: { code: `M${uniq()}`, kind: 'percent', amount: 10 } }),
  'POST /api/v1/events/{id}/quote': (o) => ({
    path: `/api/v1/events/${ownerEvent(o).id}/quote`,
    body: { items: [{ ticket_type_id: ownerEvent(o).ticket_types[0].id, quantity: 1 }] },
  }),
  'POST /api/v1/events/{id}/registrations': (o) => ({
    path: `/api/v1/events/${ownerEvent(o).id}/registrations`,
    body: { items: [{ ticket_type_id: ownerEvent(o).ticket_types[0].id, quantity: 1 }] },
    headers: { 'idempotency-key': randomUUID() },
  }),
  'GET /api/v1/events/{id}/registrations': (o) => ({ path: `/api/v1/events/${ownerEvent(o).id}/registrations` }),
  'GET /api/v1/registrations/{id}': (o) => ({ path: `/api/v1/registrations/${(o === 'A' ? res.regA : res.regB).id}` }),
  'POST /api/v1/registrations/{id}/cancel': async (o) => {
    const fresh = await register(o === 'A' ? who.attA : who.attB, ownerEvent(o));
    return { path: `/api/v1/registrations/${fresh.id}/cancel` };
  },
  'POST /api/v1/registrations/{id}/refund': (o) => ({ path: `/api/v1/registrations/${(o === 'A' ? res.regA : res.regB).id}/refund`, body: { reason: 'matrix' } }),
  'POST /api/v1/registrations/{id}/mark-paid': (o) => ({ path: `/api/v1/registrations/${(o === 'A' ? res.regA : res.regB).id}/mark-paid` }),
  'GET /api/v1/registrations/{id}/checkout': (o) => ({ path: `/api/v1/registrations/${(o === 'A' ? res.regA : res.regB).id}/checkout` }),
  'POST /api/v1/registrations/{id}/checkout': (o) => ({ path: `/api/v1/registrations/${(o === 'A' ? res.regA : res.regB).id}/checkout` }),
  'GET /api/v1/registrations/{id}/payment': (o) => ({ path: `/api/v1/registrations/${(o === 'A' ? res.regA : res.regB).id}/payment` }),
  'POST /api/v1/events/{id}/waitlist': (o) => ({ path: `/api/v1/events/${ownerSold(o).id}/waitlist`, body: {} }),
  'GET /api/v1/events/{id}/waitlist': (o) => ({ path: `/api/v1/events/${ownerSold(o).id}/waitlist` }),
  'DELETE /api/v1/events/{id}/waitlist': (o) => ({ path: `/api/v1/events/${ownerSold(o).id}/waitlist` }),
  'GET /api/v1/tickets/{id}/pdf': (o) => ({ path: `/api/v1/tickets/${(o === 'A' ? res.regA : res.regB).tickets[0].id}/pdf` }),
  'GET /api/v1/registrations/{id}/calendar.ics': (o) => ({ path: `/api/v1/registrations/${(o === 'A' ? res.regA : res.regB).id}/calendar.ics` }),
  'GET /api/v1/files/tickets/{file}': () => ({ path: res.linkA }),
  'POST /api/v1/events/{id}/checkins': (o) => ({ path: `/api/v1/events/${ownerEvent(o).id}/checkins`, body: { qr: 'x' } }),
  'GET /api/v1/events/{id}/checkins': (o) => ({ path: `/api/v1/events/${ownerEvent(o).id}/checkins` }),
  'POST /api/v1/events/{id}/checkins/sync': (o) => ({ path: `/api/v1/events/${ownerEvent(o).id}/checkins/sync`, body: { scans: [] } }),
  'GET /api/v1/events/{id}/checkin-bundle': (o) => ({ path: `/api/v1/events/${ownerEvent(o).id}/checkin-bundle` }),
  'POST /api/v1/events/{id}/checkins/{ticket}/undo': async (o) => {
    // A fresh ticket, checked in, for every cell (an allowed undo makes it valid again).
    const fresh = await register(o === 'A' ? who.attA : who.attB, ownerEvent(o));
    sqlRows(server.database, `UPDATE tickets SET status = 'checked_in', checked_in_at = 1 WHERE id = '${fresh.tickets[0].id}'`);
    return { path: `/api/v1/events/${ownerEvent(o).id}/checkins/${fresh.tickets[0].id}/undo` };
  },
  'POST /api/v1/payments/stripe/webhook': () => ({ path: '/api/v1/payments/stripe/webhook', body: {} }),
  'GET /api/v1/admin/users': () => ({ path: '/api/v1/admin/users' }),
  'POST /api/v1/admin/users/{id}/disable': () => ({ path: `/api/v1/admin/users/${who.victim.id}/disable` }),
  'POST /api/v1/admin/users/{id}/enable': () => ({ path: `/api/v1/admin/users/${who.victim.id}/enable` }),
};

function headersFor(caller) {
  const c = callers[caller];
  if (c.token) return { authorization: `Bearer ${c.token}` };
  // A browser's write carries the CSRF proof, so a refusal here is about the session.
  if (c.cookie) return { cookie: c.cookie, origin: server.url, 'x-admit-csrf': '1' };
  return {};
}

test('every operation in api/openapi.yaml has a row, and every row an operation', () => {
  const ops = specOperations(readFileSync(SPEC, 'utf8'));
  const missing = ops.filter((op) => !(op in TABLE));
  const stale = Object.keys(TABLE).filter((op) => !ops.includes(op));
  assert.deepEqual(missing, [], `operations without a row in matrix.table.mjs: ${missing.join(', ')}`);
  assert.deepEqual(stale, [], `rows for operations the spec does not have: ${stale.join(', ')}`);
  for (const op of ops) assert.ok(CALLS[op], `no way to call ${op} in matrix.test.mjs`);
  for (const [op, owners] of Object.entries(TABLE))
    for (const [owner, row] of Object.entries(owners))
      assert.equal(CELL(row).length, CALLERS.length, `${op} owner ${owner}: ${CALLERS.length} statuses expected`);
});

test('the matrix: every operation × caller × owner answers as the table says', async () => {
  const ops = specOperations(readFileSync(SPEC, 'utf8'));
  let cells = 0;
  const owned = Object.values(TABLE).filter((o) => !('-' in o)).length;
  const failures = [];
  for (const op of Object.keys(TABLE)) {
    const [method] = op.split(' ');
    for (const [owner, row] of Object.entries(TABLE[op])) {
      const expected = CELL(row);
      for (let i = 0; i < CALLERS.length; ++i) {
        const caller = CALLERS[i];
        const call = await CALLS[op](owner, caller);
        const r = await server.request(method, call.path, {
          body: call.body, headers: { ...headersFor(caller), ...(call.headers ?? {}) },
        });
        ++cells;
        if (r.status !== expected[i])
          failures.push(`${op} [owner ${owner}] as ${caller}: expected ${expected[i]}, got ${r.status} ${r.text.slice(0, 160)}`);
        else if (r.status === 403 && caller.startsWith('door'))
          assert.match(r.body.detail, /limited to check-in for one event/, `${op} as ${caller}`);
      }
    }
  }
  const rows = Object.values(TABLE).reduce((n, o) => n + Object.keys(o).length, 0);
  console.log(`authorization matrix: ${ops.length} operations × ${CALLERS.length} callers × owners (A, and B where both own one, for ${owned} operations; none for ${ops.length - owned}) = ${rows} rows × ${CALLERS.length} = ${cells} cells`);
  assert.deepEqual(failures, [], `${failures.length} cells differ from matrix.table.mjs:\n${failures.join('\n')}`);
});
