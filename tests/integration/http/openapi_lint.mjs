// api/openapi.yaml itself: valid against the OpenAPI 3.1 schema, and clean under Redocly's
// `recommended` rules (api/redocly.yaml) with not even a warning left. Needs no server; its
// own CTest entry (openapi_lint), so the name does not match the HTTP suites' *.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Validator } from '@seriousme/openapi-schema-validator';
import { SPEC_PATH } from './openapi.mjs';
import { SOURCE_DIR } from '../../support/harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));

test('openapi.yaml is a valid OpenAPI 3.1 document', async () => {
  const validator = new Validator();
  const result = await validator.validate(SPEC_PATH);
  assert.equal(validator.version, '3.1');
  if (!result.valid) assert.fail(`not valid OpenAPI 3.1:\n${JSON.stringify(result.errors, null, 2).slice(0, 4000)}`);
});

test('Redocly lint (recommended rules) finds no error and no warning', () => {
  const redocly = join(here, 'node_modules', '.bin', 'redocly');
  const r = spawnSync(redocly, ['lint', SPEC_PATH, '--config', join(SOURCE_DIR, 'api', 'redocly.yaml'), '--format=json', '--max-problems=1000'], {
    encoding: 'utf8',
    timeout: 120_000,
    // No usage reports or update checks from a test run.
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });
  assert.ok(r.stdout, `redocly printed nothing (status ${r.status}): ${r.stderr}`);
  const report = JSON.parse(r.stdout);
  const lines = report.problems.map((p) => `${p.severity} ${p.ruleId} at ${p.location?.[0]?.pointer}: ${p.message}`);
  console.log(`redocly lint: ${report.totals.errors} errors, ${report.totals.warnings} warnings`);
  assert.deepEqual(lines, []);
  assert.equal(report.totals.errors + report.totals.warnings, 0);
});
