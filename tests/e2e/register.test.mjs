// Journey: an attendee registers for a free demo event, finds it in My registrations and
// cancels it.
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

function onSale(t, now) {
  return (
    t.price === 0 &&
    t.remaining > 0 &&
    (!t.sales_start || Date.parse(t.sales_start) <= now) &&
    (!t.sales_end || Date.parse(t.sales_end) > now)
  );
}

test('register for a free event, see it, cancel it', { skip: skip ?? false, timeout: 180_000 }, async () => {
  const page = await newPage(browser, server.baseUrl);
  const email = uniqueEmail('e2e-register');
  const name = 'Reg Istrant';
  await withScreenshot(page, 'register', async () => {
    await signUpAndVerify(page, server, { name, email });
    await signIn(page, { email });
    await page.getByTestId('current-user').waitFor();

    // A published demo event with a free ticket type on sale.
    const { items } = await (await page.request.get('/api/v1/events?limit=100')).json();
    const now = Date.now();
    const event = items.find((e) => e.remaining > 0 && e.ticket_types.some((t) => onSale(t, now)));
    assert.ok(event, 'the demo data should have a free event with tickets on sale');
    const type = event.ticket_types.find((t) => onSale(t, now));

    await page.goto(`/events/${event.id}`);
    await page.getByRole('heading', { name: event.title, level: 1 }).waitFor();
    await page.getByLabel(`Quantity of ${type.name}`).selectOption('1');
    await page.getByText('1 ticket · Free').waitFor();
    await page.getByRole('button', { name: 'Register' }).click();

    await page.waitForURL(/\/registrations\/[^/]+$/);
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
    assert.deepEqual(page.consoleErrors, []);
  });
  await page.context().close();
});
