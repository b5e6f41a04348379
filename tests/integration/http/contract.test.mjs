// The contract against the server: a walk through the API's operations, every answer of
// which harness.mjs validates against api/openapi.yaml (openapi.mjs, Ajv): the status, the
// content type and the body schema must be the ones the spec lists, or the request throws.
// Every HTTP test file gets the same check; this one walks the common operations in one
// place and shows that the checker itself refuses what it should.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, eventBody } from './harness.mjs';
import { checkAnswer } from './openapi.mjs';

async function call(server, method, path, opts = {}) {
  return server.request(method, path, opts);
}

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

test('answers match the OpenAPI response schemas', async () => {
  const org = server.createUser({ roles: ['organizer'] });
  const alice = server.createUser({});
  const admin = server.createUser({ roles: ['admin'] });
  const as = (u) => ({ token: u.token });
  const key = () => ({ 'idempotency-key': randomUUID() });
  const browser = { 'x-admit-csrf': '1' };

  // Events and promo codes.
  await call(server, 'GET', '/api/v1/categories');
  const ev = (
    await call(server, 'POST', '/api/v1/events', {
      ...as(org),
      body: eventBody({
        ticket_types: [
          { name: 'Free', price: 0, capacity: 50 },
          { name: 'Paid', price: 1500, capacity: 40 },
          { name: 'Crew', price: 0, capacity: 10, hidden: true },
        ],
      }),
    })
  ).body;
  const [free, paid, crew] = ev.ticket_types;
  await call(server, 'PATCH', `/api/v1/events/${ev.id}`, { ...as(org), body: { title: 'Contract check' } });
  await call(server, 'POST', `/api/v1/events/${ev.id}/publish`, as(org));
  await call(server, 'GET', '/api/v1/events?limit=2');
  await call(server, 'GET', '/api/v1/events?limit=0');
  const publicEvent = await call(server, 'GET', `/api/v1/events/${ev.id}`);
  await call(server, 'GET', `/api/v1/events/${ev.id}`, { headers: { 'if-none-match': publicEvent.headers.get('etag') } });
  const page = await call(server, 'GET', '/api/v1/events');
  await call(server, 'GET', '/api/v1/events', { headers: { 'if-none-match': page.headers.get('etag') } });
  await call(server, 'GET', '/api/v1/events/evt_doesnotexist00');
  await call(server, 'GET', '/api/v1/session');
  await call(server, 'GET', '/api/v1/session', as(alice));
  await call(server, 'GET', '/api/v1/organizer/events', as(org));
  await call(server, 'POST', `/api/v1/events/${ev.id}/promo-codes`, {
    ...as(org),
    body: { code: 'crew', kind: 'percent', amount: 10, ticket_type_id: crew.id, unlocks_hidden: true, max_uses: 5,
      valid_until: new Date(Date.now() + 86400_000).toISOString() },
  });
  await call(server, 'POST', `/api/v1/events/${ev.id}/promo-codes`, { ...as(org), body: { code: 'CREW', kind: 'fixed', amount: 1 } });
  await call(server, 'GET', `/api/v1/events/${ev.id}/promo-codes`, as(org));
  await call(server, 'GET', `/api/v1/events/${ev.id}?promo_code=crew`);
  await call(server, 'GET', `/api/v1/events/${ev.id}?promo_code=nope`);

  // Registrations.
  const reg = await call(server, 'POST', `/api/v1/events/${ev.id}/registrations`, {
    ...as(alice), headers: key(), body: { items: [{ ticket_type_id: free.id, quantity: 1 }] },
  });
  await call(server, 'POST', `/api/v1/events/${ev.id}/registrations`, {
    ...as(alice), headers: key(), body: { items: [{ ticket_type_id: paid.id, quantity: 2 }, { ticket_type_id: crew.id, quantity: 1 }], promo_code: 'crew' },
  });
  await call(server, 'GET', '/api/v1/me/registrations?scope=upcoming', as(alice));
  await call(server, 'GET', '/api/v1/me/registrations?scope=later', as(alice));
  await call(server, 'GET', `/api/v1/registrations/${reg.body.id}`, as(alice));
  await call(server, 'GET', `/api/v1/events/${ev.id}/registrations?limit=200`, as(org));
  await call(server, 'GET', `/api/v1/events/${ev.id}/registrations?cursor=bad`, as(org));
  await call(server, 'GET', `/api/v1/events/${ev.id}/stats`, as(org));
  // Check-in (the registration's ticket is valid, so undo is a conflict).
  await call(server, 'POST', `/api/v1/events/${ev.id}/checkins`, { ...as(org), body: { qr: 'not a ticket', gate: 'North' } });
  await call(server, 'POST', `/api/v1/events/${ev.id}/checkins`, { ...as(org), body: { gate: 'North' } });
  await call(server, 'POST', `/api/v1/events/${ev.id}/checkins/sync`, { ...as(org), body: { scans: [{ qr: 'x', scanned_at: '2026-12-01T18:00:00Z', device: 'A' }] } });
  await call(server, 'POST', `/api/v1/events/${ev.id}/checkins/sync`, { ...as(org), body: { scans: 'none' } });
  await call(server, 'GET', `/api/v1/events/${ev.id}/checkin-bundle`, as(org));
  await call(server, 'GET', `/api/v1/events/${ev.id}/checkin-bundle?since=1`, as(org));
  await call(server, 'GET', `/api/v1/events/${ev.id}/checkin-bundle?since=x`, as(org));
  await call(server, 'GET', `/api/v1/events/${ev.id}/checkins?limit=1`, as(org));
  await call(server, 'GET', `/api/v1/events/${ev.id}/checkins`, as(alice));
  await call(server, 'POST', `/api/v1/events/${ev.id}/checkins/${reg.body.tickets[0].id}/undo`, as(org));
  await call(server, 'POST', `/api/v1/events/${ev.id}/checkins/tkt_unknown/undo`, as(org));
  await call(server, 'POST', `/api/v1/registrations/${reg.body.id}/cancel`, as(alice));
  await call(server, 'POST', `/api/v1/registrations/${reg.body.id}/cancel`, as(alice));

  // The waiting list of a sold-out event, then the event's cancellation.
  const small = (
    await call(server, 'POST', '/api/v1/events', {
      ...as(org), body: eventBody({ capacity: 1, ticket_types: [{ name: 'One', price: 0, capacity: 1 }] }),
    })
  ).body;
  const one = { items: [{ ticket_type_id: small.ticket_types[0].id, quantity: 1 }] };
  await call(server, 'POST', `/api/v1/events/${small.id}/publish`, as(org));
  await call(server, 'POST', `/api/v1/events/${small.id}/registrations`, { ...as(org), headers: key(), body: one });
  await call(server, 'POST', `/api/v1/events/${small.id}/registrations`, { ...as(alice), headers: key(), body: one });
  await call(server, 'POST', `/api/v1/events/${small.id}/waitlist`, { ...as(alice), body: {} });
  await call(server, 'GET', `/api/v1/events/${small.id}/waitlist`, as(alice));
  await call(server, 'DELETE', `/api/v1/events/${small.id}/waitlist`, as(alice));
  await call(server, 'POST', `/api/v1/events/${small.id}/cancel`, as(org));

  // Accounts, tokens, sessions, administration.
  await call(server, 'GET', '/api/v1/me', as(alice));
  await call(server, 'PATCH', '/api/v1/me', { ...as(alice), body: { name: 'Alice Renamed' } });
  await call(server, 'GET', '/api/v1/me/tokens', as(alice));
  const token = await call(server, 'POST', '/api/v1/me/tokens', { ...as(alice), body: { name: 'scanner' } });
  await call(server, 'DELETE', `/api/v1/me/tokens/${token.body.id}`, as(alice));
  await call(server, 'GET', '/api/v1/admin/users?limit=200', as(admin));
  await call(server, 'GET', '/api/v1/admin/users', as(alice));
  await call(server, 'POST', `/api/v1/admin/users/${alice.id}/disable`, as(admin));
  await call(server, 'POST', `/api/v1/admin/users/${alice.id}/enable`, as(admin));
  await call(server, 'POST', '/api/v1/auth/signup', {
    headers: browser, body: { email: 'contract@example.com', password: 'Correct-Horse-42!', name: 'New', role: 'attendee' },
  });
  await call(server, 'POST', '/api/v1/auth/signup', {
    headers: browser, body: { email: 'contract2@example.com', password: 'weak', name: 'New', role: 'attendee' },
  });
  const login = await call(server, 'POST', '/api/v1/auth/login', { headers: browser, body: { email: org.email, password: org.password } });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  await call(server, 'GET', '/api/v1/me/sessions', { headers: { cookie } });
  await call(server, 'POST', '/api/v1/auth/login', { headers: browser, body: { email: org.email, password: 'Wrong-Password-1' } });
  await call(server, 'POST', '/api/v1/auth/password-reset', { headers: browser, body: { email: org.email } });
  await call(server, 'POST', '/api/v1/auth/verify', { headers: browser, body: { token: 'nonsense' } });
});

test('the checker refuses answers the spec does not describe', () => {
  const json = (o) => ({ get: (n) => (n.toLowerCase() === 'content-type' ? o : null) });
  const problem = JSON.stringify({ type: 'about:blank', title: 'x', status: 418, detail: 'x', code: 'x' });
  // A status the operation does not list.
  assert.match(checkAnswer({ method: 'GET', path: '/api/v1/categories', status: 418, headers: json('application/problem+json'), text: problem }).join(),
    /status 418 is not listed/);
  // A content type the status does not list.
  assert.match(checkAnswer({ method: 'GET', path: '/healthz', status: 200, headers: json('application/json'), text: '"ok"' }).join(),
    /content type 'application\/json' is not listed/);
  // A body that does not match the schema (a field the schema does not allow, a wrong type).
  assert.match(checkAnswer({ method: 'GET', path: '/api/v1/me', status: 200, headers: json('application/json'), text: '{"id":1}' }).join(),
    /does not match the schema/);
  // And a described answer passes.
  assert.deepEqual(checkAnswer({ method: 'GET', path: '/healthz', status: 200, headers: json('text/plain; charset=utf-8'), text: 'ok' }), []);
});
