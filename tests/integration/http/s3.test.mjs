// The S3 blob store against a real S3-compatible server: s3rver (tests/peers) behind a
// small recording proxy. Ticket PDFs land in the bucket, are read back with the official
// AWS SDK (@aws-sdk/client-s3), downloads redirect to presigned URLs that serve the same
// bytes, a lost object is rendered again, and the signatures admit makes (libcurl's SigV4
// on requests, our own on presigned URLs) equal what the AWS SDK's signer
// (@smithy/signature-v4) computes for the same request: s3rver itself does not check V4
// signatures, so the SDK's signer is the referee.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { createServer, request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, freePort, publishedEvent, registerIssued, qrCodesOf } from './harness.mjs';

const require = createRequire(new URL('../../peers/package.json', import.meta.url));
const S3rver = require('s3rver');
const { S3Client, GetObjectCommand, HeadObjectCommand, DeleteObjectCommand } = require('@aws-sdk/client-s3');
const { SignatureV4 } = require('@smithy/signature-v4');

const BUCKET = 'admit-tickets';
const KEYS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

class NodeSha256 {
  constructor(secret) { this.h = secret ? createHmac('sha256', Buffer.from(secret)) : createHash('sha256'); }
  update(data) { this.h.update(typeof data === 'string' ? Buffer.from(data) : data); }
  async digest() { return new Uint8Array(this.h.digest()); }
}
const signer = new SignatureV4({ credentials: KEYS, region: 'us-east-1', service: 's3', sha256: NodeSha256,
  uriEscapePath: false, applyChecksum: true });

let s3, s3dir, proxy, proxyPort, server, organizer, alice, client, work;
const recorded = [];

before(async () => {
  s3dir = mkdtempSync(join(tmpdir(), 'admit-s3rver-'));
  work = mkdtempSync(join(tmpdir(), 'admit-s3-work-'));
  const s3port = await freePort();
  s3 = new S3rver({ port: s3port, address: '127.0.0.1', silent: true, directory: s3dir,
    configureBuckets: [{ name: BUCKET }] });
  await s3.run();
  // Records every request admit makes, then passes it on unchanged.
  proxyPort = await freePort();
  proxy = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      recorded.push({ method: req.method, url: req.url, headers: req.headers, body });
      const fwd = httpRequest({ host: '127.0.0.1', port: s3port, method: req.method, path: req.url, headers: req.headers },
        (up) => { res.writeHead(up.statusCode, up.headers); up.pipe(res); });
      fwd.on('error', () => { res.writeHead(502); res.end(); });
      fwd.end(body);
    });
  });
  await new Promise((ok) => proxy.listen(proxyPort, '127.0.0.1', ok));
  server = await startServer({ env: {
    ADMIT_BLOB_STORE: 's3', ADMIT_S3_ENDPOINT: `http://127.0.0.1:${proxyPort}`, ADMIT_S3_REGION: 'us-east-1',
    ADMIT_S3_BUCKET: BUCKET, ADMIT_S3_ACCESS_KEY: KEYS.accessKeyId, ADMIT_S3_SECRET_KEY: KEYS.secretAccessKey,
  } });
  organizer = server.createUser({ roles: ['organizer'] });
  alice = server.createUser({ roles: ['attendee'], name: 'Alice Attendee' });
  client = new S3Client({ region: 'us-east-1', endpoint: `http://127.0.0.1:${s3port}`, forcePathStyle: true,
    credentials: KEYS });
});
after(async () => {
  await server?.stop();
  client?.destroy();
  await new Promise((ok) => (proxy ? proxy.close(ok) : ok()));
  await s3?.close();
  for (const d of [s3dir, work]) if (d) rmSync(d, { recursive: true, force: true });
});

const amzDate = (s) => new Date(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}Z`);

test('ticket PDFs go to the bucket and come back through presigned URLs', async () => {
  const ev = await publishedEvent(server, organizer, { title: 'Object storage night' });
  const reg = await registerIssued(server, alice, ev, [{ name: 'Ada', email: 'ada@example.com' }, { name: '李小龍', email: 'lee@example.com' }]);
  const key = `tickets/${reg.id}.pdf`;

  // Read back with the AWS SDK: the object is the PDF, typed as one.
  const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
  assert.equal(head.ContentType, 'application/pdf');
  const obj = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  const stored = Buffer.from(await obj.Body.transformToByteArray());
  assert.equal(stored.subarray(0, 5).toString(), '%PDF-');
  assert.deepEqual(qrCodesOf(stored, work), reg.tickets.map((t) => t.qr));

  // The upload's SigV4 (libcurl) is the one the AWS SDK's signer computes.
  const put = recorded.find((r) => r.method === 'PUT' && r.url === `/${BUCKET}/${key}`);
  assert.ok(put, 'the upload went through the proxy');
  const auth = put.headers.authorization;
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(auth)[1].split(';');
  const headers = {};
  for (const h of signedHeaders) headers[h] = put.headers[h];
  const resigned = await signer.sign({ method: 'PUT', protocol: 'http:', hostname: '127.0.0.1', port: proxyPort,
    path: `/${BUCKET}/${key}`, query: {}, headers, body: put.body }, { signingDate: amzDate(put.headers['x-amz-date']) });
  assert.equal(/Signature=([0-9a-f]+)/.exec(resigned.headers.authorization)[1], /Signature=([0-9a-f]+)/.exec(auth)[1]);
  assert.equal(put.headers['x-amz-content-sha256'], sha256(put.body));

  // Downloads answer 303 to a presigned URL of the bucket, 10 minutes long.
  const first = await server.get(reg.tickets[0].pdf_url, { token: alice.token });
  assert.equal(first.status, 303);
  const url = new URL(first.headers.get('location'));
  assert.equal(url.origin, `http://127.0.0.1:${proxyPort}`);
  assert.equal(url.pathname, `/${BUCKET}/${key}`);
  assert.equal(url.searchParams.get('X-Amz-Expires'), '600');
  assert.equal(url.searchParams.get('response-content-disposition'), `attachment; filename="tickets-${reg.id}.pdf"`);
  // Its signature is the AWS SDK signer's for the same request.
  const query = Object.fromEntries([...url.searchParams].filter(([k]) => k === 'response-content-disposition'));
  const presigned = await signer.presign({ method: 'GET', protocol: 'http:', hostname: '127.0.0.1', port: proxyPort,
    path: url.pathname, query, headers: { host: url.host, 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' } },
  { signingDate: amzDate(url.searchParams.get('X-Amz-Date')), expiresIn: 600 });
  assert.equal(presigned.query['X-Amz-Signature'], url.searchParams.get('X-Amz-Signature'));
  const fetched = await fetch(url);
  assert.equal(fetched.status, 200);
  assert.equal(fetched.headers.get('content-disposition'), `attachment; filename="tickets-${reg.id}.pdf"`);
  assert.equal(sha256(Buffer.from(await fetched.arrayBuffer())), sha256(stored));

  // A lost object is rendered again, byte for byte, before the client is sent to it.
  await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
  const again = await server.get(reg.tickets[1].pdf_url, { token: alice.token });
  assert.equal(again.status, 303);
  const refetched = await fetch(again.headers.get('location'));
  assert.equal(refetched.status, 200);
  assert.equal(sha256(Buffer.from(await refetched.arrayBuffer())), sha256(stored));
});
