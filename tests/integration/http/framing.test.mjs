// HTTP/1.1 message framing as RFC 9112 asks, on raw sockets (fetch would refuse to send
// these): a body length the server cannot be sure of is refused (400) and the connection
// closed, so that the server and a proxy in front of it cannot read two different requests
// out of one byte stream; transfer codings it does not implement answer 501.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, rawExchange } from './harness.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

const body = '{"email":"a@example.com"}';
const post = (headers, payload = '') =>
  `POST /api/v1/auth/password-reset HTTP/1.1\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n${payload}`;
const chunked = `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;

async function expectRefused(text, status, detail) {
  const r = await rawExchange(server.port, text);
  assert.equal(r.status, status, `expected ${status}, got:\n${r.head}\n${r.body}`);
  assert.match(r.head, /connection: close/i, 'the connection is closed after a framing error');
  assert.match(r.head, /content-type: application\/problem\+json/i);
  const problem = JSON.parse(r.body);
  assert.match(problem.detail, detail);
  return problem;
}

test('Transfer-Encoding with a coding before chunked answers 501', async () => {
  const p = await expectRefused(post(['Host: x', 'Content-Type: application/json', 'Transfer-Encoding: gzip, chunked'], chunked), 501, /'gzip' is not implemented/);
  assert.equal(p.code, 'not_implemented');
  await expectRefused(post(['Host: x', 'Transfer-Encoding: identity, chunked'], chunked), 501, /'identity' is not implemented/);
  // The same codings on two lines are one list (RFC 9110 §5.3).
  await expectRefused(post(['Host: x', 'Transfer-Encoding: gzip', 'Transfer-Encoding: chunked'], chunked), 501, /'gzip'/);
});

test('Transfer-Encoding whose final coding is not chunked answers 400', async () => {
  await expectRefused(post(['Host: x', 'Transfer-Encoding: gzip'], body), 400, /chunked must be the final/);
  await expectRefused(post(['Host: x', 'Transfer-Encoding: identity', `Content-Length: ${body.length}`], body), 400, /both Transfer-Encoding and Content-Length/);
  await expectRefused(post(['Host: x', 'Transfer-Encoding: identity'], body), 400, /chunked must be the final/);
  await expectRefused(post(['Host: x', 'Transfer-Encoding: chunked, chunked'], chunked), 400, /more than once/);
  await expectRefused(post(['Host: x', 'Transfer-Encoding: ,chunked'], chunked), 400, /empty transfer coding/);
});

test('Transfer-Encoding together with Content-Length answers 400, in either order', async () => {
  await expectRefused(post(['Host: x', 'Transfer-Encoding: chunked', `Content-Length: ${chunked.length}`], chunked), 400, /Content-Length or Transfer-Encoding|both/);
  await expectRefused(post(['Host: x', `Content-Length: ${chunked.length}`, 'Transfer-Encoding: chunked'], chunked), 400, /Content-Length or Transfer-Encoding|both/);
});

test('Transfer-Encoding in an HTTP/1.0 request answers 400', async () => {
  const text = `POST /api/v1/auth/password-reset HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunked}`;
  await expectRefused(text, 400, /HTTP\/1\.0/);
});

test('Host: missing in HTTP/1.1, given twice, or malformed answers 400', async () => {
  await expectRefused('GET /healthz HTTP/1.1\r\n\r\n', 400, /needs a Host header/);
  await expectRefused('GET /healthz HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n', 400, /more than one Host/);
  await expectRefused('GET /healthz HTTP/1.1\r\nHost: a b\r\n\r\n', 400, /not a valid host/);
  await expectRefused('GET /healthz HTTP/1.1\r\nHost: user@a.example\r\n\r\n', 400, /not a valid host/);
});

test('well-formed requests still pass: chunked alone, Host forms, HTTP/1.0 without Host', async () => {
  const ok = await rawExchange(server.port, post(['Host: 127.0.0.1:1', 'Content-Type: application/json', 'Transfer-Encoding: chunked', 'Connection: close'], chunked));
  assert.equal(ok.status, 202, ok.head);
  for (const host of ['localhost', '[::1]:8080', 'tickets.example.org', '']) {
    const r = await rawExchange(server.port, `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    assert.equal(r.status, 200, `Host: ${host}\n${r.head}`);
  }
  const old = await rawExchange(server.port, 'GET /healthz HTTP/1.0\r\n\r\n');
  assert.equal(old.status, 200, old.head);
});
