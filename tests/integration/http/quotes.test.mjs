// POST /api/v1/events/{id}/quote against the real binary (sqlite and postgres): the sale
// state of each ticket type and the price of an order come from the server's registration
// rules, and a quote's total is what registering the same order costs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, eventBody } from './harness.mjs';

let server;
let organizer;
let alice;

before(async () => {
  server = await startServer();
  organizer = server.createUser({ roles: ['organizer'], name: 'Quinn Organizer' });
  alice = server.createUser({ roles: ['attendee'], name: 'Alice Quote' });
});
after(async () => { await server?.stop(); });

async function publishedEvent(overrides = {}) {
  const created = await server.post('/api/v1/events', eventBody(overrides), { token: organizer.token });
  assert.equal(created.status, 201, created.text);
  const pub = await server.post(`/api/v1/events/${created.body.id}/publish`, undefined, { token: organizer.token });
  assert.equal(pub.status, 200, pub.text);
  return pub.body;
}

const quote = (ev, body, opts = {}) => server.post(`/api/v1/events/${ev.id}/quote`, body, opts);
const hour = 3600_000;
const at = (ms) => new Date(Date.now() + ms).toISOString();

test('a quote of nothing answers each type\'s sale state, unit price and order limit', async () => {
  const ev = await publishedEvent({
    max_per_user: 6,
    ticket_types: [
      { name: 'Open', price: 1500, capacity: 50, max_per_order: 4 },
      { name: 'Later', price: 2500, capacity: 50, sales_start: at(48 * hour) },
      { name: 'Last', price: 500, capacity: 1 },
    ],
  });
  const [open, later, last] = ev.ticket_types;
  const sold = await server.post(`/api/v1/events/${ev.id}/registrations`,
    { items: [{ ticket_type_id: last.id, quantity: 1 }] },
    { token: alice.token, headers: { 'idempotency-key': randomUUID() } });
  assert.equal(sold.status, 201, sold.text);

  const q = await quote(ev, { items: [] });
  assert.equal(q.status, 200, q.text);
  assert.equal(q.headers.get('cache-control'), 'private, no-store');
  assert.equal(q.body.state, 'on_sale');
  assert.equal(q.body.currency, 'EUR');
  assert.equal(q.body.total, 0);
  assert.deepEqual(q.body.items, []);
  const byId = Object.fromEntries(q.body.ticket_types.map((t) => [t.ticket_type_id, t]));
  assert.deepEqual(byId[open.id], { ticket_type_id: open.id, state: 'on_sale', unit_price: 1500, max_quantity: 4, held: 0 });
  assert.equal(byId[later.id].state, 'not_yet');
  assert.equal(byId[later.id].max_quantity, 6);
  assert.equal(byId[last.id].state, 'sold_out');
  assert.equal(byId[last.id].max_quantity, 0);
});

test('an event whose every seat is taken is sold_out; a cancelled one says so', async () => {
  const ev = await publishedEvent({ capacity: 1, ticket_types: [{ name: 'Only', price: 0, capacity: 1 }] });
  const took = await server.post(`/api/v1/events/${ev.id}/registrations`,
    { items: [{ ticket_type_id: ev.ticket_types[0].id, quantity: 1 }] },
    { token: alice.token, headers: { 'idempotency-key': randomUUID() } });
  assert.equal(took.status, 201, took.text);
  assert.equal((await quote(ev, { items: [] })).body.state, 'sold_out');
  const cancelled = await server.post(`/api/v1/events/${ev.id}/cancel`, undefined, { token: organizer.token });
  assert.equal(cancelled.status, 200, cancelled.text);
  assert.equal((await quote(ev, { items: [] })).body.state, 'cancelled');
  // Ordering from a cancelled event is refused as registering is.
  const order = await quote(ev, { items: [{ ticket_type_id: ev.ticket_types[0].id, quantity: 1 }] });
  assert.equal(order.status, 409, order.text);
});

test('an order is priced as registering prices it: percent per line, fixed once, scoped codes', async () => {
  const ev = await publishedEvent({
    max_per_user: null, // three registrations of five tickets each below
    ticket_types: [
      { name: 'Adult', price: 1999, capacity: 50 },
      { name: 'Child', price: 500, capacity: 50 },
    ],
  });
  const [adult, child] = ev.ticket_types;
  const mk = (body) => server.post(`/api/v1/events/${ev.id}/promo-codes`, body, { token: organizer.token });
  assert.equal((await mk({ code: 'PCT15', kind: 'percent', amount: 15 })).status, 201);
  assert.equal((await mk({ code: 'FIX700', kind: 'fixed', amount: 700 })).status, 201);
  assert.equal((await mk({ code: 'KIDS', kind: 'fixed', amount: 7000, ticket_type_id: child.id })).status, 201);
  const items = [{ ticket_type_id: adult.id, quantity: 3 }, { ticket_type_id: child.id, quantity: 2 }];

  const plain = await quote(ev, { items });
  assert.equal(plain.status, 200, plain.text);
  assert.equal(plain.body.subtotal, 1999 * 3 + 1000);
  assert.equal(plain.body.discount, 0);
  assert.equal(plain.body.total, 6997);
  assert.deepEqual(plain.body.items[0], {
    ticket_type_id: adult.id, ticket_type_name: 'Adult', quantity: 3, unit_price: 1999, subtotal: 5997, discount: 0, amount: 5997,
  });

  // 5997 × 15% = 899.55 → 900 off; 1000 × 15% → 150 off (half up, per line).
  const pct = await quote(ev, { items, promo_code: 'pct15' });
  assert.equal(pct.status, 200, pct.text);
  assert.equal(pct.body.promo.code, 'PCT15');
  assert.deepEqual(pct.body.items.map((i) => i.discount), [900, 150]);
  assert.equal(pct.body.total, 5097 + 850);
  assert.equal(pct.body.ticket_types.find((t) => t.ticket_type_id === adult.id).unit_price, 1999 - 300);

  const fixed = await quote(ev, { items, promo_code: 'FIX700' });
  assert.equal(fixed.body.total, 6997 - 700);
  assert.equal(fixed.body.discount, 700);
  // A fixed code leaves the unit price alone: it comes off the order.
  assert.equal(fixed.body.ticket_types.find((t) => t.ticket_type_id === adult.id).unit_price, 1999);

  const kids = await quote(ev, { items, promo_code: 'KIDS' });
  assert.equal(kids.body.total, 5997);

  // What the quote said is what the registration costs.
  for (const [code, q] of [['PCT15', pct], ['FIX700', fixed], ['KIDS', kids]]) {
    const reg = await server.post(`/api/v1/events/${ev.id}/registrations`, { items, promo_code: code },
      { token: alice.token, headers: { 'idempotency-key': randomUUID() } });
    assert.equal(reg.status, 201, reg.text);
    assert.equal(reg.body.total, q.body.total, code);
    assert.deepEqual(reg.body.items.map((i) => i.amount), q.body.items.map((i) => i.amount), code);
  }
});

test('bad orders and codes answer problems naming the field', async () => {
  const ev = await publishedEvent({
    ticket_types: [{ name: 'General', price: 1000, capacity: 50, max_per_order: 2 }, { name: 'Crew', price: 0, capacity: 5, hidden: true }],
  });
  const crew = (await server.get(`/api/v1/events/${ev.id}`, { token: organizer.token })).body.ticket_types.find((t) => t.hidden);
  const general = ev.ticket_types[0];
  const cases = [
    [{}, 'items'],
    [{ items: [{ ticket_type_id: general.id, quantity: 0 }] }, 'items[0].quantity'],
    [{ items: [{ ticket_type_id: general.id, quantity: 3 }] }, 'items[0].quantity'],
    [{ items: [{ ticket_type_id: 'nope', quantity: 1 }] }, 'items[0].ticket_type_id'],
    [{ items: [{ ticket_type_id: crew.id, quantity: 1 }] }, 'items[0].ticket_type_id'],
    [{ items: [], promo_code: 'no such code' }, 'promo_code'],
    [{ items: [], promo_code: 'NOSUCHCODE' }, 'promo_code'],
    [{ items: [], extra: 1 }, 'extra'],
  ];
  for (const [body, field] of cases) {
    const r = await quote(ev, body);
    assert.equal(r.status, 422, `${JSON.stringify(body)}: ${r.text}`);
    assert.equal(r.body.code, 'validation_failed');
    assert.ok(r.body.errors.some((e) => e.field === field), `${JSON.stringify(body)} names ${field}: ${r.text}`);
  }
  // Hidden types appear to whoever holds a code that unlocks them, and to the organizer.
  assert.equal((await server.post(`/api/v1/events/${ev.id}/promo-codes`, { code: 'CREW', kind: 'fixed', amount: 0, unlocks_hidden: true }, { token: organizer.token })).status, 201);
  const seen = (r) => r.body.ticket_types.map((t) => t.ticket_type_id);
  assert.deepEqual(seen(await quote(ev, { items: [] })), [general.id]);
  assert.deepEqual(seen(await quote(ev, { items: [], promo_code: 'crew' })), [general.id, crew.id]);
  assert.deepEqual(seen(await quote(ev, { items: [] }, { token: organizer.token })), [general.id, crew.id]);
  const unlocked = await quote(ev, { items: [{ ticket_type_id: crew.id, quantity: 1 }], promo_code: 'CREW' });
  assert.equal(unlocked.status, 200, unlocked.text);
  // Not JSON, and a draft for anyone but its organizer.
  const text = await server.request('POST', `/api/v1/events/${ev.id}/quote`, { raw: 'x', headers: { 'content-type': 'text/plain' } });
  assert.equal(text.status, 415, text.text);
  const draft = await server.post('/api/v1/events', eventBody(), { token: organizer.token });
  assert.equal((await quote(draft.body, { items: [] })).status, 404);
  const own = await quote(draft.body, { items: [] }, { token: organizer.token });
  assert.equal(own.status, 200, own.text);
  assert.equal(own.body.state, 'draft');
});
