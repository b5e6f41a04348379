// Journey: sign up, confirm the address from the mail in the outbox, sign in and out.
import assert from 'node:assert/strict';
import { journeys, signIn, signUpAndVerify, uniqueEmail } from './harness.mjs';

const j = journeys();

j.journey('sign up, verify, sign in, sign out', { timeout: 120_000 }, async (page) => {
  const email = uniqueEmail('e2e-account');
  const name = 'Ada Journey';
  // A weak password is refused by the server; the form shows its message for the field.
  await page.goto('/sign-up');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill('weakpass');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByText('must contain an uppercase letter, a number and a symbol').waitFor();

  await signUpAndVerify(page, j.server, { name, email });

  // Wrong password: one message that does not say which part was wrong.
  await signIn(page, { email, password: 'Not-The-Password-1' });
  await page.getByText('That email and password don’t match an account.').or(page.getByText("That email and password don't match an account.")).waitFor();

  await signIn(page, { email });
  await page.getByTestId('current-user').waitFor();
  assert.equal(await page.getByTestId('current-user').textContent(), name);
  const me = await page.request.get('/api/v1/me');
  assert.equal(me.status(), 200);
  assert.equal((await me.json()).email, email);

  // The account page shows this session.
  await page.getByRole('link', { name: `Account: ${name}` }).click();
  await page.getByRole('heading', { name: 'Your account' }).waitFor();
  await page.getByText('This device').waitFor();

  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.getByRole('link', { name: 'Sign in' }).waitFor();
  assert.equal((await page.request.get('/api/v1/me')).status(), 401);
});
