// Helpers shared by the ticket tests (tickets.test.mjs, s3.test.mjs): an issued
// registration, following a download link, reading QR codes back from a PDF.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventBody } from './harness.mjs';

export async function publishedEvent(on, who, overrides = {}) {
  const created = await on.post('/api/v1/events', eventBody(overrides), { token: who.token });
  assert.equal(created.status, 201, created.text);
  const pub = await on.post(`/api/v1/events/${created.body.id}/publish`, undefined, { token: who.token });
  assert.equal(pub.status, 200, pub.text);
  return pub.body;
}

// Registers and waits until the issuer has given the tickets their codes and PDF.
export async function registerIssued(on, who, ev, attendees, quantity = attendees?.length ?? 1) {
  const body = { items: [{ ticket_type_id: ev.ticket_types[0].id, quantity }] };
  if (attendees) body.attendees = attendees;
  const res = await on.post(`/api/v1/events/${ev.id}/registrations`, body,
    { token: who.token, headers: { 'idempotency-key': randomUUID() } });
  assert.equal(res.status, 201, res.text);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const r = await on.get(`/api/v1/registrations/${res.body.id}`, { token: who.token });
    assert.equal(r.status, 200, r.text);
    if (r.body.tickets_issued_at) return r.body;
    if (Date.now() > deadline) throw new Error(`tickets not issued in time:\n${on.logs.join('')}`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

// Follows GET /api/v1/tickets/{id}/pdf: answers {status, location, pdf}.
export async function downloadPdf(on, who, ticket) {
  const first = await on.get(ticket.pdf_url, { token: who.token });
  if (first.status !== 303) return { status: first.status, body: first.body };
  const location = first.headers.get('location');
  const url = new URL(location, on.url);
  const res = await fetch(url, { headers: { authorization: `Bearer ${who.token}` } });
  return { status: res.status, location, type: res.headers.get('content-type'),
    disposition: res.headers.get('content-disposition'), pdf: Buffer.from(await res.arrayBuffer()) };
}

export function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

// The QR texts of every page: pdftoppm at 150 dpi, then zbarimg.
export function qrCodesOf(pdf, dir) {
  const file = join(dir, `t-${randomUUID()}.pdf`);
  writeFileSync(file, pdf);
  const prefix = file.replace(/\.pdf$/, '');
  run('pdftoppm', ['-r', '150', '-png', file, prefix]);
  const pngs = readdirSync(dir).filter((f) => f.startsWith(prefix.split('/').pop()) && f.endsWith('.png')).sort();
  return pngs.map((png) => run('zbarimg', ['--raw', '-q', '-Sdisable', '-Sqrcode.enable', join(dir, png)]).trim());
}

