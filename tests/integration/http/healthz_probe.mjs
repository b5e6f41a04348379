// Times GET /healthz on a new connection every `everyMs` ms, in a process of its own so that
// the client load of a test (building and sending megabyte bodies on its event loop) does
// not count as server latency. Each admit probe is bracketed by two probes of a trivial
// HTTP server in this process: when either of those takes over STALL_MS, the machine
// itself stalled (the test machine is shared; compilers run beside the tests) and the
// admit probe says nothing about admit, so it is reported as stalled, not counted.
// Started by harness.mjs sampleHealthz(); on the message 'stop' it answers with
// {times, stalled} and exits.
import { createServer, get } from 'node:http';

const STALL_MS = 20;
const [port, everyMs] = process.argv.slice(2).map(Number);
const control = createServer((req, res) => res.end('ok'));
await new Promise((resolve) => control.listen(0, '127.0.0.1', resolve));
const controlPort = control.address().port;

const times = [];
const stalled = [];
let running = true;
process.on('message', (m) => { if (m === 'stop') running = false; });

function probe(p, path) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = get({ host: '127.0.0.1', port: p, path, agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200 ? performance.now() - t0 : Infinity));
    });
    req.on('timeout', () => { req.destroy(); resolve(Infinity); });
    req.on('error', () => resolve(Infinity));
  });
}

process.send('ready');
while (running) {
  const before = await probe(controlPort, '/');
  const t = await probe(port, '/healthz');
  const after = await probe(controlPort, '/');
  if (Math.max(before, after) > STALL_MS && Number.isFinite(t)) stalled.push(t);
  else times.push(t);
  await new Promise((r) => setTimeout(r, everyMs));
}
const finite = (list) => list.map((t) => (Number.isFinite(t) ? t : -1));
process.send({ times: finite(times), stalled: finite(stalled) }, () => process.exit(0));
