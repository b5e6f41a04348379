// Accounts and the security baseline over HTTP against the real binary (sqlite and
// postgres): sign-up and verification through the mail outbox, enumeration-safe answers,
// session cookies and their flags, CSRF, logout, password reset, rate limits, API tokens,
// admin disable, and mail through a real SMTP server (Debian's python3-aiosmtpd).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startServer, freePort, eventBody, PASSWORD, SOURCE_DIR, sleep, uniqueEmail, waitFor, waitForMail, mailsIn, linkToken,
  publishedEvent,
} from './harness.mjs';

// The Set-Cookie line for the session, and the Cookie header a browser would send back.
function sessionSetCookie(res) {
  return res.headers.getSetCookie().find((c) => /^(__Host-)?admit_session=/.test(c));
}
function cookiePair(setCookie) {
  return setCookie.split(';')[0];
}

// A browser: keeps the session cookie and sends the web app's CSRF header and Origin.
class Browser {
  constructor(server, origin = server.url) {
    this.server = server;
    this.origin = origin;
    this.cookie = null;
  }
  headers({ csrf = true, origin = true } = {}) {
    const h = {};
    if (this.cookie) h.cookie = this.cookie;
    if (csrf) h['x-admit-csrf'] = '1';
    if (origin) h.origin = this.origin;
    return h;
  }
  async request(method, path, body, opts = {}) {
    const res = await this.server.request(method, path, { body, headers: { ...this.headers(opts), ...(opts.headers ?? {}) } });
    const set = sessionSetCookie(res);
    if (set) this.cookie = /Max-Age=0/.test(set) ? null : cookiePair(set);
    return res;
  }
  get(path, opts) { return this.request('GET', path, undefined, opts); }
  post(path, body, opts) { return this.request('POST', path, body, opts); }
  patch(path, body, opts) { return this.request('PATCH', path, body, opts); }
  del(path, opts) { return this.request('DELETE', path, undefined, opts); }
  async login(email, password = PASSWORD) {
    const res = await this.post('/api/v1/auth/login', { email, password });
    assert.equal(res.status, 200, res.text);
    return res;
  }
}

// Signs up through the API and verifies through the mail in the outbox folder.
async function signUpAndVerify(server, { email = uniqueEmail(), password = PASSWORD, role = 'attendee', name = 'Test Person' } = {}) {
  const res = await server.post('/api/v1/auth/signup', { email, password, name, role });
  assert.equal(res.status, 202, res.text);
  const mail = await waitForMail(server.outboxDir, { to: email });
  const verify = await server.post('/api/v1/auth/verify', { token: linkToken(mail, '/verify') });
  assert.equal(verify.status, 200, verify.text);
  return { email, password };
}

describe('accounts', () => {
  let server;
  let outbox;
  before(async () => {
    server = await startServer();
    outbox = server.outboxDir;
  });
  after(async () => { await server?.stop(); });

  test('sign-up answers the same for a new and a taken email, and mails each owner', async () => {
    const email = uniqueEmail('dup');
    const fresh = await server.post('/api/v1/auth/signup', { email, password: PASSWORD, name: 'First', role: 'attendee' });
    assert.equal(fresh.status, 202);
    assert.deepEqual(fresh.body, { status: 'verification_sent' });
    const first = await waitForMail(outbox, { to: email, nth: 1 });
    assert.match(first, /^Subject: Confirm your email address for admit/m);
    assert.match(first, /Content-Type: multipart\/alternative/);
    assert.match(first, /Content-Type: text\/html/);
    assert.match(first, new RegExp(`${server.url}/verify\\?token=`), 'links are built from the public URL');
    await server.post('/api/v1/auth/verify', { token: linkToken(first, '/verify') });

    const taken = await server.post('/api/v1/auth/signup', { email: email.toUpperCase(), password: 'Other-Secret-77?', name: 'Second', role: 'organizer' });
    assert.equal(taken.status, fresh.status);
    assert.equal(taken.text, fresh.text, 'identical body');
    assert.equal(taken.headers.get('content-type'), fresh.headers.get('content-type'));
    const notice = await waitForMail(outbox, { to: email, nth: 2 });
    assert.match(notice, /^Subject: Sign-up attempt with your email address/m);
  });

  test('a weak password is refused with 422 naming password', async () => {
    for (const password of ['Password1!', 'short', 'alllowercase1!', 'NoDigitsHere!']) {
      const res = await server.post('/api/v1/auth/signup', { email: uniqueEmail(), password, name: 'W', role: 'attendee' });
      assert.equal(res.status, 422, password);
      assert.equal(res.body.code, 'validation_failed');
      assert.deepEqual(res.body.errors.map((e) => e.field), ['password'], password);
    }
    const unknown = await server.post('/api/v1/auth/signup', { email: uniqueEmail(), password: PASSWORD, name: 'W', role: 'attendee', admin: true });
    assert.equal(unknown.status, 422);
    assert.ok(unknown.body.errors.some((e) => e.field === 'admin'));
    const role = await server.post('/api/v1/auth/signup', { email: uniqueEmail(), password: PASSWORD, name: 'W', role: 'admin' });
    assert.deepEqual(role.body.errors.map((e) => e.field), ['role']);
  });

  test('the verification link from the outbox works once; unverified accounts cannot sign in', async () => {
    const email = uniqueEmail('verify');
    await server.post('/api/v1/auth/signup', { email, password: PASSWORD, name: 'V', role: 'organizer' });
    const wrong = await server.post('/api/v1/auth/login', { email, password: 'Wrong-Secret-1?' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.code, 'invalid_credentials');
    const unverified = await server.post('/api/v1/auth/login', { email, password: PASSWORD });
    assert.equal(unverified.status, 403, 'only after the right password');
    assert.equal(unverified.body.code, 'email_not_verified');
    assert.equal(sessionSetCookie(unverified), undefined);

    const token = linkToken(await waitForMail(outbox, { to: email }), '/verify');
    const ok = await server.post('/api/v1/auth/verify', { token });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.status, 'verified');
    const again = await server.post('/api/v1/auth/verify', { token });
    assert.equal(again.status, 410);
    assert.equal(again.body.code, 'gone');
    const bogus = await server.post('/api/v1/auth/verify', { token: 'x'.repeat(43) });
    assert.equal(bogus.status, 410);

    const b = new Browser(server);
    await b.login(email);
    const me = await b.get('/api/v1/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.email, email);
    assert.deepEqual(me.body.roles, ['organizer']);
    assert.equal(me.body.email_verified, true);
  });

  test('resend answers the same whether or not the account exists', async () => {
    const email = uniqueEmail('resend');
    await server.post('/api/v1/auth/signup', { email, password: PASSWORD, name: 'R', role: 'attendee' });
    await waitForMail(outbox, { to: email, nth: 1 });
    const known = await server.post('/api/v1/auth/verify/resend', { email });
    const unknown = await server.post('/api/v1/auth/verify/resend', { email: uniqueEmail('nobody') });
    assert.equal(known.status, 202);
    assert.equal(unknown.status, 202);
    assert.equal(known.text, unknown.text);
    const second = await waitForMail(outbox, { to: email, nth: 2 });
    assert.equal((await server.post('/api/v1/auth/verify', { token: linkToken(second, '/verify') })).status, 200);
  });

  test('the session cookie is HttpOnly, SameSite=Lax, Path=/ and not Secure over http; a new id each sign-in', async () => {
    const { email } = await signUpAndVerify(server);
    const res = await server.post('/api/v1/auth/login', { email, password: PASSWORD });
    assert.equal(res.status, 200);
    assert.equal(res.body.user.email, email);
    assert.deepEqual(Object.keys(res.body.user).sort(), ['created_at', 'email', 'email_verified', 'id', 'name', 'roles']);
    const set = sessionSetCookie(res);
    assert.match(set, /^admit_session=[A-Za-z0-9_-]{43};/);
    assert.match(set, /; HttpOnly/);
    assert.match(set, /; SameSite=Lax/);
    assert.match(set, /; Path=\//);
    assert.doesNotMatch(set, /Secure/);
    const again = await server.post('/api/v1/auth/login', { email, password: PASSWORD });
    assert.notEqual(cookiePair(sessionSetCookie(again)), cookiePair(set));
    const me = await server.get('/api/v1/me', { headers: { cookie: cookiePair(set) } });
    assert.equal(me.status, 200);
    assert.equal((await server.get('/api/v1/me')).status, 401);
  });

  test('an unknown email and a wrong password get identical 401 answers in similar time', async () => {
    const { email } = await signUpAndVerify(server);
    const headers = { 'x-request-id': 'same-request-id' };
    const wrong = await server.post('/api/v1/auth/login', { email, password: 'Wrong-Secret-1?' }, { headers });
    const unknown = await server.post('/api/v1/auth/login', { email: uniqueEmail('ghost'), password: 'Wrong-Secret-1?' }, { headers });
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.equal(wrong.body.code, 'invalid_credentials');
    assert.equal(unknown.text, wrong.text, 'byte for byte');
    assert.equal(unknown.headers.get('content-type'), wrong.headers.get('content-type'));

    // Timing: both verify one argon2id hash (the unknown email against a dummy). Medians of
    // alternating samples; the bound is loose because this machine is shared, but a path
    // that skipped hashing would be many times faster.
    const time = async (body) => {
      const t0 = performance.now();
      const r = await server.post('/api/v1/auth/login', body);
      assert.equal(r.status, 401);
      return performance.now() - t0;
    };
    const known = [];
    const ghost = [];
    for (let i = 0; i < 6; i++) {
      known.push(await time({ email, password: `Wrong-Secret-${i}?` }));
      ghost.push(await time({ email: uniqueEmail('ghost'), password: `Wrong-Secret-${i}?` }));
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const ratio = median(ghost) / median(known);
    console.log(`# sign-in timing: known ${median(known).toFixed(1)} ms, unknown ${median(ghost).toFixed(1)} ms, ratio ${ratio.toFixed(2)}`);
    assert.ok(ratio > 0.5 && ratio < 2, `unknown/known time ratio ${ratio}`);
  });

  test('CSRF: cookie writes need the Origin and the X-Admit-CSRF header; bearer writes do not', async () => {
    const { email } = await signUpAndVerify(server);
    const b = new Browser(server);
    await b.login(email);
    const none = await b.patch('/api/v1/me', { name: 'X' }, { csrf: false, origin: false });
    assert.equal(none.status, 403);
    assert.equal(none.body.code, 'forbidden');
    assert.equal((await b.patch('/api/v1/me', { name: 'X' }, { csrf: false })).status, 403, 'Origin alone');
    assert.equal((await b.patch('/api/v1/me', { name: 'X' }, { origin: false })).status, 403, 'header alone');
    const foreign = await b.patch('/api/v1/me', { name: 'X' }, { headers: { origin: 'https://evil.example' } });
    assert.equal(foreign.status, 403, 'another origin');
    assert.equal((await b.post('/api/v1/me/tokens', { name: 'x' }, { csrf: false, origin: false })).status, 403);
    assert.equal((await b.del('/api/v1/me/sessions', { csrf: false, origin: false })).status, 403);
    assert.equal((await b.get('/api/v1/me')).status, 200, 'still signed in: refused writes changed nothing');
    const ok = await b.patch('/api/v1/me', { name: 'Renamed' });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.name, 'Renamed');

    const created = await b.post('/api/v1/me/tokens', { name: 'script' });
    assert.equal(created.status, 201);
    const bearer = await server.post('/api/v1/me/tokens', { name: 'from a script' }, { token: created.body.token });
    assert.equal(bearer.status, 201, 'bearer writes need no CSRF header');
    // Sign-up and sign-in work from the web app with no session yet.
    const fresh = new Browser(server);
    assert.equal((await fresh.post('/api/v1/auth/signup', { email: uniqueEmail(), password: PASSWORD, name: 'N', role: 'attendee' })).status, 202);
    await fresh.login(email);
  });

  test('logout revokes the session and clears the cookie', async () => {
    const { email } = await signUpAndVerify(server);
    const b = new Browser(server);
    await b.login(email);
    const stolen = b.cookie;
    const out = await b.post('/api/v1/auth/logout');
    assert.equal(out.status, 204);
    const cleared = sessionSetCookie(out);
    assert.match(cleared, /^admit_session=;/);
    assert.match(cleared, /Max-Age=0/);
    const replay = await server.get('/api/v1/me', { headers: { cookie: stolen } });
    assert.equal(replay.status, 401, 'the old cookie no longer works');
  });

  test('a browser registers on the fast path, and a signed-out session cannot register a moment later', async () => {
    // The registration route takes its caller from the cached session look-up, without the
    // database: every sign-out must reach that cache before its answer goes out.
    const organizer = server.createUser({ roles: ['organizer'] });
    const ev = await publishedEvent(server, organizer);
    const item = { items: [{ ticket_type_id: ev.ticket_types[0].id, quantity: 1 }] };
    const registerAs = (b, cookie = b.cookie) => server.post(`/api/v1/events/${ev.id}/registrations`, item, {
      headers: { cookie, origin: server.url, 'x-admit-csrf': '1', 'idempotency-key': randomUUID() },
    });
    const { email } = await signUpAndVerify(server);
    const phone = new Browser(server);
    const laptop = new Browser(server);
    await phone.login(email);
    await laptop.login(email);
    for (let i = 0; i < 3; i++) {
      const res = await registerAs(phone);
      assert.equal(res.status, 201, res.text);
      assert.equal(res.body.status, 'confirmed');
    }
    const noCsrf = await server.post(`/api/v1/events/${ev.id}/registrations`, item, {
      headers: { cookie: phone.cookie, 'idempotency-key': randomUUID() },
    });
    assert.equal(noCsrf.status, 403, 'a cached session still needs the CSRF header and Origin');

    // "Sign out everywhere" from the laptop: the phone's cookie stops at once.
    const phoneCookie = phone.cookie;
    assert.equal((await laptop.del('/api/v1/me/sessions')).status, 204);
    assert.equal((await registerAs(phone, phoneCookie)).status, 401);

    // Sign-out of this one session, right after registrations that cached it.
    await phone.login(email);
    for (let i = 0; i < 2; i++) assert.equal((await registerAs(phone)).status, 201);
    const stolen = phone.cookie;
    assert.equal((await phone.post('/api/v1/auth/logout')).status, 204);
    assert.equal((await registerAs(phone, stolen)).status, 401, 'the old cookie no longer registers');
    const mine = (await server.get('/api/v1/me/registrations', { headers: { cookie: laptop.cookie } }));
    assert.equal(mine.status, 401, 'the laptop was signed out everywhere too');
  });

  test('sessions are listed and "sign out everywhere" ends them all', async () => {
    const { email } = await signUpAndVerify(server);
    const phone = new Browser(server);
    const laptop = new Browser(server);
    await phone.login(email);
    await laptop.request('POST', '/api/v1/auth/login', { email, password: PASSWORD }, { headers: { 'user-agent': 'LaptopBrowser/1.0' } });
    const list = await laptop.get('/api/v1/me/sessions');
    assert.equal(list.status, 200);
    assert.equal(list.body.items.length, 2);
    assert.equal(list.body.items.filter((s) => s.current).length, 1);
    assert.ok(list.body.items.some((s) => s.user_agent === 'LaptopBrowser/1.0'));
    const everywhere = await laptop.del('/api/v1/me/sessions');
    assert.equal(everywhere.status, 204);
    assert.equal((await phone.get('/api/v1/me')).status, 401);
    assert.equal((await server.get('/api/v1/me', { headers: { cookie: phone.cookie } })).status, 401);
  });

  test('password reset: same answer for unknown emails, single-use link, ends every session', async () => {
    const { email } = await signUpAndVerify(server);
    const b = new Browser(server);
    await b.login(email);
    const known = await server.post('/api/v1/auth/password-reset', { email });
    const unknown = await server.post('/api/v1/auth/password-reset', { email: uniqueEmail('nobody') });
    assert.equal(known.status, 202);
    assert.equal(unknown.status, 202);
    assert.equal(known.text, unknown.text);
    const token = linkToken(await waitForMail(outbox, { to: email, nth: 2 }), '/reset-password');

    const weak = await server.post('/api/v1/auth/password-reset/confirm', { token, password: 'password' });
    assert.equal(weak.status, 422);
    assert.deepEqual(weak.body.errors.map((e) => e.field), ['password']);
    const done = await server.post('/api/v1/auth/password-reset/confirm', { token, password: 'Brand-New-Secret-9?' });
    assert.equal(done.status, 204);
    assert.equal((await b.get('/api/v1/me')).status, 401, 'sessions end at a reset');
    const reused = await server.post('/api/v1/auth/password-reset/confirm', { token, password: 'Another-Secret-9?' });
    assert.equal(reused.status, 410);
    assert.equal((await server.post('/api/v1/auth/login', { email, password: PASSWORD })).status, 401);
    await new Browser(server).login(email, 'Brand-New-Secret-9?');
    assert.match(await waitForMail(outbox, { to: email, nth: 3 }), /^Subject: Your admit password was changed/m);
  });

  test('profile: name, password change keeps this session and ends the others', async () => {
    const { email } = await signUpAndVerify(server);
    const here = new Browser(server);
    const there = new Browser(server);
    await here.login(email);
    await there.login(email);
    const missing = await here.patch('/api/v1/me', { password: 'Newer-Secret-5?' });
    assert.equal(missing.status, 422);
    assert.deepEqual(missing.body.errors.map((e) => e.field), ['current_password']);
    const wrong = await here.patch('/api/v1/me', { password: 'Newer-Secret-5?', current_password: 'nope' });
    assert.equal(wrong.status, 422);
    assert.deepEqual(wrong.body.errors.map((e) => e.field), ['current_password']);
    const ok = await here.patch('/api/v1/me', { password: 'Newer-Secret-5?', current_password: PASSWORD, name: 'New Name' });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.name, 'New Name');
    assert.equal((await here.get('/api/v1/me')).status, 200);
    assert.equal((await there.get('/api/v1/me')).status, 401);
  });

  test('an email change is confirmed at the new address', async () => {
    const { email } = await signUpAndVerify(server);
    const b = new Browser(server);
    await b.login(email);
    const newEmail = uniqueEmail('moved');
    const res = await b.patch('/api/v1/me', { email: newEmail, current_password: PASSWORD });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.email, newEmail);
    assert.equal(res.body.email_verified, false);
    const token = linkToken(await waitForMail(outbox, { to: newEmail }), '/verify');
    assert.match(await waitForMail(outbox, { to: email, nth: 2 }), /email address was changed/);
    assert.equal((await server.post('/api/v1/auth/verify', { token })).status, 200);
    assert.equal((await b.get('/api/v1/me')).body.email_verified, true);
  });

  test('API tokens: created once with the secret, listed without it, revocable', async () => {
    const { email } = await signUpAndVerify(server, { role: 'organizer' });
    const b = new Browser(server);
    await b.login(email);
    const created = await b.post('/api/v1/me/tokens', { name: 'door scanner' });
    assert.equal(created.status, 201);
    assert.deepEqual(Object.keys(created.body).sort(), ['created_at', 'event_id', 'expires_at', 'id', 'last_used_at', 'name', 'token']);
    assert.equal(created.body.expires_at, null, 'no expiry unless asked for');
    assert.match(created.body.token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(created.body.event_id, null);
    const list = await b.get('/api/v1/me/tokens');
    assert.equal(list.status, 200);
    assert.equal(list.body.items.length, 1);
    assert.equal(list.body.items[0].id, created.body.id);
    assert.equal(list.body.items[0].token, undefined, 'the secret is shown once');
    const me = await server.get('/api/v1/me', { token: created.body.token });
    assert.equal(me.status, 200);
    assert.equal(me.body.email, email);
    const badEvent = await b.post('/api/v1/me/tokens', { name: 'x', event_id: 'evt_nope' });
    assert.equal(badEvent.status, 422);
    assert.deepEqual(badEvent.body.errors.map((e) => e.field), ['event_id']);
    assert.equal((await b.post('/api/v1/me/tokens', { name: '' })).status, 422);
    const revoked = await b.del(`/api/v1/me/tokens/${created.body.id}`);
    assert.equal(revoked.status, 204);
    assert.equal((await server.get('/api/v1/me', { token: created.body.token })).status, 401);
    assert.equal((await b.del(`/api/v1/me/tokens/${created.body.id}`)).status, 404);
  });

  test('admins list and disable accounts, which ends their sessions; others get 403', async () => {
    const admin = server.createUser({ roles: ['attendee'], name: 'Root' });
    const grant = server.cli(['user', 'role', '--email', admin.email, '--add', 'admin']);
    assert.equal(grant.status, 0, grant.stderr);
    assert.match(grant.stdout, /admin/);
    const victim = await signUpAndVerify(server);
    const victimBrowser = new Browser(server);
    await victimBrowser.login(victim.email);

    const asUser = await victimBrowser.get('/api/v1/admin/users');
    assert.equal(asUser.status, 403);
    const list = await server.get(`/api/v1/admin/users?q=${encodeURIComponent(victim.email.slice(0, 12))}`, { token: admin.token });
    assert.equal(list.status, 200, list.text);
    assert.equal(list.body.items.length, 1);
    assert.equal(list.body.items[0].email, victim.email);
    assert.equal(list.body.items[0].disabled, false);
    assert.ok('next_cursor' in list.body);
    const paged = await server.get('/api/v1/admin/users?limit=1', { token: admin.token });
    assert.equal(paged.body.items.length, 1);
    assert.ok(paged.body.next_cursor);

    const disabled = await server.post(`/api/v1/admin/users/${list.body.items[0].id}/disable`, undefined, { token: admin.token });
    assert.equal(disabled.status, 200, disabled.text);
    assert.equal(disabled.body.disabled, true);
    assert.equal((await victimBrowser.get('/api/v1/me')).status, 401, 'sessions end');
    const login = await server.post('/api/v1/auth/login', { email: victim.email, password: PASSWORD });
    assert.equal(login.status, 403);
    assert.equal(login.body.code, 'account_disabled');
    const enabled = await server.post(`/api/v1/admin/users/${list.body.items[0].id}/enable`, undefined, { token: admin.token });
    assert.equal(enabled.body.disabled, false);
    await new Browser(server).login(victim.email);
    assert.equal((await server.post(`/api/v1/admin/users/usr_missing/disable`, undefined, { token: admin.token })).status, 404);
  });

  test('deleting the account erases it and ends its sessions', async () => {
    const { email } = await signUpAndVerify(server);
    const b = new Browser(server);
    await b.login(email);
    const stolen = b.cookie;
    const res = await b.del('/api/v1/me');
    assert.equal(res.status, 204);
    assert.equal((await server.get('/api/v1/me', { headers: { cookie: stolen } })).status, 401);
    const login = await server.post('/api/v1/auth/login', { email, password: PASSWORD });
    assert.equal(login.status, 401);
  });

  test('an organizer with a published upcoming event cannot delete the account yet', async () => {
    const { email } = await signUpAndVerify(server, { role: 'organizer' });
    const b = new Browser(server);
    await b.login(email);
    const ev = await b.post('/api/v1/events', eventBody());
    assert.equal(ev.status, 201, ev.text);
    assert.equal((await b.post(`/api/v1/events/${ev.body.id}/publish`)).status, 200);
    const refused = await b.del('/api/v1/me');
    assert.equal(refused.status, 409);
    assert.equal(refused.body.code, 'conflict');
    assert.equal((await b.get('/api/v1/me')).status, 200, 'nothing was erased');
    assert.equal((await b.post(`/api/v1/events/${ev.body.id}/cancel`)).status, 200);
    assert.equal((await b.del('/api/v1/me')).status, 204);
  });

  test('sign-in is rate limited per account with 429 and Retry-After', async () => {
    const { email } = await signUpAndVerify(server);
    const statuses = [];
    let limited;
    for (let i = 0; i < 12; i++) {
      const res = await server.post('/api/v1/auth/login', { email, password: `Wrong-Secret-${i}?` });
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(401));
    assert.deepEqual(statuses.slice(10), [429, 429]);
    assert.equal(limited.body.code, 'rate_limited');
    const retry = Number(limited.headers.get('retry-after'));
    assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
    // Even the right password waits for the window.
    assert.equal((await server.post('/api/v1/auth/login', { email, password: PASSWORD })).status, 429);
  });

  test('reset, resend and sign-up are limited per email; token creation per account', async () => {
    const expectLimit = async (label, allowed, send) => {
      const statuses = [];
      let limited;
      for (let i = 0; i < allowed + 1; i++) {
        const res = await send(i);
        statuses.push(res.status);
        if (res.status === 429) limited = res;
      }
      assert.ok(statuses.slice(0, allowed).every((s) => s !== 429), `${label}: limited too early ${statuses}`);
      assert.equal(statuses[allowed], 429, `${label}: not limited after ${allowed}: ${statuses}`);
      assert.equal(limited.body.code, 'rate_limited');
      assert.ok(Number(limited.headers.get('retry-after')) >= 1, `${label}: Retry-After`);
    };
    const { email } = await signUpAndVerify(server);
    await expectLimit('password reset', 5, () => server.post('/api/v1/auth/password-reset', { email }));
    await expectLimit('verification resend', 5, () => server.post('/api/v1/auth/verify/resend', { email }));
    const fresh = `limit-${Date.now()}@example.com`;
    await expectLimit('sign-up', 5, () => server.post('/api/v1/auth/signup', { email: fresh, password: PASSWORD, name: 'L', role: 'attendee' }));
    const owner = server.createUser({ roles: ['attendee'] });
    await expectLimit('token creation', 20, (i) => server.post('/api/v1/me/tokens', { name: `t${i}` }, { token: owner.token }));
  });
});

describe('accounts over https', () => {
  let server;
  const origin = 'https://tickets.example.test';
  before(async () => { server = await startServer({ env: { ADMIT_PUBLIC_URL: origin } }); });
  after(async () => { await server?.stop(); });

  test('the cookie is __Host- prefixed and Secure; CSRF wants the public origin', async () => {
    const { email } = await signUpAndVerify(server);
    const mail = mailsIn(server.outboxDir, email)[0];
    assert.match(mail, /https:\/\/tickets\.example\.test\/verify\?token=/);
    const res = await server.post('/api/v1/auth/login', { email, password: PASSWORD });
    assert.equal(res.status, 200);
    const set = sessionSetCookie(res);
    assert.match(set, /^__Host-admit_session=[A-Za-z0-9_-]{43};/);
    assert.match(set, /; Secure/);
    assert.match(set, /; HttpOnly/);
    assert.match(set, /; SameSite=Lax/);
    assert.match(set, /; Path=\//);
    assert.doesNotMatch(set, /Domain=/);
    const b = new Browser(server, origin);
    b.cookie = cookiePair(set);
    assert.equal((await b.get('/api/v1/me')).status, 200);
    const plainName = await server.get('/api/v1/me', { headers: { cookie: b.cookie.replace('__Host-', '') } });
    assert.equal(plainName.status, 401, 'the unprefixed name is not accepted under https');
    assert.equal((await b.patch('/api/v1/me', { name: 'Y' }, { headers: { origin: server.url } })).status, 403);
    assert.equal((await b.patch('/api/v1/me', { name: 'Y' })).status, 200);
  });
});

describe('password hashing under load', () => {
  let server;
  before(async () => { server = await startServer(); });
  after(async () => { await server?.stop(); });

  test('a full hashing pool answers 503 with Retry-After instead of piling up', async () => {
    // 100 sign-ins at once (the per-address limit is 100 an hour): 2 hashing threads and 64
    // queued places cannot take them all.
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) =>
      server.post('/api/v1/auth/login', { email: `load-${i}@example.com`, password: 'Wrong-Secret-1?' })));
    const statuses = results.map((r) => r.status);
    assert.ok(statuses.every((s) => s === 401 || s === 503), `statuses: ${[...new Set(statuses)]}`);
    const busy = results.filter((r) => r.status === 503);
    assert.ok(busy.length > 0, 'some requests found the pool full');
    assert.ok(statuses.filter((s) => s === 401).length >= 60, 'the pool kept working');
    for (const r of busy) {
      assert.equal(r.body.code, 'unavailable');
      assert.ok(Number(r.headers.get('retry-after')) >= 1);
    }
    assert.equal((await server.get('/healthz')).status, 200);
  });
});

describe('mail through a real SMTP server', () => {
  let server;
  let smtp;
  let sinkDir;
  let dataDir;
  let port;
  before(async () => {
    sinkDir = mkdtempSync(join(tmpdir(), 'admit-smtp-'));
    dataDir = mkdtempSync(join(tmpdir(), 'admit-http-smtp-'));
    port = await freePort();
    smtp = spawn('/usr/bin/python3', [join(SOURCE_DIR, 'tests', 'support', 'smtp_sink.py'),
      '--port', String(port), '--dir', sinkDir, '--user', 'mailer', '--password', 's3cret:pass'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    smtp.stdout.on('data', (d) => { output += d; });
    smtp.stderr.on('data', (d) => { output += d; });
    await waitFor(() => output.includes('ready') || smtp.exitCode !== null, 'the SMTP server');
    assert.equal(smtp.exitCode, null, `smtp_sink.py failed: ${output}`);
    server = await startServer({
      dataDir,
      env: { ADMIT_SMTP_URL: `smtp://mailer:${encodeURIComponent('s3cret:pass')}@127.0.0.1:${port}`, ADMIT_MAIL_FROM: 'admit <tickets@example.test>' },
    });
  });
  after(async () => {
    await server?.stop();
    if (smtp && smtp.exitCode === null) {
      smtp.kill('SIGTERM');
      await new Promise((r) => smtp.on('exit', r));
    }
    for (const dir of [sinkDir, dataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the verification mail arrives over SMTP with authentication, and its link works', async () => {
    const email = uniqueEmail('smtp');
    const res = await server.post('/api/v1/auth/signup', { email, password: PASSWORD, name: 'Über Tester', role: 'attendee' });
    assert.equal(res.status, 202);
    const mail = await waitForMail(sinkDir, { to: email });
    assert.match(mail, /^From: admit <tickets@example\.test>/m);
    assert.match(mail, /^Message-ID: <mail_[a-z0-9]+@example\.test>/m);
    assert.match(mail, /^Date: /m);
    assert.match(mail, /Hello Über Tester,/);
    const meta = JSON.parse(readFileSync(join(sinkDir, readdirSync(sinkDir).filter((f) => f.endsWith('.json')).sort()[0]), 'utf8'));
    assert.deepEqual(meta.rcpt_tos, [email]);
    assert.equal(meta.mail_from, 'tickets@example.test');
    assert.equal(meta.auth_login, 'mailer', 'user:password from ADMIT_SMTP_URL');
    assert.equal(existsSync(server.outboxDir), false, 'no .eml files when SMTP is set');
    const verified = await server.post('/api/v1/auth/verify', { token: linkToken(mail, '/verify') });
    assert.equal(verified.status, 200);
  });

  test('mail queued while the SMTP server is down is delivered after a restart of both', async () => {
    // Stop the SMTP server; the sign-up still answers at once (mail waits in the outbox).
    smtp.kill('SIGTERM');
    await new Promise((r) => smtp.on('exit', r));
    const email = uniqueEmail('later');
    assert.equal((await server.post('/api/v1/auth/signup', { email, password: PASSWORD, name: 'Later', role: 'attendee' })).status, 202);
    await sleep(1500);
    assert.equal(mailsIn(sinkDir, email).length, 0);
    // Restart admit (the outbox is in the database) and the SMTP server; the retry is due
    // after the first backoff (30 s), so wait for it.
    await server.stop();
    const restarted = await startServer({ env: server.extraEnv, database: server.database, dataDir });
    server = restarted;
    smtp = spawn('/usr/bin/python3', [join(SOURCE_DIR, 'tests', 'support', 'smtp_sink.py'),
      '--port', String(port), '--dir', sinkDir, '--user', 'mailer', '--password', 's3cret:pass'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
    const mail = await waitFor(() => mailsIn(sinkDir, email)[0], 'the retried mail', 60_000);
    assert.match(mail, /verify\?token=/);
    assert.equal(mailsIn(sinkDir, email).length, 1, 'sent once');
  });
});
