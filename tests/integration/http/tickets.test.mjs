// Tickets over HTTP against the real binary (sqlite and postgres): issuing after a free
// registration (signed codes, PDF, mail), the QR read back from the PDF with pdftoppm and
// zbarimg, names of six scripts in the PDF's text, signed download links (tampering,
// expiry, other users), re-rendering a lost PDF byte for byte, the confirmation mail and
// its .ics parsed by Python's email and icalendar packages, and cancellation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, TestServer, publishedEvent, registerIssued, downloadPdf, qrCodesOf, run, waitFor } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

let server, organizer, alice, bob, work;

// One name per script: Latin, Cyrillic, Greek, CJK, Arabic, Hebrew.
const NAMES = ['Zoë Ångström', 'Анна Каренина', 'Αλέξανδρος Παππάς', '山田 太郎', 'فاطمة الزهراء', 'דוד כהן'];

before(async () => {
  server = await startServer();
  organizer = server.createUser({ roles: ['organizer'], name: 'Olga Organizer' });
  alice = server.createUser({ roles: ['attendee'], name: 'Alice Attendee' });
  bob = server.createUser({ roles: ['attendee'], name: 'Bob Buyer' });
  work = mkdtempSync(join(tmpdir(), 'admit-tickets-'));
});
after(async () => {
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

// The confirmation mails are read by an independent parser: Python's email package
// (Debian's python3 with python3-icalendar from scripts/install-deps, not whatever is
// first on PATH), with the .ics through icalendar.
function parseMail(file) {
  return JSON.parse(run(existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3', [join(here, 'read_mail.py'), file]));
}

function waitForParsedMail(on, subjectPart) {
  return waitFor(() => {
    const files = existsSync(on.outboxDir) ? readdirSync(on.outboxDir).filter((f) => f.endsWith('.eml')) : [];
    const found = files.map((f) => parseMail(join(on.outboxDir, f))).filter((m) => m.subject.includes(subjectPart));
    return found.length ? found : null;
  }, `a mail "${subjectPart}"`, 30_000, 200);
}

test('a free registration is issued: codes verify, the PDF holds every script and its QR codes scan', async () => {
  const ev = await publishedEvent(server, organizer, {
    title: 'Festival of Scripts — 文字の祭典 — مهرجان الخطوط — a long title that has to wrap over more than one line on the ticket',
    timezone: 'Asia/Tokyo',
  });
  const attendees = NAMES.map((name, i) => ({ name, email: `guest${i}@example.com` }));
  const reg = await registerIssued(server, alice, ev, attendees);
  assert.equal(reg.status, 'confirmed');
  assert.ok(reg.tickets_emailed_at, 'the mail was queued');
  assert.equal(reg.tickets.length, NAMES.length);
  for (const t of reg.tickets) {
    assert.match(t.qr, /^AT[0-9A-Z $%*+\-./:]{129}$/);
    assert.equal(t.pdf_url, `/api/v1/tickets/${t.id}/pdf`);
    const verified = server.cli(['tickets', 'verify', t.qr]);
    assert.equal(verified.status, 0, verified.stdout + verified.stderr);
    const claim = JSON.parse(verified.stdout);
    assert.equal(claim.ticket_id, t.id);
    assert.equal(claim.event_id, ev.id);
  }

  const dl = await downloadPdf(server, alice, reg.tickets[0]);
  assert.equal(dl.status, 200);
  assert.equal(dl.type, 'application/pdf');
  assert.match(dl.disposition, new RegExp(`attachment; filename="tickets-${reg.id}.pdf"`));
  assert.equal(dl.pdf.subarray(0, 5).toString(), '%PDF-');
  // Every page's QR code reads back as that ticket's `qr`, and that text verifies.
  const scanned = qrCodesOf(dl.pdf, work);
  assert.deepEqual(scanned, reg.tickets.map((t) => t.qr));
  // The text layer holds each script's name, the type, the time in the event's zone.
  const pdfFile = join(work, 'all.pdf');
  writeFileSync(pdfFile, dl.pdf);
  const text = run('pdftotext', ['-enc', 'UTF-8', pdfFile, '-']);
  const squash = (s) => s.normalize('NFC').replace(/\s+/g, '');
  for (const name of NAMES) assert.ok(squash(text).includes(squash(name)), `PDF text lacks ${name}:\n${text}`);
  assert.match(text, /General/);
  assert.match(text, /Asia\/Tokyo/);
  assert.match(text, /JST/);
  assert.match(text, /Olga Organizer/);

  // The organizer may download the same PDF; another attendee may not even see the ticket.
  const byOrganizer = await downloadPdf(server, organizer, reg.tickets[1]);
  assert.equal(byOrganizer.status, 200);
  assert.equal(sha256(byOrganizer.pdf), sha256(dl.pdf));
  const byBob = await server.get(reg.tickets[0].pdf_url, { token: bob.token });
  assert.equal(byBob.status, 404);
  const anonymous = await server.get(reg.tickets[0].pdf_url);
  assert.equal(anonymous.status, 401);

  // The confirmation mail: text and HTML, the same PDF attached, an .ics that parses.
  const [mail] = await waitForParsedMail(server, `Your tickets for ${ev.title}`);
  assert.equal(mail.to, alice.email);
  assert.match(mail.text, /Your 6 tickets/);
  assert.ok(mail.html.includes('<ul>'));
  const pdfPart = mail.attachments.find((a) => a.content_type === 'application/pdf');
  assert.equal(pdfPart.filename, `tickets-${reg.id}.pdf`);
  assert.equal(pdfPart.sha256, sha256(dl.pdf));
  assert.equal(mail.calendars.length, 1);
  const cal = mail.calendars[0];
  assert.equal(cal.method, 'PUBLISH');
  assert.equal(cal.uid, `${reg.id}@admit`);
  assert.equal(cal.summary, ev.title);
  assert.equal(cal.location, ev.venue);
  assert.equal(new Date(cal.dtstart).toISOString(), new Date(ev.starts_at).toISOString());
  assert.equal(new Date(cal.dtend).toISOString(), new Date(ev.ends_at).toISOString());
});

test('signed links: a changed, another user\'s or an unauthenticated link answers 403', async () => {
  const ev = await publishedEvent(server, organizer);
  const reg = await registerIssued(server, alice, ev);
  const first = await server.get(reg.tickets[0].pdf_url, { token: alice.token });
  assert.equal(first.status, 303);
  assert.equal(first.headers.get('cache-control'), 'no-store');
  const link = new URL(first.headers.get('location'));
  assert.equal(link.pathname, `/api/v1/files/tickets/${reg.id}.pdf`);
  const exp = Number(link.searchParams.get('expires'));
  const ttl = exp - Date.now() / 1000;
  assert.ok(ttl > 590 && ttl <= 601, `link lives 10 minutes (${ttl} s)`);
  const get = (u, who) => fetch(u, { headers: who ? { authorization: `Bearer ${who.token}` } : {} });
  assert.equal((await get(link, alice)).status, 200);

  const variants = [];
  const sig = link.searchParams.get('signature');
  const flip = (s, i) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
  const a = new URL(link); a.searchParams.set('signature', flip(sig, 5)); variants.push(a);
  const b = new URL(link); b.searchParams.set('expires', String(exp + 3600)); variants.push(b);
  const c = new URL(link); c.searchParams.delete('signature'); variants.push(c);
  const other = await registerIssued(server, bob, ev);
  const d = new URL(link); d.pathname = `/api/v1/files/tickets/${other.id}.pdf`; variants.push(d);
  const bodies = new Set();
  for (const v of variants) {
    const res = await get(v, alice);
    assert.equal(res.status, 403, v.toString());
    bodies.add((await res.json()).detail);
  }
  const theirs = await get(link, bob);
  assert.equal(theirs.status, 403);
  bodies.add((await theirs.json()).detail);
  const nobody = await get(link);
  assert.equal(nobody.status, 403);
  bodies.add((await nobody.json()).detail);
  assert.equal(bodies.size, 1, 'every refusal reads the same');
});

test('a link expires', async () => {
  const short = await startServer({ env: { ADMIT_DOWNLOAD_LINK_SECONDS: '10' } });
  try {
    const org = short.createUser({ roles: ['organizer'] });
    const who = short.createUser({ roles: ['attendee'] });
    const ev = await publishedEvent(short, org);
    const reg = await registerIssued(short, who, ev);
    const first = await short.get(reg.tickets[0].pdf_url, { token: who.token });
    assert.equal(first.status, 303);
    const link = first.headers.get('location');
    const auth = { headers: { authorization: `Bearer ${who.token}` } };
    assert.equal((await fetch(link, auth)).status, 200);
    const exp = Number(new URL(link).searchParams.get('expires'));
    await new Promise((ok) => setTimeout(ok, Math.max(0, exp * 1000 - Date.now()) + 1100));
    assert.equal((await fetch(link, auth)).status, 403);
  } finally {
    await short.stop();
  }
});

test('a lost PDF is rendered again, byte for byte', async () => {
  const ev = await publishedEvent(server, organizer, { title: 'Deterministic night', currency: 'JPY',
    ticket_types: [{ name: 'Free seat', price: 0, capacity: 10 }] });
  const reg = await registerIssued(server, alice, ev, [{ name: 'Ada 😀 Lovelace 🎟️', email: 'ada@example.com' }]);
  const original = await downloadPdf(server, alice, reg.tickets[0]);
  assert.equal(original.status, 200);
  const blob = join(server.dataDir, 'blobs', 'tickets', `${reg.id}.pdf`);
  assert.equal(sha256(readFileSync(blob)), sha256(original.pdf));
  rmSync(blob);
  const again = await downloadPdf(server, alice, reg.tickets[0]);
  assert.equal(again.status, 200);
  assert.equal(sha256(again.pdf), sha256(original.pdf));
  assert.ok(existsSync(blob), 'stored again');
  // Another server process on the same database and data folder renders the same bytes.
  rmSync(blob);
  const other = new TestServer({ database: server.database, dataDir: server.dataDir });
  await other.start();
  try {
    const third = await downloadPdf(other, alice, reg.tickets[0]);
    assert.equal(third.status, 200);
    assert.equal(sha256(third.pdf), sha256(original.pdf));
  } finally {
    await other.stop();
  }
});

test('after the event changes, the PDF shows the new title and time', async () => {
  const ev = await publishedEvent(server, organizer, { title: 'Old title for the night' });
  const reg = await registerIssued(server, alice, ev);
  const before = await downloadPdf(server, alice, reg.tickets[0]);
  assert.equal(before.status, 200);
  const patched = await server.patch(`/api/v1/events/${ev.id}`, { title: 'New title for the night', timezone: 'America/New_York' },
    { token: organizer.token });
  assert.equal(patched.status, 200, patched.text);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const after = await downloadPdf(server, alice, reg.tickets[0]);
    assert.equal(after.status, 200);
    const file = join(work, `changed-${reg.id}.pdf`);
    writeFileSync(file, after.pdf);
    const text = run('pdftotext', ['-enc', 'UTF-8', file, '-']);
    if (text.includes('New title for the night')) {
      assert.match(text, /America\/New_York/);
      assert.ok(!text.includes('Old title'));
      break;
    }
    if (Date.now() > deadline) throw new Error(`the PDF still shows the old event:\n${text}`);
    await new Promise((ok) => setTimeout(ok, 200));
  }
});

test('cancelling revokes the tickets: no code, no PDF, and a notice', async () => {
  const ev = await publishedEvent(server, organizer, { title: 'Cancelled plans' });
  const reg = await registerIssued(server, alice, ev);
  const ticket = reg.tickets[0];
  const cancel = await server.post(`/api/v1/registrations/${reg.id}/cancel`, undefined, { token: alice.token });
  assert.equal(cancel.status, 200, cancel.text);
  assert.equal(cancel.body.tickets[0].status, 'cancelled');
  assert.equal(cancel.body.tickets[0].qr, null);
  assert.equal(cancel.body.tickets[0].pdf_url, null);
  const pdf = await server.get(`/api/v1/tickets/${ticket.id}/pdf`, { token: alice.token });
  assert.equal(pdf.status, 409);
  await waitForParsedMail(server, 'Your registration for Cancelled plans is cancelled');
});

test('a pending (unpaid) registration has no valid tickets', async () => {
  const ev = await publishedEvent(server, organizer, {
    ticket_types: [{ name: 'Paid', price: 1250, capacity: 10 }], currency: 'KWD' });
  const res = await server.post(`/api/v1/events/${ev.id}/registrations`,
    { items: [{ ticket_type_id: ev.ticket_types[0].id, quantity: 1 }] },
    { token: alice.token, headers: { 'idempotency-key': randomUUID() } });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.body.status, 'pending_payment');
  await new Promise((ok) => setTimeout(ok, 800));  // several issuer passes
  const r = await server.get(`/api/v1/registrations/${res.body.id}`, { token: alice.token });
  assert.equal(r.body.tickets_issued_at, null);
  assert.equal(r.body.tickets_emailed_at, null);
  assert.equal(r.body.tickets[0].qr, null);
  assert.equal(r.body.tickets[0].pdf_url, null);
  const pdf = await server.get(`/api/v1/tickets/${r.body.tickets[0].id}/pdf`, { token: alice.token });
  assert.equal(pdf.status, 409);
});
