// Journeys with money, in Chromium against the Stripe-protocol test server
// (tests/peers/stripe_server.mjs; its webhooks are signed by the real stripe SDK):
// pay through its checkout page and see the tickets on the success page once the webhook
// has landed; leave checkout without paying and release the seats; the organizer refunds
// part of a payment with a reason.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventBody, journeys, signedUp, withScreenshot } from './harness.mjs';
import { startStripeServer } from '../peers/stripe_server.mjs';

const SECRET = 'whsec_e2e';
let stripe;
let organizer;
let event;

// The Stripe-protocol server starts first (the admit server is told where it is); then an
// organizer with a paid event, made through the API in the organizer's browser session.
const j = journeys({
  env: async () => {
    stripe = await startStripeServer({ secret: SECRET });
    return { ADMIT_STRIPE_SECRET_KEY: 'sk_test_e2e', ADMIT_STRIPE_WEBHOOK_SECRET: SECRET, ADMIT_STRIPE_API_BASE: stripe.url };
  },
  setUp: async ({ server }) => {
    stripe.webhookUrl = `${server.url}/api/v1/payments/stripe/webhook`;
    organizer = await j.page();
    await signedUp(organizer, server, { name: 'Omar Payments', role: 'organizer', tag: 'e2e-pay-org' });
    const csrf = { origin: server.url, 'x-admit-csrf': '1' };
    const created = await organizer.request.post('/api/v1/events', {
      headers: csrf,
      data: eventBody({
        title: `Paid concert ${Date.now()}`, description: 'A paid test event', venue: 'Hall, Berlin', capacity: 20,
        ticket_types: [{ name: 'Standard', price: 2500, capacity: 20, max_per_order: 4 }],
      }, 20),
    });
    assert.equal(created.status(), 201, await created.text());
    const id = (await created.json()).id;
    const pub = await organizer.request.post(`/api/v1/events/${id}/publish`, { headers: csrf });
    assert.equal(pub.status(), 200, await pub.text());
    event = await pub.json();
  },
});
after(async () => { await stripe?.close(); });

async function attendeeAtCheckout(name, quantity) {
  const page = await j.page();
  await signedUp(page, j.server, { name, tag: 'e2e-pay' });
  await page.goto(`/events/${event.id}`);
  await page.getByLabel('Quantity of Standard').selectOption(String(quantity));
  await page.getByRole('button', { name: 'Register' }).click();
  await page.waitForURL(/\/registrations\/[^/]+$/);
  const regId = page.url().split('/').pop();
  await page.getByText('Complete your payment').waitFor();
  await page.getByRole('link', { name: 'Pay now' }).click();
  await page.waitForURL(new RegExp(`^${stripe.url}/checkout/cs_test_`));
  return { page, regId };
}

const remaining = async () => (await (await fetch(`${j.server.url}/api/v1/events/${event.id}`)).json()).remaining;

test('pay at the checkout page; the success page shows the tickets once the webhook lands', { skip: j.skip ?? false, timeout: 180_000 }, async () => {
  const { page, regId } = await attendeeAtCheckout('Paula Payer', 2);
  await withScreenshot(page, 'pay', async () => {
    await page.getByText('50.00 EUR').waitFor();
    await page.getByRole('button', { name: /^Pay/ }).click();
    await page.waitForURL(new RegExp(`/registrations/${regId}/paid`));
    await page.getByRole('link', { name: 'Show tickets' }).waitFor({ timeout: 30_000 });
    await page.getByText("Payment received — you're registered").waitFor();
    await page.getByRole('link', { name: 'Show tickets' }).click();
    await page.waitForURL(new RegExp(`/registrations/${regId}/tickets$`));
    assert.deepEqual(page.consoleErrors, []);
  });
});

test('leave checkout without paying and release the seats', { skip: j.skip ?? false, timeout: 180_000 }, async () => {
  const before_ = await remaining();
  const { page, regId } = await attendeeAtCheckout('Carl Canceller', 3);
  await withScreenshot(page, 'cancel-checkout', async () => {
    assert.equal(await remaining(), before_ - 3);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.waitForURL(new RegExp(`/registrations/${regId}/payment-cancelled$`));
    await page.getByText('Payment not completed').waitFor();
    await page.getByRole('button', { name: 'Release my seats' }).click();
    await page.getByRole('button', { name: 'Yes, release them' }).click();
    await page.getByText('Your seats were released. Nothing was charged.').waitFor();
    assert.equal(await remaining(), before_);
  });
});

test('the organizer refunds part of a payment with a reason', { skip: j.skip ?? false, timeout: 180_000 }, async () => {
  const { page, regId } = await attendeeAtCheckout('Rita Refund', 2);
  await page.getByRole('button', { name: /^Pay/ }).click();
  await page.getByRole('link', { name: 'Show tickets' }).waitFor({ timeout: 30_000 });
  await withScreenshot(organizer, 'refund', async () => {
    await organizer.goto(`/organizer/events/${event.id}/registrations`);
    const row = organizer.getByRole('row').filter({ hasText: regId });
    await row.getByRole('button', { name: 'Refund…' }).click();
    await row.getByLabel('Amount (EUR)').fill('25.00');
    await row.getByLabel('Reason').fill('One guest cannot come');
    await row.getByRole('button', { name: 'Refund', exact: true }).click();
    const deadline = Date.now() + 30_000;
    // The refund's state comes back by webhook: look again until the row shows it.
    for (;;) {
      await organizer.reload();
      try {
        await organizer.getByRole('row').filter({ hasText: regId }).getByText('refund: partially refunded').waitFor({ timeout: 3000 });
        break;
      } catch (e) {
        if (Date.now() > deadline) throw e;
      }
    }
  });
  const session = [...stripe.state.sessions.values()].find((s) => s.client_reference_id === regId);
  assert.equal(session.amount_refunded, 2500);
  const refund = stripe.state.requests.find((r) => r.path === '/v1/refunds' && r.body.includes(session.payment_intent));
  assert.match(decodeURIComponent(refund.body.replace(/\+/g, ' ')), /metadata\[reason\]=One guest cannot come/);
});
