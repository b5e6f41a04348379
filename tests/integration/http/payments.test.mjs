// Payments against the Stripe-protocol test server (tests/peers/stripe_server.mjs), whose
// webhooks are signed by the real stripe SDK: signatures, checkout, each webhook acted on
// once (duplicates, concurrency, order), amount mismatch, late payments, refunds,
// reconciliation of lost webhooks, pay at the door, Stripe unreachable. Runs on both
// backends (ADMIT_TEST_BACKEND).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, freePort, publishedEvent, sleep, waitFor, mailsIn } from './harness.mjs';
import { startStripeServer } from '../../peers/stripe_server.mjs';

const SECRET = 'whsec_test_current';
const OLD_SECRET = 'whsec_test_previous';
let stripe;
let server;
let org;
let att;

before(async () => {
  stripe = await startStripeServer({ secret: SECRET });
  server = await startServer({
    env: {
      ADMIT_STRIPE_SECRET_KEY: 'sk_test_admit',
      ADMIT_STRIPE_WEBHOOK_SECRET: `${SECRET}, ${OLD_SECRET}`,
      ADMIT_STRIPE_API_BASE: stripe.url,
      ADMIT_STRIPE_RECONCILE_SECONDS: '1',
    },
  });
  stripe.webhookUrl = `${server.url}/api/v1/payments/stripe/webhook`;
  org = server.createUser({ roles: ['attendee', 'organizer'] });
  att = server.createUser();
});

after(async () => {
  await server?.stop();
  await stripe?.close();
});

async function paidEvent(overrides = {}) {
  const title = `Paid ${randomUUID().slice(0, 8)}`;
  const ev = await publishedEvent(server, org, {
    title, capacity: 50, ticket_types: [{ name: 'Standard', price: 2500, capacity: 50, max_per_order: 10 }], ...overrides,
  });
  return ev;
}

async function register(ev, quantity = 1, who = att) {
  const res = await server.post(`/api/v1/events/${ev.id}/registrations`,
    { items: [{ ticket_type_id: ev.ticket_types[0].id, quantity }] },
    { token: who.token, headers: { 'idempotency-key': randomUUID() } });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

// Follows the registration's checkout_url: answers the test server's session.
async function checkout(reg, who = att) {
  const res = await server.get(new URL(reg.checkout_url).pathname, { token: who.token });
  assert.equal(res.status, 303, res.text);
  const location = res.headers.get('location');
  assert.ok(location.startsWith(`${stripe.url}/checkout/cs_test_`), location);
  return stripe.state.sessions.get(location.split('/').pop());
}

async function webhook(payload, header) {
  const headers = { 'content-type': 'application/json' };
  if (header !== undefined) headers['stripe-signature'] = header;
  return server.request('POST', '/api/v1/payments/stripe/webhook', { raw: payload, headers });
}

// Waits for fn() to answer something; a failure shows the end of the server's log.
const until = (what, fn, ms = 30_000) => waitFor(fn, what, ms, 100)
  .catch((e) => { throw new Error(`${e.message}:\n${server.logs.join('').slice(-4000)}`); });

const getReg = async (id, who = att) => (await server.get(`/api/v1/registrations/${id}`, { token: who.token })).body;
const issued = (id) => until(`tickets of ${id}`, async () => { const r = await getReg(id); return r.tickets_issued_at ? r : null; });

const mailsAbout = (subjectPart) => mailsIn(server.outboxDir).filter((m) => m.includes(subjectPart)).length;

// The organizer's listing row of a registration (what the Registrations tab shows).
async function listed(ev, regId) {
  const res = await server.get(`/api/v1/events/${ev.id}/registrations?limit=200`, { token: org.token });
  assert.equal(res.status, 200, res.text);
  return res.body.items.find((r) => r.id === regId);
}

// A Checkout Session made at the test server for a registration, as our gateway makes
// them (a second tab, an old session the attendee kept open).
async function extraSession(reg, ev, amount = 2500) {
  const form = new URLSearchParams({
    mode: 'payment', success_url: 'http://example.test/ok', cancel_url: 'http://example.test/no',
    'line_items[0][price_data][currency]': 'eur', 'line_items[0][price_data][unit_amount]': String(amount),
    'line_items[0][price_data][product_data][name]': ev.ticket_types[0].name, 'line_items[0][quantity]': '1',
    client_reference_id: reg.id, 'metadata[registration_id]': reg.id,
    'payment_intent_data[metadata][registration_id]': reg.id,
  });
  const res = await fetch(`${stripe.url}/v1/checkout/sessions`, {
    method: 'POST', body: form.toString(),
    headers: { authorization: 'Bearer sk_test_admit', 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(res.status, 200);
  return res.json();
}

test('signatures: the SDK\'s accepted, every forgery refused with 400 invalid_signature', async () => {
  const payload = JSON.stringify(stripe.event('customer.created', { id: 'cus_1', object: 'customer' }));
  const ok = await webhook(payload, stripe.sign(payload));
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.received, true);
  // An endpoint secret being rotated out still verifies.
  const old = await webhook(payload, stripe.sign(payload, { secret: OLD_SECRET }));
  assert.equal(old.status, 200, old.text);
  const now = Math.floor(Date.now() / 1000);
  const good = stripe.sign(payload);
  const v1 = good.split(',').find((p) => p.startsWith('v1='));
  const cases = {
    'wrong secret': [payload, stripe.sign(payload, { secret: 'whsec_wrong' })],
    'altered body': [payload.replace('cus_1', 'cus_2'), good],
    stale: [payload, stripe.sign(payload, { timestamp: now - 301 })],
    // Well past the tolerance, so a slow machine between signing and sending cannot bring
    // it back within 300 s.
    future: [payload, stripe.sign(payload, { timestamp: now + 600 })],
    'missing v1': [payload, `t=${now}`],
    'missing header': [payload, undefined],
    garbage: [payload, 'this is not a signature'],
    'garbled hex': [payload, `t=${now},v1=zz${v1.slice(5)}`],
    'empty body': ['', good],
  };
  for (const [name, [body, header]] of Object.entries(cases)) {
    const res = await webhook(body, header);
    assert.equal(res.status, 400, `${name}: ${res.text}`);
    assert.equal(res.body.code, 'invalid_signature', `${name}: ${res.text}`);
  }
  // Several v1 values, one of them right: accepted.
  const right = stripe.sign(payload, { timestamp: now }).split(',').find((p) => p.startsWith('v1='));
  const both = await webhook(payload, `t=${now},v1=${'0'.repeat(64)},${right},v1=${'f'.repeat(64)}`);
  assert.equal(both.status, 200, both.text);
});

test('a paid registration: checkout, pay at the test server, webhook, one set of tickets and one mail', async () => {
  const ev = await paidEvent();
  const reg = await register(ev, 2);
  assert.equal(reg.status, 'pending_payment');
  assert.match(reg.checkout_url, new RegExp(`/api/v1/registrations/${reg.id}/checkout$`));
  const session = await checkout(reg);
  assert.equal(session.amount_total, 5000);
  assert.equal(session.currency, 'eur');
  assert.equal(session.client_reference_id, reg.id);
  assert.equal(session.metadata.registration_id, reg.id);
  assert.equal(session.line_items[0].quantity, '2');
  assert.equal(session.line_items[0].price_data.unit_amount, '2500');
  const create = stripe.state.requests.find((r) => r.path === '/v1/checkout/sessions' && r.body.includes(reg.id));
  assert.ok(create.idempotencyKey, 'POST without Idempotency-Key');
  assert.ok(create.stripeVersion, 'no pinned Stripe-Version');
  // Following the link again reuses the session.
  assert.equal((await checkout(reg)).id, session.id);
  // A redirect to the success page alone issues nothing.
  assert.equal((await getReg(reg.id)).status, 'pending_payment');
  const pay = await fetch(`${stripe.url}/checkout/${session.id}/pay`, { method: 'POST', redirect: 'manual' });
  assert.equal(pay.status, 303);
  assert.ok(pay.headers.get('location').includes(`/registrations/${reg.id}/paid?session_id=${session.id}`));
  const done = await issued(reg.id);
  assert.equal(done.status, 'confirmed');
  assert.equal(done.tickets.length, 2);
  await until('the tickets mail', async () => mailsAbout(`Your tickets for ${ev.title}`) === 1);
  const payment = await server.get(`/api/v1/registrations/${reg.id}/payment`, { token: att.token });
  assert.equal(payment.status, 200, payment.text);
  assert.equal(payment.body.status, 'paid');
  assert.equal(payment.body.amount_paid, 5000);
});

test('10 concurrent and 10 serial copies of one completed event: one transition, one ticket set, one mail', async () => {
  const ev = await paidEvent();
  const reg = await register(ev);
  const session = await checkout(reg);
  const { payload } = await stripe.complete(session.id, { deliver: false });
  const sends = await Promise.all(Array.from({ length: 10 }, () => webhook(payload, stripe.sign(payload))));
  for (let i = 0; i < 10; ++i) sends.push(await webhook(payload, stripe.sign(payload)));
  assert.deepEqual(sends.map((s) => s.status), Array(20).fill(200));
  const outcomes = sends.map((s) => s.body.outcome).sort();
  assert.deepEqual(outcomes, ['confirmed', ...Array(19).fill('duplicate')]);
  // Another event for the same payment (async success) changes nothing either.
  const other = JSON.stringify(stripe.event('checkout.session.async_payment_succeeded', JSON.parse(payload).data.object));
  assert.equal((await webhook(other, stripe.sign(other))).body.outcome, 'ignored');
  const done = await issued(reg.id);
  assert.equal(done.tickets.length, 1);
  await until('the tickets mail', async () => mailsAbout(`Your tickets for ${ev.title}`) >= 1);
  await sleep(1000);
  assert.equal(mailsAbout(`Your tickets for ${ev.title}`), 1);
});

test('completed before the session was recorded, then expired after completed: confirmed once, stays confirmed', async () => {
  const ev = await paidEvent();
  const reg = await register(ev);
  // Stripe's event names the registration; we never asked for a session (no payment row).
  const object = { id: 'cs_test_unseen', object: 'checkout.session', status: 'complete', payment_status: 'paid',
    amount_total: 2500, currency: 'eur', client_reference_id: reg.id, metadata: { registration_id: reg.id },
    payment_intent: 'pi_test_unseen' };
  const completed = JSON.stringify(stripe.event('checkout.session.completed', object));
  assert.equal((await webhook(completed, stripe.sign(completed))).body.outcome, 'confirmed');
  const expired = JSON.stringify(stripe.event('checkout.session.expired', { ...object, status: 'expired' }));
  assert.equal((await webhook(expired, stripe.sign(expired))).body.outcome, 'ignored');
  const done = await issued(reg.id);
  assert.equal(done.status, 'confirmed');
});

test('an amount or currency that differs from the total is flagged and issues nothing', async () => {
  const ev = await paidEvent();
  const reg = await register(ev);
  const session = await checkout(reg);
  const r = await stripe.complete(session.id, { amount: 100 });
  assert.equal(JSON.parse(r.answer).outcome, 'mismatch');
  const after = await getReg(reg.id);
  assert.equal(after.status, 'pending_payment');
  assert.equal(after.tickets_issued_at ?? null, null);
  const payment = await server.get(`/api/v1/registrations/${reg.id}/payment`, { token: org.token });
  assert.equal(payment.body.flag, 'amount_mismatch');
  assert.deepEqual((await listed(ev, reg.id)).payment_flags, ['amount_mismatch']);
});

test('checkout expired releases the hold; a late payment with seats free takes them again', async () => {
  const ev = await paidEvent({ capacity: 3, ticket_types: [{ name: 'Standard', price: 2500, capacity: 3, max_per_order: 3 }] });
  const reg = await register(ev, 2);
  const session = await checkout(reg);
  const exp = await stripe.expire(session.id);
  assert.equal(JSON.parse(exp.answer).outcome, 'hold_released');
  assert.equal((await getReg(reg.id)).status, 'expired');
  assert.equal((await server.get(`/api/v1/events/${ev.id}`)).body.remaining, 3);
  const late = await stripe.complete(session.id);
  assert.equal(JSON.parse(late.answer).outcome, 'late_confirmed');
  const done = await issued(reg.id);
  assert.equal(done.status, 'confirmed');
  assert.equal((await server.get(`/api/v1/events/${ev.id}`)).body.remaining, 1);
});

test('a late payment for a sold-out event is refunded automatically and the attendee told why', async () => {
  const ev = await paidEvent({ capacity: 1, ticket_types: [{ name: 'Standard', price: 2500, capacity: 1, max_per_order: 1 }] });
  const reg = await register(ev);
  const session = await checkout(reg);
  assert.equal(JSON.parse((await stripe.expire(session.id)).answer).outcome, 'hold_released');
  const other = server.createUser();
  const taken = await register(ev, 1, other);  // the seat goes to someone else
  assert.equal(taken.status, 'pending_payment');
  const late = await stripe.complete(session.id);
  assert.equal(JSON.parse(late.answer).outcome, 'late_no_seats');
  assert.equal((await server.get(`/api/v1/events/${ev.id}`)).body.remaining, 0);
  const refunded = await until('the automatic refund', async () => {
    const r = await getReg(reg.id);
    return r.refund_status === 'refunded' ? r : null;
  });
  assert.equal(refunded.status, 'expired');
  assert.equal(refunded.tickets_issued_at ?? null, null);
  assert.ok(stripe.state.requests.some((r) => r.path === '/v1/refunds' && r.body.includes(session.payment_intent)));
  await until('the refund mail', async () => mailsAbout(`Your payment for ${ev.title} is being refunded`) === 1);
  assert.deepEqual((await listed(ev, reg.id)).payment_flags, ['late_no_seats']);
  const fresh = await register(await paidEvent());
  assert.deepEqual(fresh.payment_flags, []);
});

test('organizer refunds: partial then the rest, with a reason; refund state comes back by webhook', async () => {
  const ev = await paidEvent();
  const reg = await register(ev, 2);
  const session = await checkout(reg);
  await stripe.complete(session.id);
  await issued(reg.id);
  const path = `/api/v1/registrations/${reg.id}/refund`;
  assert.equal((await server.post(path, { amount: 1000, reason: 'x' }, { token: att.token })).status, 404);
  const tooMuch = await server.post(path, { amount: 6000, reason: 'goodwill' }, { token: org.token });
  assert.equal(tooMuch.status, 422, tooMuch.text);
  assert.equal(tooMuch.body.errors[0].field, 'amount');
  const noReason = await server.post(path, { amount: 1000 }, { token: org.token });
  assert.equal(noReason.status, 422, noReason.text);
  assert.equal(noReason.body.errors[0].field, 'reason');
  const part = await server.post(path, { amount: 1000, reason: 'one guest cannot come' }, { token: org.token });
  assert.equal(part.status, 200, part.text);
  await until('the partial refund', async () => (await getReg(reg.id)).refund_status === 'partially_refunded');
  assert.equal((await getReg(reg.id)).status, 'confirmed');
  const rest = await server.post(path, { reason: 'event moved' }, { token: org.token });
  assert.equal(rest.status, 200, rest.text);
  const done = await until('the full refund', async () => {
    const r = await getReg(reg.id);
    return r.status === 'refunded' ? r : null;
  });
  assert.equal(done.refund_status, 'refunded');
  assert.equal((await server.get(`/api/v1/events/${ev.id}`)).body.remaining, 50);
  const again = await server.post(path, { reason: 'again' }, { token: org.token });
  assert.equal(again.status, 409, again.text);
  const refunds = stripe.state.requests.filter((r) => r.path === '/v1/refunds' && r.body.includes(session.payment_intent));
  assert.equal(refunds.length, 2);
  assert.ok(refunds.every((r) => r.idempotencyKey));
});

test('with 10% of webhooks lost, reconciliation leaves no paid registration without tickets', async () => {
  const ev = await paidEvent();
  const regs = [];
  const sessions = [];
  for (let i = 0; i < 10; ++i) {
    const who = server.createUser();
    const r = await register(ev, 1, who);
    regs.push(r);
    sessions.push(await checkout(r, who));
  }
  // The first one's webhook never arrives; Stripe knows the session is paid.
  await stripe.complete(sessions[0].id, { deliver: false });
  for (const s of sessions.slice(1)) await stripe.complete(s.id);
  for (const r of regs)
    await until(`tickets of ${r.id}`, async () => {
      const got = await server.get(`/api/v1/registrations/${r.id}`, { token: org.token });
      return got.body.tickets_issued_at;
    });
});

test('cancelling an event refunds every paid registration; a lost refund webhook is healed by reconciliation', async () => {
  const ev = await paidEvent();
  const paid = [];
  for (let i = 0; i < 3; ++i) {
    const who = server.createUser();
    const r = await register(ev, 1, who);
    await stripe.complete((await checkout(r, who)).id);
    await until(`confirmation of ${r.id}`, async () => (await getReg(r.id, who)).status === 'confirmed');
    paid.push(r);
  }
  stripe.dropRate = 1;  // every charge.refunded webhook is lost
  try {
    const cancel = await server.post(`/api/v1/events/${ev.id}/cancel`, undefined, { token: org.token });
    assert.equal(cancel.status, 200, cancel.text);
    for (const r of paid)
      await until(`refund of ${r.id}`, async () => {
        const got = await server.get(`/api/v1/registrations/${r.id}`, { token: org.token });
        return got.body.status === 'cancelled' && got.body.refund_status === 'refunded';
      });
  } finally {
    stripe.dropRate = 0;
  }
  // One refund asked per registration, however often reconciliation ran meanwhile.
  for (const r of paid) {
    const session = [...stripe.state.sessions.values()].find((x) => x.client_reference_id === r.id);
    const asked = stripe.state.requests.filter((q) => q.path === '/v1/refunds' && q.body.includes(session.payment_intent));
    assert.equal(asked.length, 1, `refunds asked for ${r.id}`);
    assert.equal(session.amount_refunded, 2500);
  }
});

test('a failed payment is recorded and keeps the hold; a dispute flags the payment for the organizer', async () => {
  const ev = await paidEvent();
  const reg = await register(ev);
  const session = await checkout(reg);
  const failed = JSON.stringify(stripe.event('payment_intent.payment_failed',
    { id: 'pi_test_failed', object: 'payment_intent', amount: 2500, currency: 'eur', metadata: { registration_id: reg.id } }));
  assert.equal((await webhook(failed, stripe.sign(failed))).body.outcome, 'failed');
  assert.equal((await getReg(reg.id)).status, 'pending_payment');
  assert.equal((await server.get(`/api/v1/registrations/${reg.id}/payment`, { token: att.token })).body.status, 'failed');
  // Paid after all (another attempt), then disputed by the card holder.
  await stripe.complete(session.id);
  await issued(reg.id);
  const dispute = JSON.stringify(stripe.event('charge.dispute.created',
    { id: 'dp_test_1', object: 'dispute', amount: 2500, currency: 'eur', payment_intent: session.payment_intent }));
  assert.equal((await webhook(dispute, stripe.sign(dispute))).body.outcome, 'disputed');
  const payment = await server.get(`/api/v1/registrations/${reg.id}/payment`, { token: org.token });
  assert.equal(payment.body.flag, 'disputed');
  assert.equal((await getReg(reg.id)).status, 'confirmed');
  assert.deepEqual((await listed(ev, reg.id)).payment_flags, ['disputed']);
});

test('pay at the door: an event that allows it lets its organizer mark a hold paid; attendees cannot', async () => {
  const online = await paidEvent();
  const heldOnline = await register(online);
  const refused = await server.post(`/api/v1/registrations/${heldOnline.id}/mark-paid`, undefined, { token: org.token });
  assert.equal(refused.status, 409, refused.text);
  assert.match(refused.body.detail, /pay_at_door/);
  const ev = await paidEvent({ pay_at_door: true });
  assert.equal(ev.pay_at_door, true);
  const reg = await register(ev);
  const path = `/api/v1/registrations/${reg.id}/mark-paid`;
  assert.equal((await server.post(path, undefined, { token: att.token })).status, 404);
  const marked = await server.post(path, undefined, { token: org.token });
  assert.equal(marked.status, 200, marked.text);
  assert.equal(marked.body.status, 'confirmed');
  await issued(reg.id);
  assert.equal((await server.get(`/api/v1/registrations/${reg.id}/payment`, { token: org.token })).body.provider, 'door');
  assert.equal((await server.post(path, undefined, { token: org.token })).status, 409);
});

test('Stripe unreachable: the attendee is told to try again and the hold stays', async () => {
  const dead = await freePort();
  const other = await startServer({
    env: { ADMIT_STRIPE_SECRET_KEY: 'sk_test_admit', ADMIT_STRIPE_WEBHOOK_SECRET: SECRET,
           ADMIT_STRIPE_API_BASE: `http://127.0.0.1:${dead}` },
  });
  try {
    const o = other.createUser({ roles: ['attendee', 'organizer'] });
    const ev = await publishedEvent(other, o, { ticket_types: [{ name: 'Standard', price: 900, capacity: 100 }] });
    const res = await other.post(`/api/v1/events/${ev.id}/registrations`,
      { items: [{ ticket_type_id: ev.ticket_types[0].id, quantity: 1 }] },
      { token: o.token, headers: { 'idempotency-key': randomUUID() } });
    const go = await other.post(`/api/v1/registrations/${res.body.id}/checkout`, undefined, { token: o.token });
    assert.equal(go.status, 503, go.text);
    assert.ok(go.headers.get('retry-after'));
    const still = await other.get(`/api/v1/registrations/${res.body.id}`, { token: o.token });
    assert.equal(still.body.status, 'pending_payment');
  } finally {
    await other.stop();
  }
});

test('paid twice through two checkout sessions: the second payment is refunded automatically, once', async () => {
  const ev = await paidEvent();
  const reg = await register(ev);
  const first = await checkout(reg);
  const second = await extraSession(reg, ev);
  assert.equal(JSON.parse((await stripe.complete(first.id)).answer).outcome, 'confirmed');
  await issued(reg.id);
  const twice = await stripe.complete(second.id, { deliver: false });
  const answers = [];
  for (let i = 0; i < 3; ++i) answers.push((await webhook(twice.payload, stripe.sign(twice.payload))).body.outcome);
  assert.deepEqual(answers, ['paid_twice', 'duplicate', 'duplicate']);
  const paidIntent = stripe.state.sessions.get(second.id).payment_intent;
  await until('the second payment refunded at Stripe', async () => stripe.state.sessions.get(second.id).amount_refunded === 2500);
  // Its charge.refunded settles it: `refunded`, or `ignored` when reconciliation (every
  // second here) already learned the refund from Stripe and recorded it.
  await until('its refund webhook answered', async () =>
    stripe.state.events.some((e) => e.type === 'charge.refunded' && e.payload.includes(paidIntent) &&
                                    e.delivered && ['refunded', 'ignored'].includes(JSON.parse(e.answer).outcome)));
  // The same payment reported again under a new event id asks for no second refund.
  const again = JSON.stringify(stripe.event('checkout.session.completed', JSON.parse(twice.payload).data.object));
  assert.equal((await webhook(again, stripe.sign(again))).body.outcome, 'paid_twice');
  await sleep(1500);  // reconciliation runs every second here
  const asked = stripe.state.requests.filter((q) => q.path === '/v1/refunds' && q.body.includes(paidIntent));
  assert.equal(asked.length, 1);
  assert.ok(asked[0].idempotencyKey);
  // The first payment and the registration are untouched: one ticket set, nothing refunded.
  assert.equal(stripe.state.sessions.get(first.id).amount_refunded ?? 0, 0);
  const after = await getReg(reg.id);
  assert.equal(after.status, 'confirmed');
  assert.equal(after.refund_status, null);
  assert.equal(after.tickets.length, 1);
  const payment = (await server.get(`/api/v1/registrations/${reg.id}/payment`, { token: org.token })).body;
  assert.equal(payment.status, 'paid');
  assert.equal(payment.amount_refunded, 0);
  assert.deepEqual((await listed(ev, reg.id)).payment_flags, ['paid_twice']);
  assert.equal((await server.get(`/api/v1/events/${ev.id}`)).body.remaining, 49);
});

test('paid online after the organizer marked it paid at the door: the online payment is refunded', async () => {
  const ev = await paidEvent({ pay_at_door: true });
  const reg = await register(ev);
  const session = await checkout(reg);
  const marked = await server.post(`/api/v1/registrations/${reg.id}/mark-paid`, undefined, { token: org.token });
  assert.equal(marked.status, 200, marked.text);
  assert.equal(JSON.parse((await stripe.complete(session.id)).answer).outcome, 'paid_twice');
  await until('the online payment refunded', async () => stripe.state.sessions.get(session.id).amount_refunded === 2500);
  const payment = (await server.get(`/api/v1/registrations/${reg.id}/payment`, { token: org.token })).body;
  assert.equal(payment.provider, 'door');
  assert.equal((await getReg(reg.id)).status, 'confirmed');
});

test('a refund Stripe refuses is flagged refund_failed for the organizer', async () => {
  const ev = await paidEvent();
  const reg = await register(ev);
  // Paid through a payment Stripe (the test server) does not know: its refund is refused.
  const object = { id: 'cs_test_unknown_to_stripe', object: 'checkout.session', status: 'complete', payment_status: 'paid',
    amount_total: 2500, currency: 'eur', client_reference_id: reg.id, metadata: { registration_id: reg.id },
    payment_intent: `pi_test_unknown_${randomUUID().slice(0, 8)}` };
  const completed = JSON.stringify(stripe.event('checkout.session.completed', object));
  assert.equal((await webhook(completed, stripe.sign(completed))).body.outcome, 'confirmed');
  await issued(reg.id);
  const cancelled = await server.post(`/api/v1/registrations/${reg.id}/cancel`, undefined, { token: att.token });
  assert.equal(cancelled.status, 200, cancelled.text);
  const row = await until('the refund_failed flag', async () => {
    const r = await listed(ev, reg.id);
    return r.payment_flags.includes('refund_failed') ? r : null;
  });
  assert.equal(row.refund_status, 'due');
  const payment = (await server.get(`/api/v1/registrations/${reg.id}/payment`, { token: org.token })).body;
  assert.match(payment.refund_error, /payment_intent/);
});
