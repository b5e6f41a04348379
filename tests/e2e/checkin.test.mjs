// Journey: check-in at the door with a real camera path. The ticket's QR code, as the
// ticket page renders it, becomes a video (Debian's ffmpeg) that Chromium's fake capture
// device plays; the scanner page (phone width, a door token picked up from the link)
// decodes it: green "Welcome in", then red "Already checked in"; the organizer lets door
// staff undo, so the phone offers "Undo check-in": undone, the code still in front of the
// camera is admitted again (green). Then a second door phone,
// its camera paused, loads the ticket list, goes offline (context.setOffline), scans a
// second ticket from its own video, shows it waiting, comes back online and syncs.
// Screenshots of the green and red answers go to /work/shots (or ADMIT_E2E_SHOTS).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium } from 'playwright-core';
import { chromiumArgs, skipReason, startServer, withScreenshot } from './harness.mjs';

const skip = skipReason() ?? (spawnSync('ffmpeg', ['-version']).status === 0 ? null : 'ffmpeg is not installed (scripts/install-deps)');
const shots = process.env.ADMIT_E2E_SHOTS || '/work/shots';
let server;
let work;

before(async () => {
  if (skip) return;
  server = await startServer();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'admit-checkin-e2e-'));
});

after(async () => {
  await server?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

function cli(args, input) {
  const r = spawnSync(process.env.ADMIT_BIN, args, { env: server.env, input, encoding: 'utf8' });
  assert.equal(r.status, 0, `admit ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

function user(role, name) {
  const email = `${role}-${randomUUID().slice(0, 8)}@example.com`;
  cli(['user', 'add', '--email', email, '--name', name, '--role', role], 'Blue-Harbour-42!\n');
  return cli(['token', 'create', '--email', email]);
}

async function call(method, url, token, body, headers = {}) {
  const res = await fetch(`${server.baseUrl}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => null);
  assert.ok(res.ok, `${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

// A video of the rendered ticket: its PDF page at 120 dpi (poppler's pdftoppm; zbarimg
// checks it carries the code), held for two seconds (ffmpeg; Chromium loops it). The PDF comes through the ticket's signed download link.
async function ticketVideo(token, ticket, file) {
  const first = await fetch(`${server.baseUrl}/api/v1/tickets/${ticket.id}/pdf`, { headers: { authorization: `Bearer ${token}` }, redirect: 'manual' });
  assert.equal(first.status, 303);
  const pdfRes = await fetch(new URL(first.headers.get('location'), server.baseUrl), { headers: { authorization: `Bearer ${token}` } });
  assert.equal(pdfRes.status, 200);
  const base = file.replace(/\.y4m$/, '');
  fs.writeFileSync(`${base}.pdf`, Buffer.from(await pdfRes.arrayBuffer()));
  const pp = spawnSync('pdftoppm', ['-r', '120', '-png', `${base}.pdf`, base]);
  assert.equal(pp.status, 0, String(pp.stderr));
  // One page per ticket of the registration: the page that carries this ticket's code.
  const pages = fs.readdirSync(path.dirname(base)).filter((f) => f.startsWith(path.basename(base) + '-') && f.endsWith('.png'));
  const page = pages.map((f) => path.join(path.dirname(base), f)).find((f) =>
    spawnSync('zbarimg', ['--raw', '-q', '-Sdisable', '-Sqrcode.enable', f], { encoding: 'utf8' }).stdout.trim() === ticket.qr);
  assert.ok(page, `a page of the PDF carries the code of ${ticket.id}`);
  // The whole page, as a phone camera held over the printed ticket would see it.
  const r = spawnSync('ffmpeg', ['-y', '-loglevel', 'error', '-loop', '1', '-i', page, '-vf',
    'scale=trunc(iw/2)*2:trunc(ih/2)*2,format=yuv420p', '-r', '5', '-t', '2', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, `ffmpeg: ${r.stderr}`);
  return file;
}

async function scannerBrowser(video) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [...chromiumArgs, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`],
  });
}

async function phone(browser) {
  const context = await browser.newContext({ baseURL: server.baseUrl, viewport: { width: 390, height: 844 },
    isMobile: true, hasTouch: true, locale: 'en-GB', permissions: ['camera'] });
  context.setDefaultTimeout(20_000);
  return { context, page: await context.newPage() };
}

test('scan at the door: green, then red, then offline and synced', { skip: skip ?? false, timeout: 240_000 }, async () => {
  const org = user('organizer', 'Olga Organizer');
  const buyer = user('attendee', 'Bea Buyer');
  const start = new Date(Date.now() + 86400_000);
  const created = await call('POST', '/api/v1/events', org, {
    title: 'Door night', description: 'Scanner journey', category: 'music', venue: 'Hall 1',
    starts_at: start.toISOString(), ends_at: new Date(start.getTime() + 3 * 3600_000).toISOString(),
    timezone: 'Europe/Berlin', currency: 'EUR', capacity: 10,
    ticket_types: [{ name: 'Standing', price: 0, capacity: 10 }],
  });
  const ev = await call('POST', `/api/v1/events/${created.id}/publish`, org);
  let reg = await call('POST', `/api/v1/events/${ev.id}/registrations`, buyer, {
    items: [{ ticket_type_id: ev.ticket_types[0].id, quantity: 2 }],
    attendees: [{ name: 'Greta Green', email: 'greta@example.com' }, { name: 'Otto Offline', email: 'otto@example.com' }],
  }, { 'idempotency-key': randomUUID() });
  for (let i = 0; !reg.tickets_issued_at; ++i) {
    assert.ok(i < 300, 'tickets issued in time');
    await new Promise((r) => setTimeout(r, 100));
    reg = await call('GET', `/api/v1/registrations/${reg.id}`, buyer);
  }
  const door = (await call('POST', '/api/v1/me/tokens', org, { name: 'North door', event_id: ev.id, expires_at: ev.ends_at })).token;
  await call('PATCH', `/api/v1/events/${ev.id}`, org, { door_staff_can_undo: true });

  const video1 = await ticketVideo(buyer, reg.tickets[0], path.join(work, 'ticket1.y4m'));
  const video2 = await ticketVideo(buyer, reg.tickets[1], path.join(work, 'ticket2.y4m'));
  fs.mkdirSync(shots, { recursive: true });

  // Door phone 1: the camera sees ticket 1.
  const b1 = await scannerBrowser(video1);
  try {
    const { page } = await phone(b1);
    await withScreenshot(page, 'checkin-camera', async () => {
      await page.goto(`/scan/${ev.id}#token=${encodeURIComponent(door)}`);
      await page.getByLabel('Gate').fill('North');
      const answer = page.getByTestId('scan-answer');
      await answer.and(page.locator('[data-result="ok"]')).waitFor();
      await page.getByText('Welcome in').waitFor();
      await answer.getByText('Greta Green').waitFor();
      await page.screenshot({ path: path.join(shots, 'scanner-green.png') });
      // The same code again, still in front of the camera: red.
      await answer.and(page.locator('[data-result="already_checked_in"]')).waitFor();
      await page.getByText('Already checked in').waitFor();
      await page.screenshot({ path: path.join(shots, 'scanner-red.png') });
      assert.ok(!page.url().includes('token='), 'the token left the address bar');
      assert.equal(await page.getByTestId('checked-in').textContent(), '1');
      // Undo at the door (allowed for this event): the last admission, then the camera,
      // still seeing the code, admits it again.
      // The camera is paused meanwhile, so the red answer does not come back over it.
      await page.getByRole('button', { name: 'Pause camera' }).click();
      await page.getByText('Camera paused.').waitFor();
      await answer.waitFor({ state: 'hidden' });
      const last = page.getByTestId('scanner-last');
      await last.getByText('Greta Green').waitFor();
      await page.screenshot({ path: path.join(shots, 'scanner-undo.png') });
      await last.getByRole('button', { name: 'Undo check-in' }).click();
      await page.getByText('Check-in of Greta Green undone').waitFor();
      assert.equal(await page.getByTestId('checked-in').textContent(), '0');
      await page.getByRole('button', { name: 'Start camera' }).click();
      await answer.and(page.locator('[data-result="ok"]')).waitFor();
      await page.getByTestId('checked-in').and(page.locator(':text-is("1")')).waitFor();
    });
  } finally {
    await b1.close();
  }
  const after1 = await call('GET', `/api/v1/registrations/${reg.id}`, buyer);
  assert.equal(after1.tickets[0].status, 'checked_in');
  assert.equal(after1.tickets[1].status, 'valid');

  // Door phone 2: camera paused while it loads the ticket list online, then offline.
  const b2 = await scannerBrowser(video2);
  try {
    const { context, page } = await phone(b2);
    await context.addInitScript(() => {
      if (!sessionStorage.getItem('started')) {
        sessionStorage.setItem('started', '1');
        localStorage.setItem('admit-camera', 'off');
      }
    });
    await withScreenshot(page, 'checkin-offline', async () => {
      await page.goto(`/scan/${ev.id}#token=${encodeURIComponent(door)}`);
      await page.getByText('Camera paused.').waitFor();
      await page.getByTestId('checked-in').and(page.locator(':text("1")')).waitFor();
      await context.setOffline(true);
      await page.getByTestId('scanner-status').and(page.locator(':text("Offline")')).waitFor();
      await page.getByRole('button', { name: 'Start camera' }).click();
      const answer = page.getByTestId('scan-answer');
      await answer.and(page.locator('[data-result="ok"]')).waitFor();
      await page.getByText('Otto Offline').waitFor();
      await page.getByText('Offline: synced when the network is back').waitFor();
      await page.getByText('1 scan waiting to sync').waitFor();
      await page.getByTestId('scan-answer').waitFor({ state: 'hidden' }).catch(() => undefined);
      await page.screenshot({ path: path.join(shots, 'scanner-offline-waiting.png') });
      await context.setOffline(false);
      await page.getByText(/Synced 1 offline scan/).waitFor();
      await page.getByTestId('scanner-status').and(page.locator(':text-is("Online")')).waitFor();
    });
  } finally {
    await b2.close();
  }
  const after2 = await call('GET', `/api/v1/registrations/${reg.id}`, buyer);
  assert.equal(after2.tickets[1].status, 'checked_in');
  const log = await call('GET', `/api/v1/events/${ev.id}/checkins`, org);
  assert.equal(log.items.filter((i) => i.result === 'undone').length, 1, 'the undo is in the scan list');
  const offline = log.items.filter((i) => i.offline);
  assert.equal(offline.length, 1);
  assert.equal(offline[0].result, 'ok');
  assert.equal(offline[0].attendee_name, 'Otto Offline');
  const stats = await call('GET', `/api/v1/events/${ev.id}/stats`, org);
  assert.equal(stats.checked_in, 2);
});
