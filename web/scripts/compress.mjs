// Precompresses the built web app: beside every text file of dist/ worth it, a .gz (zlib,
// level 9) and a .br (brotli, quality 11), made once here rather than per request. The
// server reads them at start and sends the one the browser accepts (src/http/static_files.hpp).
import { readdirSync, readFileSync, statSync, writeFileSync, unlinkSync, existsSync } from 'node:fs';
import { join, extname } from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const root = process.argv[2] ?? new URL('../dist', import.meta.url).pathname;
const textual = new Set(['.html', '.js', '.mjs', '.css', '.svg', '.json', '.txt', '.webmanifest', '.map', '.xml']);
const minBytes = 1024;

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

let made = 0;
let saved = 0;
for (const path of files(root)) {
  const ext = extname(path);
  if (ext === '.gz' || ext === '.br') continue;
  for (const stale of [`${path}.gz`, `${path}.br`]) if (existsSync(stale)) unlinkSync(stale);
  if (!textual.has(ext)) continue;
  const data = readFileSync(path);
  if (data.length < minBytes) continue;
  const variants = {
    gz: gzipSync(data, { level: 9 }),
    br: brotliCompressSync(data, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      },
    }),
  };
  for (const [suffix, packed] of Object.entries(variants)) {
    if (packed.length >= data.length) continue; // not worth it: the server sends the original
    writeFileSync(`${path}.${suffix}`, packed);
    made += 1;
    saved += data.length - packed.length;
  }
}
console.log(`compress: ${made} precompressed files in ${root} (${Math.round(saved / 1024)} KiB saved in all)`);
