// The contract against the server: live answers of the real binary, checked against the
// response schemas of api/openapi.yaml: the status is documented, so is the content type,
// required fields are there with the right types and enum values, and no field is sent
// that the schema does not list. Reads the YAML with js-yaml from web/node_modules
// (a direct devDependency there, so npm ci in web/ installs it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, eventBody } from './harness.mjs';

const sourceDir = process.env.ADMIT_SOURCE_DIR ?? '.';
let yaml = null;
try {
  yaml = createRequire(join(sourceDir, 'web', 'package.json'))('js-yaml');
} catch {
  /* skipped below */
}
const skip = yaml ? false : 'needs js-yaml in web/node_modules (npm ci in web/)';
const spec = yaml ? yaml.load(readFileSync(join(sourceDir, 'api', 'openapi.yaml'), 'utf8')) : null;

// ---- a small checker for the JSON Schema the contract uses --------------------------------

const problems = [];

function resolve(schema) {
  let s = schema;
  while (s && s.$ref) s = s.$ref.split('/').slice(1).reduce((o, k) => o[k], spec);
  return s;
}

function typeOf(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (Number.isInteger(v)) return 'integer';
  return typeof v;
}

// Properties and required names of an object schema, allOf parts merged.
function shape(schema) {
  const s = resolve(schema);
  let properties = { ...(s.properties ?? {}) };
  let required = [...(s.required ?? [])];
  for (const part of s.allOf ?? []) {
    const sub = shape(part);
    properties = { ...properties, ...sub.properties };
    required = [...required, ...sub.required];
  }
  return { properties, required };
}

function check(schema, value, where) {
  const s = resolve(schema);
  if (!s) return;
  if (s.oneOf) {
    const failures = s.oneOf.map((option) => {
      const mark = problems.length;
      check(option, value, where);
      return problems.splice(mark).length;
    });
    if (!failures.includes(0)) problems.push(`${where}: matches none of oneOf`);
    return;
  }
  const t = typeOf(value);
  const types = s.type ? [].concat(s.type) : null;
  if (types && !types.includes(t) && !(t === 'integer' && types.includes('number'))) {
    problems.push(`${where}: ${t}, expected ${types.join(' or ')}`);
    return;
  }
  if (s.enum && !s.enum.includes(value)) problems.push(`${where}: ${JSON.stringify(value)} is not in the enum`);
  if (s.const !== undefined && value !== s.const) problems.push(`${where}: ${JSON.stringify(value)} is not ${s.const}`);
  if (t === 'array' && s.items) value.forEach((item, i) => check(s.items, item, `${where}[${i}]`));
  if (t === 'object' && (s.properties || s.allOf)) {
    const { properties, required } = shape(s);
    for (const k of required) if (!(k in value)) problems.push(`${where}: missing ${k}`);
    for (const [k, v] of Object.entries(value)) {
      if (k in properties) check(properties[k], v, `${where}.${k}`);
      else problems.push(`${where}: ${k} is not in the schema`);
    }
  }
}

function operation(method, path) {
  const bare = path.split('?')[0];
  for (const [template, item] of Object.entries(spec.paths)) {
    const re = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    const op = item[method.toLowerCase()];
    if (op && re.test(bare)) return { template, op };
  }
  return null;
}

// Makes the request and checks the answer against the operation's response.
async function call(server, method, path, opts = {}) {
  const res = await server.request(method, path, opts);
  const found = operation(method, path);
  if (!found) {
    problems.push(`${method} ${path}: no such operation`);
    return res;
  }
  const where = `${method} ${found.template} ${res.status}`;
  const response = resolve(found.op.responses[String(res.status)]);
  if (!response) {
    problems.push(`${where}: status not documented (${res.text.slice(0, 160)})`);
    return res;
  }
  if (res.body !== undefined) {
    const type = (res.headers.get('content-type') ?? '').split(';')[0];
    const media = response.content?.[type];
    if (!media) problems.push(`${where}: content type ${type} not documented`);
    else check(media.schema, res.body, where);
  }
  return res;
}

// ---- the answers ----------------------------------------------------------------------------

let server;
before(async () => {
  if (!skip) server = await startServer();
});
after(async () => {
  await server?.stop();
});

test('answers match the OpenAPI response schemas', { skip }, async () => {
  const org = server.createUser({ roles: ['organizer'] });
  const alice = server.createUser({});
  const admin = server.createUser({ roles: ['admin'] });
  const as = (u) => ({ token: u.token });
  const key = () => ({ 'idempotency-key': randomUUID() });
  const browser = { 'x-admit-csrf': '1' };

  // Events and promo codes.
  await call(server, 'GET', '/api/v1/categories');
  const ev = (
    await call(server, 'POST', '/api/v1/events', {
      ...as(org),
      body: eventBody({
        ticket_types: [
          { name: 'Free', price: 0, capacity: 50 },
          { name: 'Paid', price: 1500, capacity: 40 },
          { name: 'Crew', price: 0, capacity: 10, hidden: true },
        ],
      }),
    })
  ).body;
  const [free, paid, crew] = ev.ticket_types;
  await call(server, 'PATCH', `/api/v1/events/${ev.id}`, { ...as(org), body: { title: 'Contract check' } });
  await call(server, 'POST', `/api/v1/events/${ev.id}/publish`, as(org));
  await call(server, 'GET', '/api/v1/events?limit=2');
  await call(server, 'GET', '/api/v1/events?limit=0');
  const publicEvent = await call(server, 'GET', `/api/v1/events/${ev.id}`);
  await call(server, 'GET', `/api/v1/events/${ev.id}`, { headers: { 'if-none-match': publicEvent.headers.get('etag') } });
  const page = await call(server, 'GET', '/api/v1/events');
  await call(server, 'GET', '/api/v1/events', { headers: { 'if-none-match': page.headers.get('etag') } });
  await call(server, 'GET', '/api/v1/events/evt_doesnotexist00');
  await call(server, 'GET', '/api/v1/session');
  await call(server, 'GET', '/api/v1/session', as(alice));
  await call(server, 'GET', '/api/v1/organizer/events', as(org));
  await call(server, 'POST', `/api/v1/events/${ev.id}/promo-codes`, {
    ...as(org),
    body: { code: 'crew', kind: 'percent', amount: 10, ticket_type_id: crew.id, unlocks_hidden: true, max_uses: 5,
      valid_until: new Date(Date.now() + 86400_000).toISOString() },
  });
  await call(server, 'POST', `/api/v1/events/${ev.id}/promo-codes`, { ...as(org), body: { code: 'CREW', kind: 'fixed', amount: 1 } });
  await call(server, 'GET', `/api/v1/events/${ev.id}/promo-codes`, as(org));
  await call(server, 'GET', `/api/v1/events/${ev.id}?promo_code=crew`);
  await call(server, 'GET', `/api/v1/events/${ev.id}?promo_code=nope`);

  // Registrations.
  const reg = await call(server, 'POST', `/api/v1/events/${ev.id}/registrations`, {
    ...as(alice), headers: key(), body: { items: [{ ticket_type_id: free.id, quantity: 1 }] },
  });
  await call(server, 'POST', `/api/v1/events/${ev.id}/registrations`, {
    ...as(alice), headers: key(), body: { items: [{ ticket_type_id: paid.id, quantity: 2 }, { ticket_type_id: crew.id, quantity: 1 }], promo_code: 'crew' },
  });
  await call(server, 'GET', '/api/v1/me/registrations?scope=upcoming', as(alice));
  await call(server, 'GET', '/api/v1/me/registrations?scope=later', as(alice));
  await call(server, 'GET', `/api/v1/registrations/${reg.body.id}`, as(alice));
  await call(server, 'GET', `/api/v1/events/${ev.id}/registrations?limit=200`, as(org));
  await call(server, 'GET', `/api/v1/events/${ev.id}/registrations?cursor=bad`, as(org));
  await call(server, 'GET', `/api/v1/events/${ev.id}/stats`, as(org));
  await call(server, 'POST', `/api/v1/registrations/${reg.body.id}/cancel`, as(alice));
  await call(server, 'POST', `/api/v1/registrations/${reg.body.id}/cancel`, as(alice));

  // The waiting list of a sold-out event, then the event's cancellation.
  const small = (
    await call(server, 'POST', '/api/v1/events', {
      ...as(org), body: eventBody({ capacity: 1, ticket_types: [{ name: 'One', price: 0, capacity: 1 }] }),
    })
  ).body;
  const one = { items: [{ ticket_type_id: small.ticket_types[0].id, quantity: 1 }] };
  await call(server, 'POST', `/api/v1/events/${small.id}/publish`, as(org));
  await call(server, 'POST', `/api/v1/events/${small.id}/registrations`, { ...as(org), headers: key(), body: one });
  await call(server, 'POST', `/api/v1/events/${small.id}/registrations`, { ...as(alice), headers: key(), body: one });
  await call(server, 'POST', `/api/v1/events/${small.id}/waitlist`, { ...as(alice), body: {} });
  await call(server, 'GET', `/api/v1/events/${small.id}/waitlist`, as(alice));
  await call(server, 'DELETE', `/api/v1/events/${small.id}/waitlist`, as(alice));
  await call(server, 'POST', `/api/v1/events/${small.id}/cancel`, as(org));

  // Accounts, tokens, sessions, administration.
  await call(server, 'GET', '/api/v1/me', as(alice));
  await call(server, 'PATCH', '/api/v1/me', { ...as(alice), body: { name: 'Alice Renamed' } });
  await call(server, 'GET', '/api/v1/me/tokens', as(alice));
  const token = await call(server, 'POST', '/api/v1/me/tokens', { ...as(alice), body: { name: 'scanner' } });
  await call(server, 'DELETE', `/api/v1/me/tokens/${token.body.id}`, as(alice));
  await call(server, 'GET', '/api/v1/admin/users?limit=200', as(admin));
  await call(server, 'GET', '/api/v1/admin/users', as(alice));
  await call(server, 'POST', `/api/v1/admin/users/${alice.id}/disable`, as(admin));
  await call(server, 'POST', `/api/v1/admin/users/${alice.id}/enable`, as(admin));
  await call(server, 'POST', '/api/v1/auth/signup', {
    headers: browser, body: { email: 'contract@example.com', password: 'Correct-Horse-42!', name: 'New', role: 'attendee' },
  });
  await call(server, 'POST', '/api/v1/auth/signup', {
    headers: browser, body: { email: 'contract2@example.com', password: 'weak', name: 'New', role: 'attendee' },
  });
  const login = await call(server, 'POST', '/api/v1/auth/login', { headers: browser, body: { email: org.email, password: org.password } });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  await call(server, 'GET', '/api/v1/me/sessions', { headers: { cookie } });
  await call(server, 'POST', '/api/v1/auth/login', { headers: browser, body: { email: org.email, password: 'Wrong-Password-1' } });
  await call(server, 'POST', '/api/v1/auth/password-reset', { headers: browser, body: { email: org.email } });
  await call(server, 'POST', '/api/v1/auth/verify', { headers: browser, body: { token: 'nonsense' } });

  assert.deepEqual(problems, []);
});
