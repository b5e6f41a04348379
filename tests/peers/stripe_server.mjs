// A Stripe-protocol test server: the subset of Stripe's API that admit calls, with
// Stripe's error shapes and idempotency behaviour, plus a hosted checkout page and the
// webhooks Stripe would send, signed by the real `stripe` SDK
// (stripe.webhooks.generateTestHeaderString).
//
//   POST /v1/checkout/sessions       form-encoded, Idempotency-Key honoured
//   GET  /v1/checkout/sessions/:id
//   POST /v1/refunds                 then sends charge.refunded
//   GET  /v1/payment_intents/:id     ?expand[]=latest_charge (amount_refunded)
//   GET  /checkout/:id               the page an attendee pays on (Pay / Cancel buttons)
//   POST /checkout/:id/pay|cancel    pays (sends checkout.session.completed) or goes back
//
// Test controls (not Stripe): the object returned by startStripeServer() exposes the
// sessions, every request seen, `complete(id, {deliver, amount})`, `expire(id)`,
// `dropRate` (share of webhooks silently not delivered) and `sign(payload)`.
//
// Run standalone: node stripe_server.mjs --port 12111 --webhook URL --secret whsec_...
import { createServer } from 'node:http';
import { randomBytes, createHash } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Stripe = require('stripe');
const sdk = Stripe('sk_test_sdk_for_signing_only');

const id = (prefix) => `${prefix}_test_${randomBytes(12).toString('hex')}`;

// Stripe's nested form keys: a[b][0][c]=v -> {a: {b: [{c: v}]}}.
export function parseForm(text) {
  const out = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const parts = key.split(/\[|\]\[|\]/).filter((p) => p !== '');
    let node = out;
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(parts[i + 1]);
      if (last) node[part] = value;
      else node = node[part] ?? (node[part] = nextIsIndex ? [] : {});
    });
  }
  return out;
}

function stripeError(res, status, type, message, param) {
  const error = { type, message };
  if (param) error.param = param;
  if (type === 'invalid_request_error' && status === 404) error.code = 'resource_missing';
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req') });
  res.end(JSON.stringify({ error }));
}

function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req'), ...headers });
  res.end(JSON.stringify(body));
}

function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function validateSession(f) {
  const now = Math.floor(Date.now() / 1000);
  if (f.mode !== 'payment') return ['mode', 'mode must be one of payment, setup or subscription'];
  if (!f.success_url) return ['success_url', 'Missing required param: success_url.'];
  if (!Array.isArray(f.line_items) || f.line_items.length === 0) return ['line_items', 'Missing required param: line_items.'];
  for (const [i, li] of f.line_items.entries()) {
    const pd = li.price_data;
    if (!pd || !pd.currency || !/^\d+$/.test(pd.unit_amount ?? '') || !pd.product_data?.name)
      return [`line_items[${i}][price_data]`, 'price_data needs currency, unit_amount and product_data[name].'];
    if (!/^[1-9]\d*$/.test(li.quantity ?? '')) return [`line_items[${i}][quantity]`, 'Invalid positive integer'];
  }
  if (f.expires_at !== undefined) {
    const e = Number(f.expires_at);
    if (!(e >= now + 1800 - 5 && e <= now + 86400))
      return ['expires_at', 'The `expires_at` timestamp must be between 30 minutes and 24 hours from now.'];
  }
  return null;
}

export async function startStripeServer({ port = 0, webhookUrl, secret, apiKey } = {}) {
  const state = {
    sessions: new Map(),
    refunds: new Map(),
    idempotency: new Map(), // key -> {hash, status, body}
    requests: [],           // {method, path, idempotencyKey, stripeVersion}
    events: [],             // every event built: {id, type, payload, delivered}
    webhookUrl,
    secret,
    dropRate: 0,
  };
  let base = '';

  async function deliver(event, { force = false } = {}) {
    const payload = JSON.stringify(event);
    const record = { id: event.id, type: event.type, payload, delivered: false };
    state.events.push(record);
    if (!force && state.dropRate > 0 && Math.random() < state.dropRate) return record;
    if (!state.webhookUrl) return record;
    const header = sdk.webhooks.generateTestHeaderString({ payload, secret: state.secret });
    const r = await fetch(state.webhookUrl, {
      method: 'POST', body: payload, headers: { 'content-type': 'application/json', 'stripe-signature': header },
    });
    record.status = r.status;
    record.answer = await r.text();
    record.delivered = r.status === 200;
    return record;
  }

  const event = (type, object) => ({
    id: id('evt'), object: 'event', api_version: '2024-06-20', created: Math.floor(Date.now() / 1000),
    livemode: false, type, data: { object },
  });

  async function complete(sessionId, { deliver: send_ = true, amount } = {}) {
    const s = state.sessions.get(sessionId);
    if (!s) throw new Error(`no session ${sessionId}`);
    // An open session, or one that expired while its (async) payment was settling: paid now.
    if (s.status !== 'complete') {
      s.status = 'complete';
      s.payment_status = 'paid';
      s.payment_intent = id('pi');
      s.charge = id('ch');
    }
    const object = { ...s, amount_total: amount ?? s.amount_total };
    const e = event('checkout.session.completed', object);
    return send_ ? deliver(e) : { id: e.id, payload: JSON.stringify(e), event: e, delivered: false };
  }

  async function expire(sessionId, { deliver: send_ = true } = {}) {
    const s = state.sessions.get(sessionId);
    if (s.status === 'open') s.status = 'expired';
    const e = event('checkout.session.expired', { ...s });
    return send_ ? deliver(e) : { event: e };
  }

  async function api(req, res, url) {
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer sk_test_') || (apiKey && auth !== `Bearer ${apiKey}`))
      return stripeError(res, 401, 'invalid_request_error', 'Invalid API Key provided.');
    const body = await readBody(req);
    const key = req.headers['idempotency-key'];
    state.requests.push({ method: req.method, path: url.pathname, idempotencyKey: key,
                          stripeVersion: req.headers['stripe-version'], body });
    if (req.method === 'POST' && key) {
      const hash = createHash('sha256').update(`${url.pathname}\n${body}`).digest('hex');
      const seen = state.idempotency.get(key);
      if (seen && seen.hash !== hash)
        return stripeError(res, 400, 'idempotency_error',
          'Keys for idempotent requests can only be used with the same parameters they were first used with.');
      if (seen) return send(res, seen.status, seen.body, { 'idempotent-replayed': 'true' });
      const answer = handlePost(url.pathname, parseForm(body));
      state.idempotency.set(key, { hash, ...answer });
      return send(res, answer.status, answer.body);
    }
    if (req.method === 'POST') {
      const answer = handlePost(url.pathname, parseForm(body));
      return send(res, answer.status, answer.body);
    }
    const m = url.pathname.match(/^\/v1\/checkout\/sessions\/([^/]+)$/);
    if (req.method === 'GET' && m) {
      const s = state.sessions.get(decodeURIComponent(m[1]));
      if (!s) return stripeError(res, 404, 'invalid_request_error', `No such checkout.session: '${m[1]}'`, 'id');
      return send(res, 200, s);
    }
    const pi = url.pathname.match(/^\/v1\/payment_intents\/([^/]+)$/);
    if (req.method === 'GET' && pi) {
      const s = [...state.sessions.values()].find((x) => x.payment_intent === decodeURIComponent(pi[1]));
      if (!s) return stripeError(res, 404, 'invalid_request_error', `No such payment_intent: '${pi[1]}'`, 'intent');
      const charge = { id: s.charge, object: 'charge', amount: s.amount_total, amount_refunded: s.amount_refunded ?? 0,
                       currency: s.currency, payment_intent: s.payment_intent };
      const expand = url.searchParams.getAll('expand[]').includes('latest_charge');
      return send(res, 200, { id: s.payment_intent, object: 'payment_intent', amount: s.amount_total,
                              currency: s.currency, status: 'succeeded', latest_charge: expand ? charge : charge.id });
    }
    return stripeError(res, 404, 'invalid_request_error', `Unrecognized request URL (${req.method}: ${url.pathname}).`);
  }

  function handlePost(path, f) {
    const err = (param, message) => ({ status: 400, body: { error: { type: 'invalid_request_error', message, param } } });
    if (path === '/v1/checkout/sessions') {
      const bad = validateSession(f);
      if (bad) return err(...bad);
      const sid = id('cs');
      const currency = f.line_items[0].price_data.currency.toLowerCase();
      const amount = f.line_items.reduce((n, li) => n + Number(li.price_data.unit_amount) * Number(li.quantity), 0);
      const s = {
        id: sid, object: 'checkout.session', mode: 'payment', status: 'open', payment_status: 'unpaid',
        amount_total: amount, currency, client_reference_id: f.client_reference_id ?? null,
        metadata: f.metadata ?? {}, success_url: f.success_url, cancel_url: f.cancel_url ?? null,
        expires_at: Number(f.expires_at ?? Math.floor(Date.now() / 1000) + 86400), payment_intent: null,
        url: `${base}/checkout/${sid}`, line_items: f.line_items,
        payment_intent_metadata: f.payment_intent_data?.metadata ?? {},
      };
      state.sessions.set(sid, s);
      return { status: 200, body: s };
    }
    if (path === '/v1/refunds') {
      const s = [...state.sessions.values()].find((x) => x.payment_intent && x.payment_intent === f.payment_intent);
      if (!s) return err('payment_intent', `No such payment_intent: '${f.payment_intent}'`);
      const already = s.amount_refunded ?? 0;
      const amount = f.amount ? Number(f.amount) : s.amount_total - already;
      if (amount <= 0 || already + amount > s.amount_total)
        return err('amount', `Refund amount (${amount}) is greater than unrefunded amount on charge (${s.amount_total - already})`);
      s.amount_refunded = already + amount;
      const refund = { id: id('re'), object: 'refund', amount, currency: s.currency, payment_intent: s.payment_intent,
                       status: 'succeeded', metadata: f.metadata ?? {} };
      state.refunds.set(refund.id, refund);
      const charge = { id: s.charge, object: 'charge', amount: s.amount_total, amount_refunded: s.amount_refunded,
                       currency: s.currency, payment_intent: s.payment_intent, refunded: s.amount_refunded >= s.amount_total,
                       metadata: s.payment_intent_metadata };
      setTimeout(() => deliver(event('charge.refunded', charge)).catch(() => {}), 20);
      return { status: 200, body: refund };
    }
    return { status: 404, body: { error: { type: 'invalid_request_error', message: `Unrecognized request URL (POST: ${path}).` } } };
  }

  function page(res, s) {
    const amount = (s.amount_total / 100).toFixed(2);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html><head><title>Test checkout</title></head><body>
<h1>Test checkout</h1><p id="amount">${amount} ${s.currency.toUpperCase()}</p><p id="status">${s.status}</p>
<form method="post" action="/checkout/${s.id}/pay"><button id="pay" type="submit">Pay ${amount}</button></form>
<form method="post" action="/checkout/${s.id}/cancel"><button id="cancel" type="submit">Cancel</button></form>
</body></html>`);
  }

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://x');
      if (url.pathname.startsWith('/v1/')) return await api(req, res, url);
      const m = url.pathname.match(/^\/checkout\/([^/]+)(?:\/(pay|cancel))?$/);
      const s = m && state.sessions.get(m[1]);
      if (!s) { res.writeHead(404); return res.end('no such session'); }
      if (!m[2]) return page(res, s);
      if (m[2] === 'pay') {
        if (s.status !== 'open') { res.writeHead(409); return res.end(`session ${s.status}`); }
        await complete(s.id);
        res.writeHead(303, { location: s.success_url.replace('{CHECKOUT_SESSION_ID}', s.id) });
        return res.end();
      }
      res.writeHead(303, { location: s.cancel_url });
      return res.end();
    } catch (e) {
      res.writeHead(500);
      res.end(String(e));
    }
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  return {
    url: base, state, complete, expire, deliver, event,
    set dropRate(r) { state.dropRate = r; },
    set webhookUrl(u) { state.webhookUrl = u; },
    sign: (payload, opts = {}) => sdk.webhooks.generateTestHeaderString({ payload, secret: state.secret, ...opts }),
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : undefined; };
  const s = await startStripeServer({ port: Number(arg('--port') ?? 0), webhookUrl: arg('--webhook'),
                                      secret: arg('--secret') ?? 'whsec_test' });
  console.log(JSON.stringify({ url: s.url }));
}
