// Regenerates the API types from api/openapi.yaml into a temporary file and fails when
// they differ from the committed src/lib/api/schema.d.ts (CTest web_api_schema), so the
// typed client can never drift from the contract it claims to follow.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const committed = join(web, 'src/lib/api/schema.d.ts');
const dir = mkdtempSync(join(tmpdir(), 'admit-schema-'));
const fresh = join(dir, 'schema.d.ts');
try {
  execFileSync(join(web, 'node_modules/.bin/openapi-typescript'), ['../api/openapi.yaml', '-o', fresh], {
    cwd: web,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const want = readFileSync(fresh, 'utf8');
  const have = readFileSync(committed, 'utf8');
  if (want !== have) {
    const a = have.split('\n');
    const b = want.split('\n');
    let line = 0;
    while (line < a.length && line < b.length && a[line] === b[line]) line++;
    console.error(`web/src/lib/api/schema.d.ts is not what api/openapi.yaml generates (first difference at line ${line + 1}):`);
    console.error(`  committed: ${a[line] ?? '(end of file)'}`);
    console.error(`  generated: ${b[line] ?? '(end of file)'}`);
    console.error('Fix: cd web && npm run gen:api, then commit web/src/lib/api/schema.d.ts.');
    process.exit(1);
  }
  console.log('web/src/lib/api/schema.d.ts matches api/openapi.yaml');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
