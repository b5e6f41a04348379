// Lighthouse (the npm package, in tests/e2e/node_modules) over pages of a running admit,
// in Debian's Chromium: the mobile preset (Lighthouse's default: a mid-range phone,
// simulated slow 4G), then the desktop preset. Prints the four category scores and the
// page-load figures per URL and preset, and exits 1 when mobile Performance is under
// BENCH_LIGHTHOUSE_MIN (90), a page shifts by 0.1 or more, or the console shows errors.
//   node bench/lighthouse.mjs URL...
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(fileURLToPath(new URL('../tests/e2e/package.json', import.meta.url)));
const { default: lighthouse } = await import(require.resolve('lighthouse'));
const chromeLauncher = await import(require.resolve('chrome-launcher'));

// The desktop preset too (the layout shift the nav and footer made was worst there).
const desktop = (await import(require.resolve('lighthouse/core/config/desktop-config.js'))).default;
const urls = process.argv.slice(2);
if (urls.length === 0) {
  console.error('usage: node bench/lighthouse.mjs URL...');
  process.exit(2);
}
const min = Number(process.env.BENCH_LIGHTHOUSE_MIN ?? 90);
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
let failed = false;
try {
  for (const [preset, config] of [['mobile', undefined], ['desktop', desktop]]) {
  for (const url of urls) {
    // A run that could not measure the page (a runtime error such as NO_FCP when the
    // machine is busy) is tried once more and reported if it fails again.
    let lhr = (await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error' }, config)).lhr;
    if (lhr.runtimeError) {
      console.log(`  (${preset} ${url}: ${lhr.runtimeError.code}; trying once more)`);
      lhr = (await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error' }, config)).lhr;
    }
    const score = (id) => Math.round((lhr.categories[id]?.score ?? 0) * 100);
    const audit = (id) => lhr.audits[id]?.displayValue ?? 'n/a';
    const cls = lhr.audits['cumulative-layout-shift']?.numericValue ?? 0;
    const errors = lhr.audits['errors-in-console']?.details?.items ?? [];
    console.log(`${url} (${preset})`);
    console.log(`  performance ${score('performance')}, accessibility ${score('accessibility')}, ` +
      `best practices ${score('best-practices')}, SEO ${score('seo')}`);
    console.log(`  FCP ${audit('first-contentful-paint')}, LCP ${audit('largest-contentful-paint')}, ` +
      `TBT ${audit('total-blocking-time')}, CLS ${cls.toFixed(3)}, speed index ${audit('speed-index')}; ` +
      `console errors ${errors.length}; title "${lhr.audits['document-title']?.score === 1 ? 'present' : 'missing'}", ` +
      `meta description ${lhr.audits['meta-description']?.score === 1 ? 'present' : 'missing'}`);
    for (const e of errors) console.log(`    console: ${e.description ?? e.source}`);
    if (lhr.runtimeError) {
      console.log(`    not measured: ${lhr.runtimeError.code} ${lhr.runtimeError.message ?? ''}`);
      failed = true;
    }
    if ((preset === 'mobile' && score('performance') < min) || cls >= 0.1 || errors.length > 0) failed = true;
  }
  }
} finally {
  await chrome.kill();
}
process.exit(failed ? 1 : 0);
