// Journey: an attendee registers for a free demo event, finds it in My registrations and
// cancels it.
import assert from 'node:assert/strict';
import { journeys, registerForFreeEvent, signedUp } from './harness.mjs';

const j = journeys();

j.journey('register for a free event, see it, cancel it', {}, async (page) => {
  const name = 'Reg Istrant';
  await signedUp(page, j.server, { name, tag: 'e2e-register' });
  const { event } = await registerForFreeEvent(page);
  await page.getByRole('heading', { name: "You're registered" }).waitFor();
  await page.locator('.tickets').getByRole('cell', { name: new RegExp(`^${name} `) }).waitFor();

  await page.getByRole('link', { name: 'My registrations' }).click();
  await page.getByRole('heading', { name: 'My registrations', level: 1 }).waitFor();
  const card = page.locator('article.registration-card', { hasText: event.title });
  await card.waitFor();
  await card.locator('.reg-summary').getByText('Confirmed').waitFor();

  await card.getByRole('button', { name: 'Cancel' }).click();
  await card.getByRole('button', { name: 'Yes, cancel it' }).click();
  await card.locator('.reg-summary').getByText('Cancelled').waitFor();
  await card.getByRole('button', { name: 'Cancel' }).waitFor({ state: 'detached' });

  const regs = await (await page.request.get('/api/v1/me/registrations')).json();
  assert.equal(regs.items.length, 1);
  assert.equal(regs.items[0].status, 'cancelled');
});
