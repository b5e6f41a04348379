// Promo codes cannot be guessed by trying them: look-ups (`GET /events/{id}?promo_code=`) and
// registrations carrying a code count against a budget per client address and per signed-in
// account (30 a minute each); over it the answer is 429 `rate_limited` with Retry-After,
// whatever the code, so a valid guess is not told apart from an invalid one.
// Each test runs its own server, so other suites' look-ups do not share these budgets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, publishedEvent } from './harness.mjs';

const BUDGET = 30;
// Windows are fixed (aligned to the minute), so a run may straddle a boundary: twice the
// budget plus one is always enough to hit the limit within one window.
const MAX_TRIES = 2 * BUDGET + 1;

async function setup(env) {
  const server = await startServer({ env });
  const organizer = server.createUser({ roles: ['organizer'] });
  const alice = server.createUser({ roles: ['attendee'] });
  const ev = await publishedEvent(server, organizer, {
    ticket_types: [{ name: 'General', price: 0, capacity: 50 }, { name: 'Crew', price: 0, capacity: 5, hidden: true }],
  });
  const made = await server.post(`/api/v1/events/${ev.id}/promo-codes`, { code: 'REAL-CODE', kind: 'percent', amount: 0, unlocks_hidden: true }, { token: organizer.token });
  assert.equal(made.status, 201, made.text);
  return { server, organizer, alice, ev };
}

// Tries wrong codes until the first 429; returns it and how many tries went before. When
// the window is about to end, waits for the next one and runs it out again, so the checks
// that follow still fall in a window that is used up.
async function tryUntilLimited(server, ev, opts = () => ({})) {
  for (let round = 0; round < 3; round++) {
    let limited;
    for (let i = 0; i < MAX_TRIES && !limited; i++) {
      const res = await server.get(`/api/v1/events/${ev.id}?promo_code=GUESS-${round}-${i}`, opts(i));
      if (res.status === 429) limited = { res, before: i };
      else assert.equal(res.status, 422, res.text);
    }
    assert.ok(limited, `no 429 after ${MAX_TRIES} wrong codes`);
    const retry = Number(limited.res.headers.get('retry-after'));
    if (retry >= 5) return limited;
    await new Promise((r) => setTimeout(r, retry * 1000 + 200));
  }
  assert.fail('every window ended right after the limit was hit');
}

function assertRateLimited(res) {
  assert.equal(res.status, 429, res.text);
  assert.equal(res.headers.get('content-type'), 'application/problem+json');
  assert.equal(res.body.code, 'rate_limited');
  assert.equal(res.body.status, 429);
  assert.match(res.body.detail, /too many promo code attempts/i);
  const retry = Number(res.headers.get('retry-after'));
  assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= 60, `Retry-After: ${res.headers.get('retry-after')}`);
}

test('promo code look-ups from one address are limited; then even the right code answers 429', async () => {
  const { server, alice, ev } = await setup();
  try {
    const { res, before } = await tryUntilLimited(server, ev);
    assertRateLimited(res);
    assert.ok(before >= BUDGET, `limited after ${before} tries, before the budget of ${BUDGET}`);

    // The right code is refused alike: the limit does not reveal which codes exist.
    assertRateLimited(await server.get(`/api/v1/events/${ev.id}?promo_code=REAL-CODE`));
    // A registration carrying a code counts against the same budget...
    const general = ev.ticket_types.find((t) => t.name === 'General');
    const withCode = await server.post(`/api/v1/events/${ev.id}/registrations`,
      { items: [{ ticket_type_id: general.id, quantity: 1 }], promo_code: 'REAL-CODE' },
      { token: alice.token, headers: { 'idempotency-key': randomUUID() } });
    assertRateLimited(withCode);
    // ...while the event itself, and registering without a code, stay open.
    assert.equal((await server.get(`/api/v1/events/${ev.id}`)).status, 200);
    const plain = await server.post(`/api/v1/events/${ev.id}/registrations`,
      { items: [{ ticket_type_id: general.id, quantity: 1 }] },
      { token: alice.token, headers: { 'idempotency-key': randomUUID() } });
    assert.equal(plain.status, 201, plain.text);
  } finally {
    await server.stop();
  }
});

test('registrations carrying unknown codes are limited too (they tell a valid code from an invalid one)', async () => {
  // The registration budget per account (30 a minute, probes.test.mjs) would answer first:
  // off here, so what answers 429 is the promo-code budget.
  const { server, alice, ev } = await setup({ ADMIT_REGISTRATION_RATE_PER_USER: '0' });
  try {
    const general = ev.ticket_types.find((t) => t.name === 'General');
    let limited;
    for (let i = 0; i < MAX_TRIES && !limited; i++) {
      const res = await server.post(`/api/v1/events/${ev.id}/registrations`,
        { items: [{ ticket_type_id: general.id, quantity: 1 }], promo_code: `GUESS-${i}` },
        { token: alice.token, headers: { 'idempotency-key': randomUUID() } });
      if (res.status === 429) limited = res;
      else {
        assert.equal(res.status, 422, res.text);
        assert.equal(res.body.errors[0].field, 'promo_code');
      }
    }
    assert.ok(limited, `no 429 after ${MAX_TRIES} registrations with wrong codes`);
    assertRateLimited(limited);
  } finally {
    await server.stop();
  }
});

test('a signed-in account is limited across addresses (behind a trusted proxy)', async () => {
  const { server, alice, ev } = await setup({ ADMIT_TRUST_PROXY: 'true' });
  try {
    // Every try from another address: only the per-account budget can stop them.
    const from = (i) => ({ token: alice.token, headers: { 'x-forwarded-for': `198.51.100.${(i % 250) + 1}` } });
    const { res, before } = await tryUntilLimited(server, ev, from);
    assertRateLimited(res);
    assert.ok(before >= BUDGET);
    assertRateLimited(await server.get(`/api/v1/events/${ev.id}?promo_code=REAL-CODE`,
      { token: alice.token, headers: { 'x-forwarded-for': '203.0.113.9' } }));
    // Someone else at a fresh address still has a budget of their own.
    const other = await server.get(`/api/v1/events/${ev.id}?promo_code=REAL-CODE`, { headers: { 'x-forwarded-for': '203.0.113.10' } });
    assert.equal(other.status, 200, other.text);
    assert.equal(other.body.promo.code, 'REAL-CODE');
  } finally {
    await server.stop();
  }
});
