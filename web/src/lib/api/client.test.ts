import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, client, unwrap } from './client';

function mockFetch(res: Response | Error) {
  const fn = vi.fn(async (_req: Request) => {
    if (res instanceof Error) throw res;
    return res;
  });
  vi.stubGlobal('fetch', fn);
  return fn;
}

const sent = (fn: ReturnType<typeof mockFetch>, i = 0) => fn.mock.calls[i][0];

const problem = (status: number, body: object, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/problem+json', ...headers },
  });

afterEach(() => vi.unstubAllGlobals());

describe('the typed client', () => {
  it('GET sends no CSRF header, asks for JSON, sends same-origin credentials and drops absent query values', async () => {
    const fetch = mockFetch(new Response('{"items":[],"next_cursor":null}', { headers: { 'Content-Type': 'application/json' } }));
    const out = await unwrap(client.GET('/api/v1/events', { params: { query: { category: 'music', q: undefined } } }));
    expect(out).toEqual({ items: [], next_cursor: null });
    const req = sent(fetch);
    expect(new URL(req.url).pathname + new URL(req.url).search).toBe('/api/v1/events?category=music');
    expect(req.method).toBe('GET');
    expect(req.credentials).toBe('same-origin');
    expect(req.headers.get('X-Admit-CSRF')).toBeNull();
    expect(req.headers.get('Accept')).toBe('application/json');
  });

  it('encodes path parameters', async () => {
    const fetch = mockFetch(new Response('{}', { headers: { 'Content-Type': 'application/json' } }));
    await unwrap(client.GET('/api/v1/events/{id}', { params: { path: { id: 'a/b c' } } }));
    expect(new URL(sent(fetch).url).pathname).toBe('/api/v1/events/a%2Fb%20c');
  });

  it('POST, PATCH and DELETE send X-Admit-CSRF: 1; JSON bodies go as JSON', async () => {
    const fetch = mockFetch(new Response(null, { status: 204 }));
    await unwrap(client.PATCH('/api/v1/me', { body: { name: 'A' } }));
    await unwrap(client.DELETE('/api/v1/me/tokens/{id}', { params: { path: { id: 't1' } } }));
    const patch = sent(fetch, 0);
    expect(patch.method).toBe('PATCH');
    expect(patch.headers.get('X-Admit-CSRF')).toBe('1');
    expect(patch.headers.get('Content-Type')).toBe('application/json');
    expect(await patch.text()).toBe('{"name":"A"}');
    const del = sent(fetch, 1);
    expect(del.method).toBe('DELETE');
    expect(del.headers.get('X-Admit-CSRF')).toBe('1');
    expect(del.body).toBeNull();
  });

  it('an action POST without a body sends no body', async () => {
    const fetch = mockFetch(new Response('{}', { headers: { 'Content-Type': 'application/json' } }));
    await unwrap(client.POST('/api/v1/events/{id}/publish', { params: { path: { id: 'e1' } } }));
    expect(sent(fetch).body).toBeNull();
    expect(sent(fetch).headers.get('X-Admit-CSRF')).toBe('1');
  });

  it('passes header parameters such as Idempotency-Key', async () => {
    const fetch = mockFetch(new Response('{"id":"r1"}', { status: 201, headers: { 'Content-Type': 'application/json' } }));
    await unwrap(
      client.POST('/api/v1/events/{id}/registrations', {
        params: { path: { id: 'e1' }, header: { 'Idempotency-Key': 'k-123' } },
        body: { items: [{ ticket_type_id: 't', quantity: 1 }] },
      }),
    );
    expect(sent(fetch).headers.get('Idempotency-Key')).toBe('k-123');
  });

  it('answers undefined for 204', async () => {
    mockFetch(new Response(null, { status: 204 }));
    await expect(unwrap(client.DELETE('/api/v1/me/tokens/{id}', { params: { path: { id: 't1' } } }))).resolves.toBeUndefined();
  });
});

describe('problem+json errors', () => {
  it('parses code, detail and field errors', async () => {
    mockFetch(
      problem(422, {
        type: 'about:blank',
        title: 'Unprocessable',
        status: 422,
        detail: 'Some fields are invalid.',
        code: 'validation_failed',
        errors: [
          { field: 'password', message: 'must contain a symbol' },
          { field: 'ticket_types[1].price', message: 'must be at least 0' },
        ],
      }),
    );
    const body = { email: 'a@example.com', password: 'x', name: 'A', role: 'attendee' as const };
    const err = (await unwrap(client.POST('/api/v1/auth/signup', { body })).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(422);
    expect(err.code).toBe('validation_failed');
    expect(err.detail).toBe('Some fields are invalid.');
    expect(err.errors).toHaveLength(2);
    expect(err.fieldError('password')).toBe('must contain a symbol');
    expect(err.fieldErrors()).toEqual({
      password: 'must contain a symbol',
      'ticket_types[1].price': 'must be at least 0',
    });
    expect(err.retryable).toBe(false);
  });

  it('keeps Retry-After on 429 and marks it retryable', async () => {
    mockFetch(problem(429, { title: 'Too Many Requests', status: 429, code: 'rate_limited' }, { 'Retry-After': '30' }));
    const body = { email: 'a@example.com', password: 'x' };
    const err = (await unwrap(client.POST('/api/v1/auth/login', { body })).catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe('rate_limited');
    expect(err.retryAfter).toBe(30);
    expect(err.retryable).toBe(true);
    expect(err.detail).toBe('Too Many Requests');
    expect(err.errors).toEqual([]);
  });

  it('survives a non-JSON error body', async () => {
    mockFetch(new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway', headers: { 'Content-Type': 'text/html' } }));
    const err = (await unwrap(client.GET('/api/v1/events')).catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(502);
    expect(err.code).toBe('internal');
    expect(err.detail).toBe('Bad Gateway');
    expect(err.retryable).toBe(true);
  });

  it('ignores malformed field errors', async () => {
    mockFetch(problem(409, { code: 'sold_out', detail: 'Sold out', errors: [{ nope: 1 }, null] }));
    const err = (await unwrap(client.POST('/api/v1/events/{id}/waitlist', { params: { path: { id: 'e' } }, body: { quantity: 1 } })).catch(
      (e: unknown) => e,
    )) as ApiError;
    expect(err.code).toBe('sold_out');
    expect(err.errors).toEqual([]);
  });

  it('turns a network failure into a retryable status 0 error', async () => {
    mockFetch(new TypeError('Failed to fetch'));
    const err = (await unwrap(client.GET('/api/v1/me')).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(0);
    expect(err.code).toBe('network_error');
    expect(err.retryable).toBe(true);
  });
});

describe('types follow api/openapi.yaml', () => {
  it('refuses, at compile time, a path, method or body the spec does not have', () => {
    // Each line below fails `tsc -b` if its @ts-expect-error is not needed, so the typing is checked.
    const never = () => {
      // @ts-expect-error: no such path
      void client.GET('/api/v1/nope');
      // @ts-expect-error: /api/v1/categories has no POST
      void client.POST('/api/v1/categories');
      // @ts-expect-error: quantity must be a number
      void client.POST('/api/v1/events/{id}/quote', { params: { path: { id: 'e' } }, body: { items: [{ ticket_type_id: 't', quantity: '1' }] } });
      // @ts-expect-error: the path parameter is required
      void client.GET('/api/v1/events/{id}');
    };
    expect(typeof never).toBe('function');
  });
});
