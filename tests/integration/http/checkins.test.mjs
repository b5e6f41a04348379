// Check-in over HTTP, on the backend of this run (ctest runs both): a door token scans the
// code read back from the ticket's PDF (50 at once: one `ok`), a forged code, another
// event's ticket, a cancelled one; the bundle and its `since`; an offline sync repeated;
// validation answers naming the field; the organizer's figures count the check-in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, publishedEvent, registerIssued, downloadPdf, qrCodesOf } from './harness.mjs';

let server, org, buyer, ev, other, door, dir;

before(async () => {
  server = await startServer();
  dir = mkdtempSync(join(tmpdir(), 'admit-checkin-'));
  org = server.createUser({ roles: ['organizer'], name: 'Door Organizer' });
  buyer = server.createUser({ name: 'Ada Buyer' });
  ev = await publishedEvent(server, org, { title: 'Checked concert' });
  other = await publishedEvent(server, org, { title: 'Other concert' });
  const made = await server.post('/api/v1/me/tokens', { name: 'North door', event_id: ev.id }, { token: org.token });
  assert.equal(made.status, 201, made.text);
  door = made.body.token;
});
after(async () => { await server?.stop(); rmSync(dir, { recursive: true, force: true }); });

// RFC 9285 base45, to take a code apart and put a forged one together.
const B45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
function base45Decode(text) {
  const out = [];
  for (let i = 0; i < text.length; i += 3) {
    const n = B45.indexOf(text[i]) + B45.indexOf(text[i + 1]) * 45 + (i + 2 < text.length ? B45.indexOf(text[i + 2]) * 2025 : 0);
    if (i + 2 < text.length) out.push(n >> 8, n & 0xff); else out.push(n);
  }
  return Buffer.from(out);
}
function base45Encode(bytes) {
  let out = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    let n = bytes[i] * 256 + bytes[i + 1];
    for (let k = 0; k < 3; ++k, n = Math.floor(n / 45)) out += B45[n % 45];
  }
  if (bytes.length % 2) out += B45[bytes[bytes.length - 1] % 45] + B45[Math.floor(bytes[bytes.length - 1] / 45)];
  return out;
}
// The genuine code's ticket, event and key id, signed with a key the server never trusted:
// a well-formed code only the signature check can refuse.
function forge(qr) {
  const bytes = base45Decode(qr.slice(2));
  assert.equal('AT' + base45Encode(bytes), qr, 'the code round-trips');
  const { privateKey } = generateKeyPairSync('ed25519');
  const signed = bytes.subarray(0, 22);
  const signature = sign(null, Buffer.concat([Buffer.from('admit-ticket\0'), signed]), privateKey);
  return 'AT' + base45Encode(Buffer.concat([signed, signature]));
}

const scan = (eventId, body, token = door) => server.post(`/api/v1/events/${eventId}/checkins`, body, { token });

test('50 concurrent scans of the printed code: exactly one ok, 49 already checked in', async () => {
  const reg = await registerIssued(server, buyer, ev, [{ name: 'Grace Door', email: 'grace@example.com' }]);
  const pdf = await downloadPdf(server, buyer, reg.tickets[0]);
  assert.equal(pdf.status, 200);
  const [qr] = qrCodesOf(pdf.pdf, dir);
  assert.equal(qr, reg.tickets[0].qr, 'the PDF carries the ticket code');
  const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => scan(ev.id, { qr, gate: `Gate ${i % 2}`, device: `phone-${i}` })));
  for (const a of answers) assert.equal(a.status, 200, a.text);
  const results = answers.map((a) => a.body.result);
  assert.equal(results.filter((r) => r === 'ok').length, 1);
  assert.equal(results.filter((r) => r === 'already_checked_in').length, 49);
  const winner = answers.find((a) => a.body.result === 'ok').body;
  for (const a of answers) {
    assert.equal(a.body.ticket.attendee_name, 'Grace Door');
    assert.equal(a.body.ticket.ticket_type, ev.ticket_types[0].name);
    assert.equal(a.body.checked_in_at, winner.checked_in_at);
    assert.equal(a.body.gate, winner.gate);
  }
  const stats = await server.get(`/api/v1/events/${ev.id}/stats`, { token: org.token });
  assert.equal(stats.status, 200);
  assert.equal(stats.body.checked_in, 1);
  assert.equal(stats.body.checkins_by_hour.reduce((n, h) => n + h.count, 0), 1);
  const log = await server.get(`/api/v1/events/${ev.id}/checkins?limit=100`, { token: org.token });
  assert.equal(log.status, 200);
  assert.equal(log.body.items.length, 50);
  // The door token cannot read the list, nor undo; the organizer can undo.
  assert.equal((await server.get(`/api/v1/events/${ev.id}/checkins`, { token: door })).status, 403);
  const undo = await server.post(`/api/v1/events/${ev.id}/checkins/${reg.tickets[0].id}/undo`, { gate: 'North' }, { token: org.token });
  assert.equal(undo.status, 200, undo.text);
  assert.equal(undo.body.result, 'undone');
  assert.equal((await scan(ev.id, { qr })).body.result, 'ok');
});

test('forged, altered, other-event and cancelled codes are each answered for what they are', async () => {
  const reg = await registerIssued(server, buyer, ev);
  const qr = reg.tickets[0].qr;
  const altered = qr.slice(0, 50) + (qr[50] === 'A' ? 'B' : 'A') + qr.slice(51);
  const r1 = await scan(ev.id, { qr: altered });
  assert.equal(r1.body.result, 'invalid');
  assert.equal(r1.body.ticket, null);
  assert.equal((await scan(ev.id, { qr: 'AT' + '0'.repeat(129) })).body.result, 'invalid');
  const forged = forge(qr);
  assert.equal(forged.length, qr.length);
  assert.notEqual(forged, qr);
  const r3 = await scan(ev.id, { qr: forged });
  assert.equal(r3.body.result, 'invalid', r3.text);
  assert.equal(r3.body.ticket, null, 'a forged code learns nothing about the ticket');
  // The genuine code still admits, once: the forgeries admitted nothing.
  assert.equal((await scan(ev.id, { qr })).body.result, 'ok');
  const elsewhere = await registerIssued(server, buyer, other);
  assert.equal((await scan(ev.id, { qr: elsewhere.tickets[0].qr })).body.result, 'wrong_event');
  // The door token of `ev` cannot scan at `other` at all.
  assert.equal((await scan(other.id, { qr: elsewhere.tickets[0].qr })).status, 403);
  const cancelled = await registerIssued(server, buyer, ev);
  const c = await server.post(`/api/v1/registrations/${cancelled.id}/cancel`, undefined, { token: buyer.token });
  assert.equal(c.status, 200, c.text);
  const r2 = await scan(ev.id, { qr: cancelled.tickets[0].qr });
  assert.equal(r2.body.result, 'cancelled');
  assert.equal(r2.body.ticket.status, 'cancelled');
});

test('bad input names the field', async () => {
  const missing = await scan(ev.id, { gate: 'x' });
  assert.equal(missing.status, 422);
  assert.ok(missing.body.errors.some((e) => e.field === 'qr'), missing.text);
  const unknown = await scan(ev.id, { qr: 'x', colour: 'red' });
  assert.equal(unknown.status, 422);
  assert.ok(unknown.body.errors.some((e) => e.field === 'colour'), unknown.text);
  const badTime = await server.post(`/api/v1/events/${ev.id}/checkins/sync`, { scans: [{ qr: 'x', scanned_at: 'yesterday' }] }, { token: door });
  assert.equal(badTime.status, 422);
  assert.ok(badTime.body.errors.some((e) => e.field === 'scans[0].scanned_at'), badTime.text);
  const badSince = await server.get(`/api/v1/events/${ev.id}/checkin-bundle?since=soon`, { token: door });
  assert.equal(badSince.status, 422);
  assert.ok(badSince.body.errors.some((e) => e.field === 'since'), badSince.text);
  const notJson = await server.request('POST', `/api/v1/events/${ev.id}/checkins`, { token: door, raw: 'qr=x', headers: { 'content-type': 'text/plain' } });
  assert.equal(notJson.status, 415);
});

test('bundle, offline scans from two devices synced in either order, a repeated sync changes nothing', async () => {
  const reg = await registerIssued(server, buyer, ev, [{ name: 'One', email: 'one@example.com' }, { name: 'Two', email: 'two@example.com' }]);
  const full = await server.get(`/api/v1/events/${ev.id}/checkin-bundle`, { token: door });
  assert.equal(full.status, 200);
  assert.equal(full.body.partial, false);
  assert.ok(full.body.keys.length >= 1 && /^[0-9a-f]{64}$/.test(full.body.keys[0].public_key));
  const mine = full.body.tickets.filter((t) => reg.tickets.some((x) => x.id === t.id));
  assert.deepEqual(mine.map((t) => t.status), ['valid', 'valid']);
  const [t1, t2] = reg.tickets.map((t) => t.qr);
  const at = (s) => new Date(Date.parse('2026-12-01T18:00:00Z') + s * 1000).toISOString();
  const a = { scans: [{ qr: t1, scanned_at: at(10), device: 'A', gate: 'North' }, { qr: t2, scanned_at: at(30), device: 'A', gate: 'North' }] };
  const b = { scans: [{ qr: t1, scanned_at: at(20), device: 'B', gate: 'South' }, { qr: t2, scanned_at: at(5), device: 'B', gate: 'South' }] };
  const sync = async (body) => {
    const r = await server.post(`/api/v1/events/${ev.id}/checkins/sync`, body, { token: door });
    assert.equal(r.status, 200, r.text);
    return r.body.results.map((x) => x.result);
  };
  assert.deepEqual(await sync(b), ['ok', 'ok']);
  assert.deepEqual(await sync(a), ['ok', 'already_checked_in']);  // A's t1 is earlier: it wins
  const before = (await server.get(`/api/v1/events/${ev.id}/checkins?limit=500`, { token: org.token })).body.items.length;
  assert.deepEqual(await sync(a), ['ok', 'already_checked_in']);
  const again = await server.post(`/api/v1/events/${ev.id}/checkins/sync`, b, { token: door });
  assert.deepEqual(again.body.results.map((x) => x.result), ['already_checked_in', 'ok']);
  assert.equal(again.body.results[0].checked_in_at, at(10).replace('.000Z', 'Z'));
  assert.equal(again.body.results[0].gate, 'North');
  const after = (await server.get(`/api/v1/events/${ev.id}/checkins?limit=500`, { token: org.token })).body.items.length;
  assert.equal(after, before, 'a repeated sync writes nothing');

  const changes = await server.get(`/api/v1/events/${ev.id}/checkin-bundle?since=${full.body.version}`, { token: door });
  assert.equal(changes.status, 200);
  assert.equal(changes.body.partial, true);
  const changed = Object.fromEntries(changes.body.tickets.map((t) => [t.id, t.status]));
  assert.equal(changed[reg.tickets[0].id], 'checked_in');
  assert.equal(changed[reg.tickets[1].id], 'checked_in');
});
