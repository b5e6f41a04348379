// The HTTP contract as a checker: every answer the HTTP tests receive (harness.mjs routes all
// of them through checkAnswer) is validated against api/openapi.yaml with Ajv, the JSON
// Schema validator, in its draft 2020-12 mode (the dialect of OpenAPI 3.1). An answer the
// spec does not describe fails the test that received it:
// - the status is not listed for the operation (no exact code, no 4XX-style range, no
//   `default`);
// - the content type is not listed for that status (or a body came where none is listed);
// - the body does not match the listed schema (JSON bodies, and text bodies whose schema
//   is a string);
// - a header the spec marks `required` is missing (Retry-After on 429 and 503).
// (openapi_lint.test.mjs checks the spec itself: the OpenAPI 3.1 schema and Redocly's
// recommended rules.) Requests to paths the spec does not list (the web
// app's files, deliberately unknown API paths) have no operation to check against; they are
// counted, and stats() reports them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { SOURCE_DIR } from '../../support/harness.mjs';

export const SPEC_PATH = join(SOURCE_DIR, 'api', 'openapi.yaml');

let loaded = null;

// Answers may not carry fields the spec does not name (a client generated from it would
// not know them), but JSON Schema leaves objects open unless told. So, in the copy used
// here, every object schema is closed: `unevaluatedProperties: false` on each schema with
// `properties` or `allOf`, except the parts an allOf combines (closing a part would refuse
// the other parts' fields); a direct use of such a part is wrapped in a closed allOf.
function closeObjects(spec) {
  const schemas = spec.components?.schemas ?? {};
  const parts = new Set();
  const refName = (ref) => (typeof ref === 'string' && ref.startsWith('#/components/schemas/') ? ref.slice(21) : null);
  const findParts = (node) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node.allOf)) for (const p of node.allOf) if (refName(p?.$ref)) parts.add(refName(p.$ref));
    for (const v of Object.values(node)) findParts(v);
  };
  findParts(spec);
  const open = (node) => node.additionalProperties !== undefined || node.unevaluatedProperties !== undefined;
  const visit = (node, isPart) => {
    if (!node || typeof node !== 'object') return node;
    if (Array.isArray(node)) return node.map((v) => visit(v, false));
    if (node.$ref && !isPart && parts.has(refName(node.$ref))) return { allOf: [node], unevaluatedProperties: false };
    const out = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === 'allOf' && Array.isArray(v)) out[k] = v.map((p) => visit(p, true));
      else if (k === 'properties' && v && typeof v === 'object') out[k] = Object.fromEntries(Object.entries(v).map(([n, sch]) => [n, visit(sch, false)]));
      else if (k === 'example' || k === 'examples') out[k] = v;
      else out[k] = visit(v, false);
    }
    if ((out.properties || out.allOf) && !isPart && !open(out)) out.unevaluatedProperties = false;
    return out;
  };
  const copy = visit(spec, false);
  for (const name of Object.keys(schemas)) copy.components.schemas[name] = visit(schemas[name], parts.has(name));
  return copy;
}

function load() {
  if (loaded) return loaded;
  const spec = closeObjects(yaml.load(readFileSync(SPEC_PATH, 'utf8')));
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  // The whole document under one id, so that a schema is compiled by its JSON pointer and
  // its #/components/... references resolve within the document.
  ajv.addSchema(spec, 'openapi');
  // Longest literal prefix first, so /api/v1/me/tokens wins over /api/v1/me/{anything}.
  const operations = [];
  for (const [template, item] of Object.entries(spec.paths ?? {})) {
    const names = [];
    const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, n) => {
      names.push(n);
      return '([^/]+)';
    });
    const re = new RegExp(`^${source}$`);
    for (const method of ['get', 'put', 'post', 'delete', 'options', 'head', 'patch']) {
      if (item[method]) operations.push({ template, method, re, params: names.length, pointer: ['paths', template, method] });
    }
  }
  operations.sort((a, b) => a.params - b.params);
  loaded = { spec, ajv, operations, validators: new Map(), stats: { checked: 0, unmatched: 0, byOperation: new Map() } };
  return loaded;
}

const escape = (segment) => String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
const pointerOf = (parts) => `#/${parts.map(escape).join('/')}`;

function at(spec, parts) {
  return parts.reduce((o, k) => (o == null ? undefined : o[k]), spec);
}

// Follows $ref chains of a Response/Header object; returns [object, its path].
function deref(spec, parts) {
  let obj = at(spec, parts);
  let path = parts;
  for (let i = 0; obj && obj.$ref && i < 10; i++) {
    path = obj.$ref.replace(/^#\//, '').split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    obj = at(spec, path);
  }
  return [obj, path];
}

function validatorFor(state, parts) {
  const key = pointerOf(parts);
  let v = state.validators.get(key);
  if (!v) {
    v = state.ajv.getSchema(`openapi${key}`);
    if (!v) throw new Error(`openapi: cannot compile the schema at ${key}`);
    state.validators.set(key, v);
  }
  return v;
}

function findOperation(state, method, path) {
  const bare = path.split('?')[0];
  const m = method.toLowerCase();
  return state.operations.find((op) => op.method === m && op.re.test(bare));
}

function statusKey(responses, status) {
  if (responses[String(status)]) return String(status);
  const range = `${String(status)[0]}XX`;
  if (responses[range]) return range;
  if (responses.default) return 'default';
  return null;
}

const snippet = (text) => (text.length > 200 ? `${text.slice(0, 200)}...` : text);

// Checks one answer; returns a list of problems (empty when the spec describes it).
export function checkAnswer({ method, path, status, headers, text }) {
  const state = load();
  const op = findOperation(state, method, path);
  if (!op) {
    state.stats.unmatched++;
    return [];
  }
  state.stats.checked++;
  const opKey = `${op.method.toUpperCase()} ${op.template}`;
  state.stats.byOperation.set(opKey, (state.stats.byOperation.get(opKey) ?? 0) + 1);
  const where = `${opKey} -> ${status}`;
  const operation = at(state.spec, op.pointer);
  const key = statusKey(operation.responses ?? {}, status);
  if (!key) return [`${where}: status ${status} is not listed for this operation (${snippet(text)})`];
  const [response, responsePath] = deref(state.spec, [...op.pointer, 'responses', key]);
  const problems = [];

  for (const [name, header] of Object.entries(response.headers ?? {})) {
    const [h] = deref(state.spec, [...responsePath, 'headers', name]);
    if (h?.required && headers.get(name) === null) problems.push(`${where}: required header ${name} is missing`);
  }

  const type = (headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  const content = response.content ?? {};
  const noBody = method.toUpperCase() === 'HEAD' || status === 204 || status === 304;
  if (noBody || (text === '' && !type)) {
    if (!noBody && Object.keys(content).length > 0 && text === '')
      problems.push(`${where}: the answer has no body, the spec lists ${Object.keys(content).join(', ')}`);
    return problems;
  }
  const mediaKey = Object.keys(content).find((k) => k.toLowerCase() === type) ??
    Object.keys(content).find((k) => k.endsWith('/*') && type.startsWith(k.slice(0, -1)));
  if (!mediaKey) {
    problems.push(`${where}: content type '${type}' is not listed (listed: ${Object.keys(content).join(', ') || 'none'})`);
    return problems;
  }
  const schemaPath = [...responsePath, 'content', mediaKey, 'schema'];
  const schema = at(state.spec, schemaPath);
  if (!schema) return problems;
  let value;
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      value = JSON.parse(text);
    } catch {
      problems.push(`${where}: the body is not JSON (${snippet(text)})`);
      return problems;
    }
  } else {
    value = text;  // text answers (text/plain, text/csv, ...): checked when their schema is a string
  }
  const validate = validatorFor(state, schemaPath);
  if (!validate(value)) {
    const errors = validate.errors.map((e) => `${e.instancePath || '(body)'} ${e.message}${e.params?.additionalProperty ? ` '${e.params.additionalProperty}'` : ''}`);
    problems.push(`${where}: the body does not match the schema: ${errors.slice(0, 5).join('; ')} (${snippet(text)})`);
  }
  return problems;
}

export function stats() {
  const s = load().stats;
  return { checked: s.checked, unmatched: s.unmatched, operations: s.byOperation.size };
}

export function operations() {
  return load().operations.map((o) => `${o.method.toUpperCase()} ${o.template}`);
}

export function spec() {
  return load().spec;
}
