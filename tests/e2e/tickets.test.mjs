// Journey: an attendee registers for a free demo event, opens the ticket page (its QR
// code on screen is the ticket's signed text) and downloads the PDF through the signed
// link, in Chromium.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  launchBrowser,
  newPage,
  signIn,
  signUpAndVerify,
  skipReason,
  startServer,
  uniqueEmail,
  withScreenshot,
} from './harness.mjs';

const skip = skipReason();
let server;
let browser;

before(async () => {
  if (skip) return;
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const onSale = (t, now) => t.price === 0 && t.remaining > 0 &&
  (!t.sales_start || Date.parse(t.sales_start) <= now) && (!t.sales_end || Date.parse(t.sales_end) > now);

test('register for a free event, open the tickets, download the PDF', { skip: skip ?? false, timeout: 180_000 }, async () => {
  const page = await newPage(browser, server.baseUrl);
  const email = uniqueEmail('e2e-tickets');
  const name = 'Tia Ticketholder';
  await withScreenshot(page, 'tickets', async () => {
    await signUpAndVerify(page, server, { name, email });
    await signIn(page, { email });
    await page.getByTestId('current-user').waitFor();

    const { items } = await (await page.request.get('/api/v1/events?limit=100')).json();
    const now = Date.now();
    const event = items.find((e) => e.remaining > 0 && e.ticket_types.some((t) => onSale(t, now)));
    assert.ok(event, 'the demo data should have a free event with tickets on sale');
    const type = event.ticket_types.find((t) => onSale(t, now));
    await page.goto(`/events/${event.id}`);
    await page.getByLabel(`Quantity of ${type.name}`).selectOption('1');
    await page.getByRole('button', { name: 'Register' }).click();
    await page.waitForURL(/\/registrations\/[^/]+$/);
    const regId = page.url().split('/').pop();

    // The page says "emailed" once the mail is queued, and links to the tickets.
    await page.getByText(/emailed your tickets/).waitFor({ timeout: 30_000 });
    // The ticket page is for the phone at the door: narrow screen from here on.
    await page.setViewportSize({ width: 400, height: 860 });
    await page.getByRole('link', { name: 'Show tickets' }).click();
    await page.waitForURL(new RegExp(`/registrations/${regId}/tickets$`));
    await page.getByRole('heading', { name: 'Your tickets' }).waitFor();
    await page.locator('.ticket-name', { hasText: name }).waitFor();
    const qr = page.getByRole('img', { name: `QR code of the ticket for ${name}` });
    await qr.waitFor();
    const box = await qr.boundingBox();
    assert.ok(box.width >= 300, `QR code big on a phone (${box.width}px)`);
    const reg = await (await page.request.get(`/api/v1/registrations/${regId}`)).json();
    assert.match(reg.tickets[0].qr, /^AT/);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download PDF' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), `tickets-${regId}.pdf`);
    const file = await download.path();
    const { readFileSync } = await import('node:fs');
    assert.equal(readFileSync(file).subarray(0, 5).toString(), '%PDF-');

    const [ics] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Add to calendar' }).click(),
    ]);
    const calendar = readFileSync(await ics.path(), 'utf8');
    assert.match(calendar, /METHOD:PUBLISH/);
    assert.match(calendar, new RegExp(`UID:${regId}@admit`));
    assert.deepEqual(page.consoleErrors, []);
  });
});
