// Journey: an organizer adds a promo code that reveals a hidden ticket type; a visitor
// applies it on the event page, sees the hidden type, and registers for it.
import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { eventBody, journeys, signedUp, withScreenshot } from './harness.mjs';

const j = journeys();

j.journey('a promo code made in the organizer tab unlocks a hidden ticket type', {}, async (organizer) => {
  await signedUp(organizer, j.server, { name: 'Olga Promo', role: 'organizer', tag: 'e2e-promo-org' });

  // The event itself comes from the API (the event form has journeys of its own).
  const csrf = { 'X-Admit-CSRF': '1', Origin: j.server.url };
  const created = await organizer.request.post('/api/v1/events', {
    headers: csrf,
    data: eventBody({
      title: 'Promo Journey Night',
      description: 'A night with a guest list.',
      venue: 'Club, Berlin',
      capacity: 50,
      ticket_types: [
        { name: 'General', price: 2000, capacity: 40 },
        { name: 'Crew', price: 0, capacity: 10, hidden: true },
      ],
    }, 20),
  });
  assert.equal(created.status(), 201, await created.text());
  const published = await organizer.request.post(`/api/v1/events/${(await created.json()).id}/publish`, { headers: csrf });
  assert.equal(published.status(), 200, await published.text());
  const event = await published.json();

  await organizer.goto(`/organizer/events/${event.id}/promo-codes`);
  await organizer.getByRole('heading', { name: 'Promo codes' }).waitFor();
  await organizer.getByText('No promo codes yet.').waitFor();
  await organizer.getByLabel('Code', { exact: true }).fill('backstage');
  await organizer.getByLabel('Kind').selectOption('percent');
  await organizer.getByLabel('Percent').fill('50');
  await organizer.getByLabel('Applies to').selectOption({ label: 'Whole event' });
  await organizer.getByLabel(/Reveals hidden tickets: Crew/).check();
  await organizer.getByRole('button', { name: 'Add code' }).click();
  const row = organizer.locator('tr', { hasText: 'BACKSTAGE' });
  await row.waitFor();
  await row.getByText('50% off').waitFor();
  await row.getByRole('cell', { name: 'Crew', exact: true }).waitFor();

  // What the server stored is the shape the tab sent.
  const codes = await (await organizer.request.get(`/api/v1/events/${event.id}/promo-codes`)).json();
  assert.equal(codes.items.length, 1);
  assert.equal(codes.items[0].ticket_type_id, null);
  assert.equal(codes.items[0].unlocks_hidden, true);

  // A visitor in a browser of their own.
  const page = await j.page();
  try {
    await withScreenshot(page, 'promo-guest', () => guestUsesTheCode(page, event));
    assert.deepEqual(page.consoleErrors, []);
  } finally {
    await page.context().close();
  }
});

async function guestUsesTheCode(page, event) {
  await signedUp(page, j.server, { name: 'Gus Guest', tag: 'e2e-promo-guest' });

  await page.goto(`/events/${event.id}`);
  await page.getByRole('heading', { name: event.title, level: 1 }).waitFor();
  await page.locator('.ticket-row', { hasText: 'General' }).waitFor();
  assert.equal(await page.locator('.ticket-row', { hasText: 'Crew' }).count(), 0);

  // A wrong code says so and reveals nothing.
  await page.getByLabel('Promo code').fill('nope-nope');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByText('That code is not a valid code for this event.').waitFor();
  assert.equal(await page.locator('.ticket-row', { hasText: 'Crew' }).count(), 0);

  await page.getByLabel('Promo code').fill('backstage');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL((url) => url.searchParams.get('promo_code') === 'backstage');
  await page.getByText('Code BACKSTAGE applied: 50% off every ticket; unlocks Crew.').waitFor();
  const crew = page.locator('.ticket-row', { hasText: 'Crew' });
  await crew.getByText('Unlocked').waitFor();

  // The discounted price and total are the server's.
  await page.getByLabel('Quantity of General').selectOption('1');
  await page.getByText('1 ticket · €20.00 €10.00').waitFor();
  await page.getByLabel('Quantity of General').selectOption('0');
  await page.getByLabel('Quantity of Crew').selectOption('1');
  await page.getByText('1 ticket · Free').waitFor();
  await page.getByRole('button', { name: 'Register' }).click();
  await page.waitForURL(/\/registrations\/[^/]+$/);
  await page.getByRole('heading', { name: "You're registered" }).waitFor();

  const regs = await (await page.request.get('/api/v1/me/registrations')).json();
  assert.equal(regs.items.length, 1);
  assert.equal(regs.items[0].status, 'confirmed');
  assert.equal(regs.items[0].items[0].ticket_type_id, event.ticket_types.find((t) => t.name === 'Crew').id);

  // My registrations names the hidden type it bought (the public event page hides it).
  await page.getByRole('link', { name: 'My registrations' }).click();
  await page.getByRole('heading', { name: 'My registrations', level: 1 }).waitFor();
  const card = page.locator('article.registration-card', { hasText: event.title });
  await card.waitFor();
  await card.locator('summary', { hasText: 'Tickets' }).click();  // the list is folded
  await card.getByRole('cell', { name: 'Crew', exact: true }).waitFor();
  if (process.env.ADMIT_E2E_SHOTS) {
    fs.mkdirSync(process.env.ADMIT_E2E_SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(process.env.ADMIT_E2E_SHOTS, 'my-registrations-hidden-type.png'), fullPage: true });
  }
}
