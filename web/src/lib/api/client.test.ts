import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api, buildUrl, request } from './client';

function mockFetch(res: Response | Error) {
  const fn = vi.fn(async () => {
    if (res instanceof Error) throw res;
    return res;
  });
  vi.stubGlobal('fetch', fn);
  return fn;
}

const problem = (status: number, body: object, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/problem+json', ...headers },
  });

afterEach(() => vi.unstubAllGlobals());

describe('request', () => {
  it('GET sends no CSRF header, asks for JSON and sends same-origin credentials', async () => {
    const fetch = mockFetch(new Response('{"items":[]}', { headers: { 'Content-Type': 'application/json' } }));
    const out = await api.get<{ items: unknown[] }>('/api/v1/events', { category: 'music', q: '' });
    expect(out).toEqual({ items: [] });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/events?category=music');
    expect(init.method).toBe('GET');
    expect(init.credentials).toBe('same-origin');
    const headers = init.headers as Record<string, string>;
    expect(headers['X-Admit-CSRF']).toBeUndefined();
    expect(headers.Accept).toBe('application/json');
  });

  it.each(['POST', 'PATCH', 'DELETE'] as const)('%s sends X-Admit-CSRF: 1', async (method) => {
    const fetch = mockFetch(new Response(null, { status: 204 }));
    await request('/api/v1/me', { method, body: method === 'DELETE' ? undefined : { name: 'A' } });
    const init = fetch.mock.calls[0][1 as never] as RequestInit;
    const headers = init.headers as Record<string, string>;
    expect(headers['X-Admit-CSRF']).toBe('1');
    if (method !== 'DELETE') {
      expect(headers['Content-Type']).toBe('application/json');
      expect(init.body).toBe('{"name":"A"}');
    } else {
      expect(headers['Content-Type']).toBeUndefined();
      expect(init.body).toBeUndefined();
    }
  });

  it('an action POST without a body sends no body and no Content-Type', async () => {
    const fetch = mockFetch(new Response('{}', { headers: { 'Content-Type': 'application/json' } }));
    await api.post('/api/v1/events/e1/publish');
    const init = fetch.mock.calls[0][1 as never] as RequestInit;
    expect(init.body).toBeUndefined();
    expect((init.headers as Record<string, string>)['Content-Type']).toBeUndefined();
  });

  it('passes extra headers such as Idempotency-Key', async () => {
    const fetch = mockFetch(new Response('{"id":"r1"}', { status: 201, headers: { 'Content-Type': 'application/json' } }));
    await api.post('/api/v1/events/e1/registrations', { items: [] }, { 'Idempotency-Key': 'k-123' });
    const headers = (fetch.mock.calls[0][1 as never] as RequestInit).headers as Record<string, string>;
    expect(headers['Idempotency-Key']).toBe('k-123');
    expect(headers['X-Admit-CSRF']).toBe('1');
  });

  it('returns undefined for 204', async () => {
    mockFetch(new Response(null, { status: 204 }));
    await expect(api.del('/api/v1/me/tokens/t1')).resolves.toBeUndefined();
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
    const err = (await api.post('/api/v1/auth/signup', {}).catch((e) => e)) as ApiError;
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
    const err = (await api.post('/api/v1/auth/login', {}).catch((e) => e)) as ApiError;
    expect(err.code).toBe('rate_limited');
    expect(err.retryAfter).toBe(30);
    expect(err.retryable).toBe(true);
    expect(err.detail).toBe('Too Many Requests');
    expect(err.errors).toEqual([]);
  });

  it('survives a non-JSON error body', async () => {
    mockFetch(new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway', headers: { 'Content-Type': 'text/html' } }));
    const err = (await api.get('/api/v1/events').catch((e) => e)) as ApiError;
    expect(err.status).toBe(502);
    expect(err.code).toBe('internal');
    expect(err.retryable).toBe(true);
  });

  it('ignores malformed field errors', async () => {
    mockFetch(problem(409, { code: 'sold_out', detail: 'Sold out', errors: [{ nope: 1 }, null] }));
    const err = (await api.post('/x', {}).catch((e) => e)) as ApiError;
    expect(err.code).toBe('sold_out');
    expect(err.errors).toEqual([]);
  });

  it('turns a network failure into a retryable status 0 error', async () => {
    mockFetch(new TypeError('Failed to fetch'));
    const err = (await api.get('/api/v1/me').catch((e) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(0);
    expect(err.code).toBe('network_error');
    expect(err.retryable).toBe(true);
  });
});

describe('buildUrl', () => {
  it('drops empty values and encodes the rest', () => {
    expect(buildUrl('/a', { q: 'jazz & blues', x: undefined, y: null, z: '' })).toBe('/a?q=jazz+%26+blues');
    expect(buildUrl('/a')).toBe('/a');
    expect(buildUrl('/a?format=csv', { q: 'x' })).toBe('/a?format=csv&q=x');
  });
});
