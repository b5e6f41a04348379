// Journey: the main pages, signed out, as an attendee and as an organizer, show text from
// the translation layer: no page shows a raw key of web/src/i18n/en.json, and the event
// page's prices come from the server's quote. With E2E_SHOTS_DIR set, each page is also
// saved there as a screenshot (to look at them).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser, newPage, signIn, signUpAndVerify, skipReason, startServer, uniqueEmail } from './harness.mjs';
import { SOURCE_DIR as sourceDir } from '../support/harness.mjs';

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

// Every key of en.json, as the dotted path t() takes (plural suffixes dropped).
function translationKeys() {
  const en = JSON.parse(fs.readFileSync(path.join(sourceDir, 'web/src/i18n/en.json'), 'utf8'));
  const keys = new Set();
  const walk = (node, prefix) => {
    for (const [k, v] of Object.entries(node)) {
      const key = prefix ? `${prefix}.${k}` : k;
      if (typeof v === 'object') walk(v, key);
      else keys.add(key.replace(/_(one|other|zero|two|few|many)$/, ''));
    }
  };
  walk(en, '');
  return [...keys];
}

async function look(page, name, keys) {
  await page.waitForLoadState('networkidle');
  const text = await page.locator('body').innerText();
  const raw = keys.filter((k) => text.includes(k));
  assert.deepEqual(raw, [], `${name} shows raw translation keys`);
  assert.doesNotMatch(text, /\{\{\w+\}\}/, `${name} shows an unfilled placeholder`);
  const dir = process.env.E2E_SHOTS_DIR;
  if (dir) {
    fs.mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: path.join(dir, `i18n-${name}.png`), fullPage: true });
  }
}

test('pages show translated text, never a raw key', { skip: skip ?? false, timeout: 240_000 }, async () => {
  const keys = translationKeys();
  assert.ok(keys.length > 100, 'en.json was read');
  const page = await newPage(browser, server.url);

  await page.goto('/');
  await page.getByRole('heading', { name: 'Upcoming events' }).waitFor();
  await look(page, '01-browse', keys);

  const events = await (await fetch(`${server.url}/api/v1/events?limit=50`)).json();
  const now = Date.now();
  const paid = events.items.find((e) => e.ticket_types.some((t) => t.price > 0 && t.remaining > 0 && (!t.sales_start || Date.parse(t.sales_start) <= now)));
  assert.ok(paid, 'the demo data has an event with a paid ticket on sale');
  await page.goto(`/events/${paid.id}`);
  await page.getByRole('heading', { name: 'Tickets' }).waitFor();
  await look(page, '02-event-signed-out', keys);

  await page.goto('/sign-in');
  await look(page, '03-sign-in', keys);

  const email = uniqueEmail('i18n');
  await signUpAndVerify(page, server, { name: 'Ines Eighteen', email });
  await signIn(page, { email });
  await page.getByTestId('current-user').waitFor();

  await page.goto(`/events/${paid.id}`);
  const type = paid.ticket_types.find((t) => t.price > 0 && t.remaining > 0 && (!t.sales_start || Date.parse(t.sales_start) <= now));
  const select = page.getByRole('combobox', { name: `Quantity of ${type.name}` });
  await select.selectOption('2');
  // The order bar shows the server's total for the order.
  const quote = await (await fetch(`${server.url}/api/v1/events/${paid.id}/quote`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ items: [{ ticket_type_id: type.id, quantity: 2 }] }),
  })).json();
  const digits = String(quote.total).padStart(3, '0');
  const figure = `${digits.slice(0, -2)}.${digits.slice(-2)}`;
  await page.locator('.order-total strong', { hasText: figure }).waitFor();
  await look(page, '04-event-order', keys);

  await page.goto('/me/registrations');
  await look(page, '05-my-registrations', keys);
  await page.goto('/account');
  await page.getByRole('heading', { name: 'Your account' }).waitFor();
  await look(page, '06-account', keys);

  const organizer = await newPage(browser, server.url);
  const orgEmail = uniqueEmail('i18n-org');
  await signUpAndVerify(organizer, server, { name: 'Otto Organizer', email: orgEmail, role: 'organizer' });
  await signIn(organizer, { email: orgEmail });
  await organizer.getByTestId('current-user').waitFor();
  await organizer.goto('/organizer/events/new');
  await organizer.getByRole('heading', { name: 'New event' }).waitFor();
  await look(organizer, '07-organizer-new-event', keys);
  await organizer.goto('/organizer');
  await look(organizer, '08-organizer-home', keys);
});
