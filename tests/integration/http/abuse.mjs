// Abuse that one client can do cheaply, each while GET /healthz is timed on fresh
// connections: the server must refuse or time the abuse out, and keep answering everyone
// else within 100 ms (every probe; probes taken while the machine itself stalled, seen by a
// trivial server beside the probe, are reported and left out: healthz_probe.mjs). Every loop is bounded and stays on 127.0.0.0/8 (Linux routes the
// whole block to the loopback interface, so 127.0.0.2... stand in for other clients).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startServer, rawExchange, sampleHealthz } from './harness.mjs';

const LIMIT_MS = 100;
const BUSY_MS = 1500;  // each bounded loop below repeats for at least this long
const busy = (i, started, max) => i < max && (i < 20 || Date.now() - started < BUSY_MS);
const METRICS_TOKEN = 'abuse-test-metrics-token-0123456789abcdef';
let server;
before(async () => {
  // Short timeouts keep the slow-client tests short; the defaults are 10 s and 30 s.
  server = await startServer({ env: { ADMIT_HEADER_TIMEOUT: '2', ADMIT_BODY_TIMEOUT: '3', ADMIT_METRICS_TOKEN: METRICS_TOKEN } });
});
after(async () => { await server?.stop(); });

// Runs `abuse` while /healthz is timed; the abuse should last a second or more (BUSY_MS).
async function whileTimingHealthz(name, abuse, target = server) {
  const probe = sampleHealthz(target.port);
  await probe.ready();
  let result;
  try {
    result = await abuse();
  } finally {
    const t = await probe.stop();
    const stalls = t.stalled ? `; ${t.stalled} more left out while the machine stalled (up to ${t.stalledMax.toFixed(1)} ms)` : '';
    console.log(`${name}: /healthz p50 ${t.p50.toFixed(1)} ms, max ${t.max.toFixed(1)} ms over ${t.count} probes${stalls}`);
    assert.ok(t.count >= 10, `${name}: too few probes (${t.count}${stalls})`);
    assert.ok(t.stalled <= t.count, `${name}: the machine stalled for most probes (${t.stalled} of ${t.count + t.stalled})`);
    assert.ok(t.max < LIMIT_MS, `${name}: /healthz took ${t.max.toFixed(1)} ms (limit ${LIMIT_MS})`);
  }
  return result;
}

// Opens a socket, sends `head` then `drip` one byte per second; resolves when the server
// closes it, with how long that took and whatever came back.
function dripFeed(head, drip) {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect({ port: server.port, host: '127.0.0.1' });
    let received = '';
    let i = 0;
    let timer;
    socket.on('connect', () => {
      socket.write(head);
      timer = setInterval(() => { if (i < drip.length) socket.write(drip[i++]); }, 1000);
    });
    socket.on('data', (d) => { received += d.toString('latin1'); });
    socket.on('error', () => {});
    socket.on('close', () => { clearInterval(timer); resolve({ ms: Date.now() - started, received, sent: i }); });
    setTimeout(() => socket.destroy(), 15_000);  // the bound, should the server never close
  });
}

async function metric(name, target = server) {
  const r = await target.get('/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  assert.equal(r.status, 200, r.text);
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(r.text);
  return m ? Number(m[1]) : NaN;
}

test('slow clients sending headers or bodies a byte a second are timed out', async () => {
  const results = await whileTimingHealthz('slow clients', () => Promise.all([
    ...Array.from({ length: 20 }, () => dripFeed('GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ', 'a'.repeat(60))),
    ...Array.from({ length: 20 }, () => dripFeed(
      'POST /api/v1/auth/password-reset HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
      '"'.repeat(99))),
  ]));
  for (const [i, r] of results.entries()) {
    // header timeout 2 s, body timeout 3 s (plus the scheduler's slack); never answered.
    assert.ok(r.ms < 6000, `slow client ${i} held its connection ${r.ms} ms`);
    assert.ok(r.sent < 6, `slow client ${i} could send ${r.sent} bytes`);
    assert.doesNotMatch(r.received, /^HTTP\/1\.1 2/);
  }
});

test('headers over the limit answer 400 and close', async () => {
  const results = await whileTimingHealthz('oversized headers', async () => {
    const out = [];
    for (let i = 0, t0 = Date.now(); busy(i, t0, 5000); i++)
      out.push(await rawExchange(server.port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
    return out;
  });
  for (const r of results) {
    assert.equal(r.status, 400, r.head);
    assert.match(r.body, /headers are too large/);
  }
});

test("bodies over the route's limit answer 413 before they are read", async () => {
  const results = await whileTimingHealthz('oversized bodies', async () => {
    const out = [];
    for (let i = 0, t0 = Date.now(); busy(i, t0, 1000); i++) {
      // Announced: refused from the header alone.
      out.push(await rawExchange(server.port, 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n{"a":'));
      // Chunked: refused once the chunks pass the limit (1 MiB).
      const chunk = 'a'.repeat(256 * 1024);
      const chunks = Array.from({ length: 6 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`).join('');
      out.push(await rawExchange(server.port, `POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunks}0\r\n\r\n`));
    }
    return out;
  });
  for (const r of results) {
    assert.equal(r.status, 413, r.head);
    assert.match(r.body, /larger than 1048576 bytes/);
  }
});

// The server refuses from the header while the client is still writing; it must keep
// reading (and dropping) what arrives until the client has its answer, or the kernel's RST
// on close takes the 413 away and the client sees only a broken pipe.
test('a client still sending a refused 16 MiB body reads its 413', async () => {
  const body = 'x'.repeat(16 << 20);
  for (let i = 0; i < 10; i++) {
    const r = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.equal(r.status, 413);
    assert.match((await r.json()).detail, /larger than 1048576 bytes/);
  }
});

test('deeply nested JSON, 1 MB strings, invalid UTF-8 and NUL bytes get clear 4xx answers', async () => {
  const send = (raw) => server.request('POST', '/api/v1/auth/password-reset', { raw, headers: { 'content-type': 'application/json' } });
  const deep = `{"email":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
  const huge = JSON.stringify({ email: 'é'.repeat(500_000) });
  const badUtf8 = Buffer.concat([Buffer.from('{"email":"'), Buffer.from([0xfe, 0xff]), Buffer.from('"}')]);
  const nul = '{"email":"a\\u0000@example.com"}';
  const answers = await whileTimingHealthz('hostile JSON', async () => {
    const out = [];
    for (let i = 0, t0 = Date.now(); busy(i, t0, 500); i++) out.push(['deep', await send(deep)], ['huge', await send(huge)], ['utf8', await send(badUtf8)], ['nul', await send(nul)]);
    return out;
  });
  for (const [kind, r] of answers) {
    if (kind === 'deep') { assert.equal(r.status, 400); assert.match(r.body.detail, /deeper than 32/); }
    if (kind === 'huge') { assert.equal(r.status, 422); assert.equal(r.body.errors[0].field, 'email'); }
    if (kind === 'utf8') { assert.equal(r.status, 400); assert.match(r.body.detail, /not valid UTF-8 \(at byte 10\)/); }
    if (kind === 'nul') { assert.equal(r.status, 422); assert.equal(r.body.errors[0].field, 'email'); }
  }
});

// Opens `count` connections from `localAddress` and waits until each is either open or closed
// by the server; resolves to the sockets still open.
async function openIdle(count, localAddress, target = server) {
  const sockets = await Promise.all(Array.from({ length: count }, () => new Promise((resolve) => {
    const s = connect({ port: target.port, host: '127.0.0.1', localAddress });
    s.resume();  // read, so that the server's close is seen
    s.on('connect', () => resolve(s));
    s.on('error', () => resolve(null));
  })));
  await new Promise((r) => setTimeout(r, 300));  // let the server close the ones over a cap
  return sockets.filter((s) => s && !s.destroyed && s.readyState === 'open');
}

test('5,000 idle connections do not slow anyone down', async () => {
  // Its own server with the default timeouts: idle sockets live 10 s before their first byte.
  const idle = await startServer({ env: { ADMIT_METRICS_TOKEN: METRICS_TOKEN } });
  // Ten client addresses with 500 connections each (under the per-address cap of 512).
  const sockets = [];
  let held = 0;
  try {
    await whileTimingHealthz('5,000 idle connections', async () => {
      for (let a = 2; a <= 11; a++) sockets.push(...await openIdle(500, `127.0.0.${a}`, idle));
      held = await metric('admit_http_connections', idle);
      await new Promise((r) => setTimeout(r, 1000));
    }, idle);
    assert.equal(sockets.length, 5000, 'every idle connection was accepted');
    assert.ok(held >= 5000, `the server held ${held} connections`);
  } finally {
    for (const s of sockets) s.destroy();
    await idle.stop();
  }
});

test('one address cannot hold more than its share of connections', async () => {
  const before = await metric('admit_http_connections_refused_per_address_total');
  let sockets = [];
  await whileTimingHealthz('one address over its cap', async () => {
    sockets = await openIdle(600, '127.0.0.12');
    await new Promise((r) => setTimeout(r, 1000));  // held while /healthz is timed
  });
  try {
    assert.equal(sockets.length, 512, 'the default cap is 512 per address');
    assert.equal(await metric('admit_http_connections_refused_per_address_total') - before, 88);
    // Idle connections do not keep their slots: the server closes them when the first
    // request's header has not come within the header timeout (2 s here).
    const started = Date.now();
    await Promise.all(sockets.map((s) => (s.destroyed ? null : new Promise((r) => s.once('close', r)))));
    const waited = Date.now() - started;
    console.log(`idle connections closed by the server within ${waited} ms of the check`);
    assert.ok(waited < 5000, `the server kept idle connections ${waited} ms`);
  } finally {
    for (const s of sockets) s.destroy();
  }
  // Freed slots are usable again.
  await new Promise((r) => setTimeout(r, 200));
  const again = await rawExchange(server.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', { localAddress: '127.0.0.12' });
  assert.equal(again.status, 200);
});
