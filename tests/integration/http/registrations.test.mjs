// Registrations over HTTP against the real binary (sqlite and postgres): registering with
// Idempotency-Key, sold out and the waiting list, history, cancellation, organizer lists,
// CSV export, stats, promo codes, and two server processes on one PostgreSQL database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, eventBody, TestServer, BACKEND, publishedEvent as publish } from './harness.mjs';

let server;
let organizer;
let alice;
let bob;

// Registration budgets per account and address are probes.test.mjs's subject; here many
// attempts come from a few accounts on one address (the two-node sale sends 600).
const NO_BUDGETS = { ADMIT_REGISTRATION_RATE_PER_USER: '0', ADMIT_REGISTRATION_RATE_PER_ADDRESS: '0' };

before(async () => {
  server = await startServer({ env: NO_BUDGETS });
  organizer = server.createUser({ roles: ['organizer'], name: 'Olga Organizer' });
  alice = server.createUser({ roles: ['attendee'], name: 'Alice Attendee' });
  bob = server.createUser({ roles: ['attendee'], name: 'Bob Buyer' });
});
after(async () => { await server?.stop(); });

const publishedEvent = (overrides = {}, on = server, who = organizer) => publish(on, who, overrides);

function register(eventId, who, body, key = randomUUID(), on = server) {
  return on.post(`/api/v1/events/${eventId}/registrations`, body, {
    token: who.token, headers: key === null ? {} : { 'idempotency-key': key },
  });
}

const one = (ev, quantity = 1) => ({ items: [{ ticket_type_id: ev.ticket_types[0].id, quantity }] });

test('a free registration is confirmed at once; the same key answers the same registration', async () => {
  const ev = await publishedEvent();
  const key = randomUUID();
  const res = await register(ev.id, alice, one(ev, 2), key);
  assert.equal(res.status, 201, res.text);
  const r = res.body;
  assert.deepEqual(Object.keys(r).sort(), ['cancelled_at', 'checkout_url', 'created_at', 'currency', 'event_id', 'expires_at',
    'id', 'items', 'payment_flags', 'refund_status', 'status', 'tickets', 'tickets_emailed_at', 'tickets_issued_at', 'total', 'user_id'].sort());
  assert.equal(r.status, 'confirmed');
  assert.equal(r.user_id, alice.id);
  assert.equal(r.total, 0);
  assert.equal(r.currency, 'EUR');
  assert.equal(r.expires_at, null);
  assert.equal(r.checkout_url, null);
  assert.equal(r.items[0].ticket_type_id, ev.ticket_types[0].id);
  assert.equal(r.items[0].quantity, 2);
  assert.equal(r.tickets.length, 2);
  for (const t of r.tickets) {
    assert.deepEqual(['attendee_email', 'attendee_name', 'checked_in_at', 'id', 'pdf_url', 'qr', 'registration_id', 'status', 'ticket_type_id']
      .every((k) => k in t), true);
    assert.equal(t.status, 'valid');
    assert.equal(t.attendee_email, alice.email);
    assert.equal(t.attendee_name, alice.name);
  }
  const again = await register(ev.id, alice, one(ev, 2), key);
  assert.equal(again.status, 200);
  assert.equal(again.body.id, r.id);
  const reused = await register(ev.id, alice, one(ev, 3), key);
  assert.equal(reused.status, 409);
  assert.equal(reused.body.code, 'conflict');
  const event = await server.get(`/api/v1/events/${ev.id}`);
  assert.equal(event.body.sold, 2);
});

test('ten concurrent copies of one key make one registration', async () => {
  const ev = await publishedEvent();
  const key = randomUUID();
  const all = await Promise.all(Array.from({ length: 10 }, () => register(ev.id, bob, one(ev), key)));
  const ids = new Set(all.map((r) => r.body.id));
  assert.equal(ids.size, 1);
  assert.equal(all.filter((r) => r.status === 201).length, 1);
  assert.equal(all.filter((r) => r.status === 200).length, 9);
  assert.equal((await server.get(`/api/v1/events/${ev.id}`)).body.sold, 1);
});

test('Idempotency-Key is required and checked; bodies are strict', async () => {
  const ev = await publishedEvent();
  const missing = await register(ev.id, alice, one(ev), null);
  assert.equal(missing.status, 422);
  assert.equal(missing.body.errors[0].field, 'Idempotency-Key');
  const long = await register(ev.id, alice, one(ev), 'k'.repeat(201));
  assert.equal(long.status, 422);
  assert.equal(long.body.errors[0].field, 'Idempotency-Key');
  const unknown = await register(ev.id, alice, { ...one(ev), seats: 3 });
  assert.equal(unknown.status, 422);
  assert.ok(unknown.body.errors.some((e) => e.field === 'seats'));
  const zero = await register(ev.id, alice, one(ev, 0));
  assert.equal(zero.status, 422);
  assert.equal(zero.body.errors[0].field, 'items[0].quantity');
  const attendees = await register(ev.id, alice, { ...one(ev, 2), attendees: [{ name: 'X', email: 'x@example.com' }] });
  assert.equal(attendees.status, 422);
  assert.equal(attendees.body.errors[0].field, 'attendees');
  const anon = await server.post(`/api/v1/events/${ev.id}/registrations`, one(ev), { headers: { 'idempotency-key': 'a' } });
  assert.equal(anon.status, 401);
  const nope = await register('evt_doesnotexist00', alice, one(ev));
  assert.equal(nope.status, 404);
});

test('sold out answers 409 sold_out; the waiting list takes each person once', async () => {
  const ev = await publishedEvent({ capacity: 1, ticket_types: [{ name: 'Only', price: 0, capacity: 1 }] });
  const early = await server.post(`/api/v1/events/${ev.id}/waitlist`, undefined, { token: bob.token });
  assert.equal(early.status, 409, 'seats are available: register instead');
  const first = await register(ev.id, alice, one(ev));
  assert.equal(first.status, 201);
  const second = await register(ev.id, bob, one(ev));
  assert.equal(second.status, 409);
  assert.equal(second.body.code, 'sold_out');
  const join = await server.post(`/api/v1/events/${ev.id}/waitlist`, undefined, { token: bob.token });
  assert.equal(join.status, 201, join.text);
  assert.equal(join.body.status, 'waiting');
  assert.equal(join.body.position, 1);
  const twice = await server.post(`/api/v1/events/${ev.id}/waitlist`, {}, { token: bob.token });
  assert.equal(twice.status, 409);
  assert.equal(twice.body.code, 'conflict');
  assert.equal((await server.get(`/api/v1/events/${ev.id}/waitlist`, { token: bob.token })).body.status, 'waiting');
  // Alice cancels: Bob is offered the seat, held for him.
  const cancel = await server.post(`/api/v1/registrations/${first.body.id}/cancel`, undefined, { token: alice.token });
  assert.equal(cancel.status, 200, cancel.text);
  const mine = await server.get(`/api/v1/events/${ev.id}/waitlist`, { token: bob.token });
  assert.equal(mine.body.status, 'offered');
  assert.ok(mine.body.offer_expires_at);
  const taken = await register(ev.id, bob, one(ev));
  assert.equal(taken.status, 201, taken.text);
  assert.equal((await server.get(`/api/v1/events/${ev.id}/waitlist`, { token: bob.token })).body.status, 'accepted');
  assert.equal((await server.del(`/api/v1/events/${ev.id}/waitlist`, { token: bob.token })).status, 204);
  assert.equal((await server.get(`/api/v1/events/${ev.id}/waitlist`, { token: bob.token })).status, 404);
});

test('a paid registration is held as pending_payment with an expiry and no checkout yet', async () => {
  const ev = await publishedEvent({ hold_minutes: 10, ticket_types: [{ name: 'Paid', price: 2500, capacity: 100 }] });
  const res = await register(ev.id, alice, one(ev, 2));
  assert.equal(res.status, 201, res.text);
  assert.equal(res.body.status, 'pending_payment');
  assert.equal(res.body.total, 5000);
  assert.equal(res.body.checkout_url, null);
  const left = Date.parse(res.body.expires_at) - Date.now();
  assert.ok(left > 9 * 60_000 && left <= 10 * 60_000 + 5_000, `expires_at ${res.body.expires_at}`);
});

test('history, reading one registration, and cancelling it', async () => {
  const ev = await publishedEvent();
  const a = await register(ev.id, alice, one(ev));
  const b = await register(ev.id, alice, one(ev));
  assert.equal(b.status, 201);
  const mine = await server.get('/api/v1/me/registrations', { token: alice.token });
  assert.equal(mine.status, 200);
  assert.equal(mine.body.items[0].id, b.body.id, 'newest first');
  assert.ok(mine.body.items.every((r) => Array.isArray(r.tickets)));
  const upcoming = await server.get('/api/v1/me/registrations?scope=upcoming', { token: alice.token });
  assert.ok(upcoming.body.items.some((r) => r.id === a.body.id));
  const past = await server.get('/api/v1/me/registrations?scope=past', { token: alice.token });
  assert.equal(past.body.items.length, 0);
  assert.equal((await server.get('/api/v1/me/registrations?scope=later', { token: alice.token })).status, 422);

  const readA = await server.get(`/api/v1/registrations/${a.body.id}`, { token: alice.token });
  assert.equal(readA.status, 200);
  assert.equal(readA.body.can_cancel, true);
  assert.equal(readA.body.cancel_refusal, null);
  const both = mine.body.items.filter((r) => r.id === a.body.id || r.id === b.body.id);
  assert.deepEqual(both.map((r) => [r.can_cancel, r.cancel_refusal]), [[true, null], [true, null]]);
  assert.equal((await server.get(`/api/v1/registrations/${a.body.id}`, { token: organizer.token })).status, 200);
  assert.equal((await server.get(`/api/v1/registrations/${a.body.id}`, { token: bob.token })).status, 404);
  assert.equal((await server.post(`/api/v1/registrations/${a.body.id}/cancel`, undefined, { token: bob.token })).status, 404);

  const cancelled = await server.post(`/api/v1/registrations/${a.body.id}/cancel`, undefined, { token: alice.token });
  assert.equal(cancelled.status, 200);
  assert.equal(cancelled.body.status, 'cancelled');
  assert.equal(cancelled.body.can_cancel, false);
  assert.equal(cancelled.body.cancel_refusal, 'not_active');
  assert.ok(cancelled.body.tickets.every((t) => t.status === 'cancelled'));
  const again = await server.post(`/api/v1/registrations/${a.body.id}/cancel`, undefined, { token: alice.token });
  assert.equal(again.status, 409);
  const byOrganizer = await server.post(`/api/v1/registrations/${b.body.id}/cancel`, undefined, { token: organizer.token });
  assert.equal(byOrganizer.status, 200);
  assert.equal((await server.get(`/api/v1/events/${ev.id}`)).body.sold, 0);
});

test('the answers say who may cancel now and why not; the cancel itself follows the same rule', async () => {
  // Starts in 10 days; attendees could cancel only until a year before the start.
  const ev = await publishedEvent({ cancel_cutoff_hours: 24 * 365 });
  const reg = await register(ev.id, alice, one(ev));
  assert.equal(reg.status, 201, reg.text);
  const asAlice = await server.get(`/api/v1/registrations/${reg.body.id}`, { token: alice.token });
  assert.equal(asAlice.body.can_cancel, false);
  assert.equal(asAlice.body.cancel_refusal, 'cutoff_passed');
  const mine = await server.get('/api/v1/me/registrations', { token: alice.token });
  const listed = mine.body.items.find((r) => r.id === reg.body.id);
  assert.equal(listed.can_cancel, false);
  assert.equal(listed.cancel_refusal, 'cutoff_passed');
  const refused = await server.post(`/api/v1/registrations/${reg.body.id}/cancel`, undefined, { token: alice.token });
  assert.equal(refused.status, 409);
  assert.match(refused.body.detail, /Cancellation closed/);

  // The organizer may cancel any registration that holds seats, cut-off or not.
  const asOrganizer = await server.get(`/api/v1/registrations/${reg.body.id}`, { token: organizer.token });
  assert.equal(asOrganizer.body.can_cancel, true);
  assert.equal(asOrganizer.body.cancel_refusal, null);
  const list = await server.get(`/api/v1/events/${ev.id}/registrations`, { token: organizer.token });
  assert.deepEqual(list.body.items.map((r) => [r.can_cancel, r.cancel_refusal]), [[true, null]]);
  const cancelled = await server.post(`/api/v1/registrations/${reg.body.id}/cancel`, undefined, { token: organizer.token });
  assert.equal(cancelled.status, 200, cancelled.text);
  const after = await server.get(`/api/v1/registrations/${reg.body.id}`, { token: alice.token });
  assert.equal(after.body.can_cancel, false);
  assert.equal(after.body.cancel_refusal, 'not_active');
});

test('the organizer lists, searches and exports registrations safely, and sees stats', async () => {
  const ev = await publishedEvent({ ticket_types: [{ name: 'Free', price: 0, capacity: 50 }, { name: 'Paid', price: 1500, capacity: 50 }] });
  const tricky = ['=HYPERLINK("http://evil")', '+1+2', '-3', '@SUM(A1)'];
  const res = await register(ev.id, alice, {
    items: [{ ticket_type_id: ev.ticket_types[0].id, quantity: 4 }],
    attendees: tricky.map((name, i) => ({ name, email: `guest${i}@example.com` })),
  });
  assert.equal(res.status, 201, res.text);
  assert.equal((await register(ev.id, bob, { items: [{ ticket_type_id: ev.ticket_types[1].id, quantity: 1 }] })).status, 201);

  const list = await server.get(`/api/v1/events/${ev.id}/registrations`, { token: organizer.token });
  assert.equal(list.status, 200);
  assert.equal(list.body.items.length, 2);
  assert.ok('next_cursor' in list.body);
  const search = await server.get(`/api/v1/events/${ev.id}/registrations?q=GUEST2`, { token: organizer.token });
  assert.deepEqual(search.body.items.map((r) => r.id), [res.body.id]);
  const byBuyer = await server.get(`/api/v1/events/${ev.id}/registrations?q=${encodeURIComponent(bob.email)}`, { token: organizer.token });
  assert.equal(byBuyer.body.items.length, 1);
  const pending = await server.get(`/api/v1/events/${ev.id}/registrations?status=pending_payment`, { token: organizer.token });
  assert.equal(pending.body.items.length, 1);
  const page1 = await server.get(`/api/v1/events/${ev.id}/registrations?limit=1`, { token: organizer.token });
  assert.equal(page1.body.items.length, 1);
  const page2 = await server.get(`/api/v1/events/${ev.id}/registrations?limit=1&cursor=${encodeURIComponent(page1.body.next_cursor)}`, { token: organizer.token });
  assert.notEqual(page2.body.items[0].id, page1.body.items[0].id);
  assert.equal((await server.get(`/api/v1/events/${ev.id}/registrations?status=nope`, { token: organizer.token })).status, 422);
  assert.equal((await server.get(`/api/v1/events/${ev.id}/registrations`, { token: alice.token })).status, 404);

  const csv = await server.get(`/api/v1/events/${ev.id}/registrations?format=csv`, { token: organizer.token });
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /^text\/csv/);
  assert.match(csv.headers.get('content-disposition'), /^attachment; filename=/);
  const lines = csv.text.trim().split('\r\n');
  assert.equal(lines.length, 1 + 5);
  assert.ok(csv.text.includes('"\'=HYPERLINK(""http://evil"")"'), csv.text);
  assert.ok(csv.text.includes('"\'+1+2"'));
  assert.ok(csv.text.includes('"\'-3"'));
  assert.ok(csv.text.includes('"\'@SUM(A1)"'));

  const stats = await server.get(`/api/v1/events/${ev.id}/stats`, { token: organizer.token });
  assert.equal(stats.status, 200);
  assert.deepEqual(Object.keys(stats.body).sort(), ['by_ticket_type', 'capacity', 'checked_in', 'checkins_by_hour', 'remaining', 'revenue', 'sales_by_day', 'sold'].sort());
  assert.equal(stats.body.sold, 5);
  assert.equal(stats.body.remaining, 95);
  assert.equal(stats.body.revenue, 0);
  assert.equal(stats.body.by_ticket_type.length, 2);
  assert.equal(stats.body.sales_by_day.length, 1);
  assert.deepEqual(Object.keys(stats.body.sales_by_day[0]).sort(), ['date', 'revenue', 'tickets']);
  assert.equal(stats.body.sales_by_day[0].tickets, 5);
  assert.equal((await server.get(`/api/v1/events/${ev.id}/stats`, { token: alice.token })).status, 404);
});

test('promo codes: organizer creates and lists them; a discount applies; hidden types unlock', async () => {
  const ev = await publishedEvent({ ticket_types: [{ name: 'Paid', price: 2000, capacity: 50 }, { name: 'Crew', price: 0, capacity: 5, hidden: true }] });
  const crew = (await server.get(`/api/v1/events/${ev.id}`, { token: organizer.token })).body.ticket_types.find((t) => t.hidden);
  const made = await server.post(`/api/v1/events/${ev.id}/promo-codes`, { code: 'half', kind: 'percent', amount: 50, max_uses: 1 }, { token: organizer.token });
  assert.equal(made.status, 201, made.text);
  assert.equal(made.body.code, 'HALF');
  assert.equal(made.body.uses, 0);
  assert.equal((await server.post(`/api/v1/events/${ev.id}/promo-codes`, { code: 'HALF', kind: 'percent', amount: 10 }, { token: organizer.token })).status, 409);
  assert.equal((await server.post(`/api/v1/events/${ev.id}/promo-codes`, { code: 'X', kind: 'nope', amount: 1 }, { token: organizer.token })).status, 422);
  assert.equal((await server.post(`/api/v1/events/${ev.id}/promo-codes`, { code: 'CREW', kind: 'fixed', amount: 0, unlocks_hidden: true }, { token: organizer.token })).status, 201);
  assert.equal((await server.get(`/api/v1/events/${ev.id}/promo-codes`, { token: alice.token })).status, 404);
  const codes = await server.get(`/api/v1/events/${ev.id}/promo-codes`, { token: organizer.token });
  assert.equal(codes.body.items.length, 2);

  const half = await register(ev.id, alice, { ...one(ev), promo_code: 'half' });
  assert.equal(half.status, 201, half.text);
  assert.equal(half.body.total, 1000);
  const usedUp = await register(ev.id, bob, { ...one(ev), promo_code: 'HALF' });
  assert.equal(usedUp.status, 422);
  assert.equal(usedUp.body.errors[0].field, 'promo_code');
  const hidden = await register(ev.id, bob, { items: [{ ticket_type_id: crew.id, quantity: 1 }] });
  assert.equal(hidden.status, 422);
  const unlocked = await register(ev.id, bob, { items: [{ ticket_type_id: crew.id, quantity: 1 }], promo_code: 'crew' });
  assert.equal(unlocked.status, 201, unlocked.text);
});

test('a registration names the ticket type it bought, a hidden one too, without the public event listing it', async () => {
  const ev = await publishedEvent({ ticket_types: [{ name: 'General', price: 0, capacity: 50 }, { name: 'Backstage crew', price: 0, capacity: 5, hidden: true }] });
  const full = (await server.get(`/api/v1/events/${ev.id}`, { token: organizer.token })).body.ticket_types;
  const general = full.find((t) => t.name === 'General');
  const crew = full.find((t) => t.hidden);
  const code = await server.post(`/api/v1/events/${ev.id}/promo-codes`, { code: 'BACKSTAGE', kind: 'fixed', amount: 0, ticket_type_id: crew.id, unlocks_hidden: true }, { token: organizer.token });
  assert.equal(code.status, 201, code.text);

  const body = { items: [{ ticket_type_id: crew.id, quantity: 1 }, { ticket_type_id: general.id, quantity: 1 }], promo_code: 'backstage' };
  const key = randomUUID();
  const made = await register(ev.id, alice, body, key);
  assert.equal(made.status, 201, made.text);
  const named = (r) => {
    const items = Object.fromEntries(r.items.map((i) => [i.ticket_type_id, i.ticket_type_name]));
    assert.deepEqual(items, { [crew.id]: 'Backstage crew', [general.id]: 'General' });
    assert.deepEqual(r.tickets.map((t) => [t.ticket_type_id, t.ticket_type_name]).sort(),
      [[crew.id, 'Backstage crew'], [general.id, 'General']].sort());
  };
  named(made.body);

  // The buyer's history and the registration itself (owner and organizer) name both types.
  const mine = await server.get('/api/v1/me/registrations', { token: alice.token });
  named(mine.body.items.find((r) => r.id === made.body.id));
  named((await server.get(`/api/v1/registrations/${made.body.id}`, { token: alice.token })).body);
  named((await server.get(`/api/v1/registrations/${made.body.id}`, { token: organizer.token })).body);
  const list = await server.get(`/api/v1/events/${ev.id}/registrations`, { token: organizer.token });
  named(list.body.items.find((r) => r.id === made.body.id));
  // The same key again answers the stored registration, with the names.
  const again = await register(ev.id, alice, body, key);
  assert.equal(again.status, 200, again.text);
  named(again.body);

  // The public event view still leaves the hidden type out, for the buyer too.
  for (const opts of [{}, { token: alice.token }, { token: bob.token }]) {
    const pub = await server.get(`/api/v1/events/${ev.id}`, opts);
    assert.deepEqual(pub.body.ticket_types.map((t) => t.name), ['General']);
  }
});

test('GET /events/{id}?promo_code= shows what a usable code unlocks; an unusable code answers 422', async () => {
  const ev = await publishedEvent({
    capacity: 100,
    ticket_types: [
      { name: 'General', price: 2000, capacity: 50 },
      { name: 'Crew', price: 0, capacity: 5, hidden: true },
      { name: 'Press', price: 0, capacity: 5, hidden: true },
    ],
  });
  const full = (await server.get(`/api/v1/events/${ev.id}`, { token: organizer.token })).body.ticket_types;
  const [general, crew, press] = ['General', 'Crew', 'Press'].map((n) => full.find((t) => t.name === n));
  const hour = 3600_000;
  for (const body of [
    { code: 'CREW-ONLY', kind: 'fixed', amount: 0, ticket_type_id: crew.id, unlocks_hidden: true },
    { code: 'ALL-HIDDEN', kind: 'percent', amount: 100, unlocks_hidden: true },
    { code: 'TENOFF', kind: 'percent', amount: 10, ticket_type_id: general.id },
    { code: 'LATE', kind: 'percent', amount: 10, valid_from: new Date(Date.now() - 2 * hour).toISOString(), valid_until: new Date(Date.now() - hour).toISOString() },
    { code: 'EARLY', kind: 'percent', amount: 10, valid_from: new Date(Date.now() + hour).toISOString() },
    { code: 'ONCE', kind: 'fixed', amount: 500, max_uses: 1 },
  ]) {
    const made = await server.post(`/api/v1/events/${ev.id}/promo-codes`, body, { token: organizer.token });
    assert.equal(made.status, 201, made.text);
  }
  const names = (r) => r.body.ticket_types.map((t) => t.name).sort();

  // Without a code: hidden types stay hidden, and there is no promo.
  const plain = await server.get(`/api/v1/events/${ev.id}`);
  assert.equal(plain.status, 200);
  assert.deepEqual(names(plain), ['General']);
  assert.equal('promo' in plain.body, false);

  // A code for one hidden type shows that type only (any case, anonymous).
  const crewView = await server.get(`/api/v1/events/${ev.id}?promo_code=crew-only`);
  assert.equal(crewView.status, 200, crewView.text);
  assert.deepEqual(names(crewView), ['Crew', 'General']);
  assert.deepEqual(crewView.body.promo, { code: 'CREW-ONLY', kind: 'fixed', amount: 0, ticket_type_id: crew.id });

  // A code for the whole event unlocks every hidden type.
  const allView = await server.get(`/api/v1/events/${ev.id}?promo_code=ALL-HIDDEN`, { token: alice.token });
  assert.equal(allView.status, 200, allView.text);
  assert.deepEqual(names(allView), ['Crew', 'General', 'Press']);
  assert.deepEqual(allView.body.promo, { code: 'ALL-HIDDEN', kind: 'percent', amount: 100, ticket_type_id: null });
  assert.ok(allView.body.ticket_types.find((t) => t.id === press.id).hidden);

  // A discount-only code unlocks nothing but still describes itself.
  const ten = await server.get(`/api/v1/events/${ev.id}?promo_code=TENOFF`);
  assert.equal(ten.status, 200);
  assert.deepEqual(names(ten), ['General']);
  assert.deepEqual(ten.body.promo, { code: 'TENOFF', kind: 'percent', amount: 10, ticket_type_id: general.id });

  // An empty code is no code.
  const empty = await server.get(`/api/v1/events/${ev.id}?promo_code=`);
  assert.equal(empty.status, 200);
  assert.equal('promo' in empty.body, false);

  // The organizer sees every type anyway, plus the promo summary.
  const orgView = await server.get(`/api/v1/events/${ev.id}?promo_code=TENOFF`, { token: organizer.token });
  assert.deepEqual(names(orgView), ['Crew', 'General', 'Press']);
  assert.equal(orgView.body.promo.code, 'TENOFF');

  // Unknown, expired, not yet valid, malformed and used-up codes: 422 naming promo_code.
  const used = await register(ev.id, bob, { ...one(ev), promo_code: 'once' });
  assert.equal(used.status, 201, used.text);
  assert.equal(used.body.total, 1500);
  const other = await publishedEvent();
  const otherCode = await server.post(`/api/v1/events/${other.id}/promo-codes`, { code: 'ELSEWHERE', kind: 'percent', amount: 5 }, { token: organizer.token });
  assert.equal(otherCode.status, 201);
  for (const [code, message] of [
    ['NOPE', /not a valid code/],
    ['ELSEWHERE', /not a valid code/],
    ['late', /expired/],
    ['EARLY', /not valid yet/],
    ['ONCE', /no uses left/],
    ['x', /letters, digits/],
  ]) {
    const res = await server.get(`/api/v1/events/${ev.id}?promo_code=${encodeURIComponent(code)}`);
    assert.equal(res.status, 422, `${code}: ${res.text}`);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    assert.equal(res.body.code, 'validation_failed');
    assert.equal(res.body.errors[0].field, 'promo_code');
    assert.match(res.body.errors[0].message, message, code);
  }

  // A draft stays invisible to others whatever the code.
  const draft = await server.post('/api/v1/events', eventBody(), { token: organizer.token });
  assert.equal((await server.get(`/api/v1/events/${draft.body.id}?promo_code=ANY-CODE`)).status, 404);
  assert.equal((await server.get('/api/v1/events/evt_doesnotexist00?promo_code=ANY-CODE')).status, 404);

  // What the view unlocked can be bought with the code.
  const bought = await register(ev.id, alice, { items: [{ ticket_type_id: press.id, quantity: 1 }], promo_code: 'all-hidden' });
  assert.equal(bought.status, 201, bought.text);
});

test('admit doctor finds counters equal to rows', async () => {
  const doctor = server.cli(['doctor']);
  assert.equal(doctor.status, 0, doctor.stdout + doctor.stderr);
  assert.match(doctor.stdout, /counters ok/);
});

test('two server processes on one PostgreSQL database sell exactly the seats there are',
  { skip: BACKEND !== 'postgres' && 'needs PostgreSQL (two processes cannot share one SQLite writer the same way)' },
  async () => {
    const second = new TestServer({ database: server.database, env: NO_BUDGETS });
    await second.start();
    try {
      const ev = await publishedEvent({ capacity: 100, max_per_user: null, ticket_types: [{ name: 'Flash', price: 0, capacity: 100 }] });
      const buyers = [alice, bob, server.createUser({}), server.createUser({})];
      const attempts = [];
      for (let i = 0; i < 600; i++) {
        const target = i % 2 === 0 ? server : second;
        attempts.push(register(ev.id, buyers[i % buyers.length], one(ev), randomUUID(), target));
      }
      const results = await Promise.all(attempts);
      const created = results.filter((r) => r.status === 201).length;
      const soldOut = results.filter((r) => r.status === 409 && r.body.code === 'sold_out').length;
      assert.equal(created, 100, `statuses: ${JSON.stringify(results.map((r) => r.status).reduce((m, s) => ({ ...m, [s]: (m[s] ?? 0) + 1 }), {}))}`);
      assert.equal(soldOut, 500);
      assert.equal((await second.get(`/api/v1/events/${ev.id}`)).body.sold, 100);
      const doctor = second.cli(['doctor']);
      assert.equal(doctor.status, 0, doctor.stdout + doctor.stderr);
      // Replays of the same key on both nodes give one registration.
      const key = randomUUID();
      const ev2 = await publishedEvent();
      const copies = await Promise.all(Array.from({ length: 10 }, (_, i) => register(ev2.id, alice, one(ev2), key, i % 2 ? server : second)));
      assert.equal(new Set(copies.map((r) => r.body.id)).size, 1);
      assert.equal(copies.filter((r) => r.status === 201).length, 1);
    } finally {
      await second.stop();
    }
  });
