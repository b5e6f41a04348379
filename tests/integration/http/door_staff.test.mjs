// Door staff, on the backend of this run (ctest runs both): door tokens with an expiry the
// organizer picks (validated, shown in the token list, 401 once passed, like a revoked
// token; `admit token create --expires` too), and undo at the door only where the
// organizer allows it (the event's `door_staff_can_undo`, read at every undo).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, publishedEvent, registerIssued } from './harness.mjs';

let server, org, buyer, ev;

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const inSeconds = (s) => new Date(Date.now() + s * 1000).toISOString();
const bundle = (token, eventId = ev.id) => server.get(`/api/v1/events/${eventId}/checkin-bundle`, { token });

before(async () => {
  server = await startServer();
  org = server.createUser({ roles: ['organizer'], name: 'Door Organizer' });
  buyer = server.createUser({ name: 'Ada Buyer' });
  ev = await publishedEvent(server, org, { title: 'Staffed concert' });
});
after(async () => { await server?.stop(); });

test('expires_at must be an RFC 3339 time in the future: 422 naming the field, and no token made', async () => {
  const count = async () => (await server.get('/api/v1/me/tokens', { token: org.token })).body.items.length;
  const before = await count();
  for (const expires_at of [inSeconds(-60), '2020-01-01T00:00:00Z', 'tomorrow', 12]) {
    const r = await server.post('/api/v1/me/tokens', { name: 'North door', event_id: ev.id, expires_at }, { token: org.token });
    assert.equal(r.status, 422, `${expires_at}: ${r.text}`);
    assert.equal(r.body.code, 'validation_failed');
    assert.deepEqual(r.body.errors.map((e) => e.field), ['expires_at'], r.text);
  }
  const past = await server.post('/api/v1/me/tokens', { name: 'x', expires_at: inSeconds(-1) }, { token: org.token });
  assert.match(past.body.errors[0].message, /in the future/);
  assert.equal(await count(), before);
});

test('a door token with an expiry works until then, is listed with it, and answers 401 after, like a revoked one', async () => {
  const expires = inSeconds(3);
  const made = await server.post('/api/v1/me/tokens', { name: 'Short shift', event_id: ev.id, expires_at: expires }, { token: org.token });
  assert.equal(made.status, 201, made.text);
  assert.equal(Date.parse(made.body.expires_at), Date.parse(expires));
  const listed = (await server.get('/api/v1/me/tokens', { token: org.token })).body.items.find((t) => t.id === made.body.id);
  assert.equal(Date.parse(listed.expires_at), Date.parse(expires));
  const open = await server.post('/api/v1/me/tokens', { name: 'All night', event_id: ev.id, expires_at: null }, { token: org.token });
  assert.equal(open.status, 201, open.text);
  assert.equal(open.body.expires_at, null);

  const door = made.body.token;
  assert.equal((await bundle(door)).status, 200);
  // Used again and again (its look-up is then cached), it must still stop at the expiry.
  while (Date.now() < Date.parse(expires) - 300) {
    assert.equal((await bundle(door)).status, 200);
    await sleep(200);
  }
  await sleep(Math.max(0, Date.parse(expires) - Date.now()) + 100);
  const expired = await bundle(door);
  assert.equal(expired.status, 401, expired.text);
  assert.equal(expired.body.code, 'unauthenticated');
  const scan = await server.post(`/api/v1/events/${ev.id}/checkins`, { qr: 'x' }, { token: door });
  assert.equal(scan.status, 401, scan.text);
  // The same answer as a revoked token's.
  await server.del(`/api/v1/me/tokens/${open.body.id}`, { token: org.token });
  const revoked = await bundle(open.body.token);
  assert.equal(revoked.status, 401);
  assert.equal(revoked.body.code, expired.body.code);
  assert.equal(revoked.body.detail, expired.body.detail);
  // Still listed (so the organizer sees it expired) until revoked.
  const still = (await server.get('/api/v1/me/tokens', { token: org.token })).body.items.map((t) => t.id);
  assert.ok(still.includes(made.body.id));
  assert.ok(!still.includes(open.body.id));
});

test('admit token create --expires takes a time or a span, refuses a past or unreadable one', async () => {
  const span = server.cli(['token', 'create', '--email', org.email, '--event', ev.id, '--name', 'CLI door', '--expires', '2h']);
  assert.equal(span.status, 0, span.stderr);
  const secret = span.stdout.trim();
  assert.equal((await bundle(secret)).status, 200);
  const listed = (await server.get('/api/v1/me/tokens', { token: org.token })).body.items.find((t) => t.name === 'CLI door');
  const hours = (Date.parse(listed.expires_at) - Date.now()) / 3_600_000;
  assert.ok(hours > 1.9 && hours <= 2, `expires in ${hours} h`);

  const at = server.cli(['token', 'create', '--email', org.email, '--name', 'CLI dated', '--expires', '2099-06-01T20:00:00Z']);
  assert.equal(at.status, 0, at.stderr);
  const dated = (await server.get('/api/v1/me/tokens', { token: org.token })).body.items.find((t) => t.name === 'CLI dated');
  assert.equal(dated.expires_at, '2099-06-01T20:00:00Z');

  const past = server.cli(['token', 'create', '--email', org.email, '--expires', '2020-01-01T00:00:00Z']);
  assert.notEqual(past.status, 0);
  assert.match(past.stderr, /--expires 2020-01-01T00:00:00Z must be in the future/);
  const garbage = server.cli(['token', 'create', '--email', org.email, '--expires', 'soon']);
  assert.notEqual(garbage.status, 0);
  assert.match(garbage.stderr, /--expires soon is not a time/);
  assert.equal(past.stdout + garbage.stdout, '');
});

test('a door token may undo a check-in only while the organizer allows it', async () => {
  const made = await server.post('/api/v1/me/tokens', { name: 'Undo door', event_id: ev.id }, { token: org.token });
  assert.equal(made.status, 201, made.text);
  const door = made.body.token;
  const reg = await registerIssued(server, buyer, ev, [{ name: 'Grace Undo', email: 'grace@example.com' }]);
  const ticket = reg.tickets[0];
  const scan = await server.post(`/api/v1/events/${ev.id}/checkins`, { qr: ticket.qr, gate: 'North' }, { token: door });
  assert.equal(scan.body.result, 'ok', scan.text);
  const undo = () => server.post(`/api/v1/events/${ev.id}/checkins/${ticket.id}/undo`, { gate: 'North' }, { token: door });
  const setting = async (value) => {
    const r = await server.patch(`/api/v1/events/${ev.id}`, { door_staff_can_undo: value }, { token: org.token });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.door_staff_can_undo, value);
  };

  // Off by default: refused, told why; the bundle tells the scanner not to offer it.
  assert.equal(ev.door_staff_can_undo, false);
  const refused = await undo();
  assert.equal(refused.status, 403, refused.text);
  assert.equal(refused.body.code, 'forbidden');
  assert.match(refused.body.detail, /organizer has not allowed door tokens to undo/);
  const seen = (await bundle(door)).body;
  assert.equal(seen.can_undo, false);
  assert.equal((await bundle(org.token)).body.can_undo, true, 'the organizer always may');
  // The scanner's heading, which a door token cannot read from the event itself.
  assert.deepEqual(seen.event, { title: 'Staffed concert', starts_at: ev.starts_at, timezone: ev.timezone });

  await setting(true);
  assert.equal((await bundle(door)).body.can_undo, true);
  const allowed = await undo();
  assert.equal(allowed.status, 200, allowed.text);
  assert.equal(allowed.body.result, 'undone');
  assert.equal(allowed.body.ticket.status, 'valid');
  assert.equal((await undo()).status, 409, 'not checked in any more');
  const log = await server.get(`/api/v1/events/${ev.id}/checkins`, { token: org.token });
  assert.equal(log.body.items[0].result, 'undone');
  assert.equal(log.body.items[0].ticket_id, ticket.id);

  // Switched off again during the event: the next undo is refused at once.
  const again = await server.post(`/api/v1/events/${ev.id}/checkins`, { qr: ticket.qr }, { token: door });
  assert.equal(again.body.result, 'ok');
  await setting(false);
  assert.equal((await undo()).status, 403);
  // The organizer still may.
  const byOrg = await server.post(`/api/v1/events/${ev.id}/checkins/${ticket.id}/undo`, undefined, { token: org.token });
  assert.equal(byOrg.status, 200, byOrg.text);
});

test('door_staff_can_undo is a boolean, set at creation or by PATCH; anything else is a 422 naming it', async () => {
  const bad = await server.patch(`/api/v1/events/${ev.id}`, { door_staff_can_undo: 'yes' }, { token: org.token });
  assert.equal(bad.status, 422, bad.text);
  assert.deepEqual(bad.body.errors.map((e) => e.field), ['door_staff_can_undo']);
  const created = await publishedEvent(server, org, { title: 'Trusted door', door_staff_can_undo: true });
  assert.equal(created.door_staff_can_undo, true);
  const read = await server.get(`/api/v1/events/${created.id}`, { token: org.token });
  assert.equal(read.body.door_staff_can_undo, true);
});
