// Journey: browse the demo events, filter by category, open one and see its ticket types.
import assert from 'node:assert/strict';
import { journeys } from './harness.mjs';

const j = journeys();

j.journey('browse, filter by category, open an event', { timeout: 120_000 }, async (page) => {
  // What the API says is on sale, to check the page against.
  const res = await page.request.get('/api/v1/events?limit=100');
  assert.equal(res.status(), 200);
  const { items } = await res.json();
  const categories = [...new Set(items.map((e) => e.category))];
  assert.ok(categories.length >= 2, `the demo data should span several categories, got ${categories}`);
  const labels = new Map((await (await page.request.get('/api/v1/categories')).json()).items.map((c) => [c.id, c.label]));

  await page.goto('/');
  await page.getByRole('heading', { name: 'Upcoming events', level: 1 }).waitFor();
  const cards = page.locator('article.event-card');
  await cards.first().waitFor();
  assert.ok((await cards.count()) >= 2);

  // Filter by the category of some event that is not the first one shown.
  const category = categories.find((c) => c !== items[0].category) ?? categories[0];
  const expected = items.filter((e) => e.category === category);
  await page.getByLabel('Category').selectOption(category);
  await page.waitForURL((url) => url.searchParams.get('category') === category);
  await page.waitForFunction(
    ({ label, n }) => {
      const chips = [...document.querySelectorAll('article.event-card .chip')];
      return chips.length === n && chips.every((c) => c.textContent === label);
    },
    { label: labels.get(category), n: Math.min(expected.length, 12) },
  );

  // The filter survives a reload (it lives in the URL).
  await page.reload();
  await cards.first().waitFor();
  assert.equal(await page.getByLabel('Category').inputValue(), category);

  // Open the first event of that category.
  const event = expected[0];
  await page.getByRole('link', { name: event.title, exact: true }).click();
  await page.waitForURL(`**/events/${event.id}`);
  await page.getByRole('heading', { name: event.title, level: 1 }).waitFor();
  await page.getByRole('heading', { name: 'Tickets' }).waitFor();
  for (const t of event.ticket_types) {
    await page.locator('.ticket-row', { hasText: t.name }).first().waitFor();
  }
  assert.equal(await page.locator('.ticket-row').count(), event.ticket_types.length);
  await page.getByText(event.venue).first().waitFor();
});

j.journey('the browse page works at 360 px with the menu', { timeout: 60_000, viewport: { width: 360, height: 740 } }, async (page) => {
  await page.goto('/');
  await page.locator('article.event-card').first().waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the viewport`);
  await page.getByRole('button', { name: 'Menu' }).click();
  await page.getByRole('link', { name: 'Sign in' }).waitFor();
});
