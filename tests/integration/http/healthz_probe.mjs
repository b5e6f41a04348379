// Times GET /healthz on a new connection every `everyMs` ms, in a process of its own so that
// the client load of a test (building and sending megabyte bodies on its event loop) does
// not count as server latency. Started by harness.mjs sampleHealthz(); on the message
// 'stop' it answers with every probe's time in ms (Infinity for a failed probe) and exits.
import { get } from 'node:http';

const [port, everyMs] = process.argv.slice(2).map(Number);
const times = [];
let running = true;
process.on('message', (m) => { if (m === 'stop') running = false; });

function probe() {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = get({ host: '127.0.0.1', port, path: '/healthz', agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200 ? performance.now() - t0 : Infinity));
    });
    req.on('timeout', () => { req.destroy(); resolve(Infinity); });
    req.on('error', () => resolve(Infinity));
  });
}

process.send('ready');
while (running) {
  times.push(await probe());
  await new Promise((r) => setTimeout(r, everyMs));
}
process.send(times.map((t) => (Number.isFinite(t) ? t : -1)), () => process.exit(0));
