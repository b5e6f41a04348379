// Journey: an attendee registers for a free demo event, opens the ticket page (its QR
// code on screen is the ticket's signed text) and downloads the PDF through the signed
// link, in Chromium.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { journeys, registerForFreeEvent, signedUp } from './harness.mjs';

const j = journeys();

j.journey('register for a free event, open the tickets, download the PDF', {}, async (page) => {
  const name = 'Tia Ticketholder';
  await signedUp(page, j.server, { name, tag: 'e2e-tickets' });
  const { registrationId: regId } = await registerForFreeEvent(page);

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
  assert.equal(readFileSync(await download.path()).subarray(0, 5).toString(), '%PDF-');

  const [ics] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Add to calendar' }).click(),
  ]);
  const calendar = readFileSync(await ics.path(), 'utf8');
  assert.match(calendar, /METHOD:PUBLISH/);
  assert.match(calendar, new RegExp(`UID:${regId}@admit`));
});
