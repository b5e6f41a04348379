// The one HTTP client of the web app: JSON in and out, same-origin cookies, the CSRF
// header on every state-changing request, and problem+json errors as ApiError.
import type { FieldError, Problem } from './types';

export const CSRF_HEADER = 'X-Admit-CSRF';

/** A failed API call: the server's problem+json, or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly errors: FieldError[];
  readonly retryAfter: number | null;

  constructor(init: {
    status: number;
    code: string;
    detail: string;
    errors?: FieldError[];
    retryAfter?: number | null;
  }) {
    super(init.detail);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.detail = init.detail;
    this.errors = init.errors ?? [];
    this.retryAfter = init.retryAfter ?? null;
  }

  /** The message for one field (exact name), if the server named it. */
  fieldError(field: string): string | undefined {
    return this.errors.find((e) => e.field === field)?.message;
  }

  /** Field errors as a map (first message per field). */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.errors) if (!(e.field in out)) out[e.field] = e.message;
    return out;
  }

  /** True for failures worth retrying with the same request (network, 429, 5xx). */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** `/api/v1/events` + {category: 'music', q: ''} → `/api/v1/events?category=music` (empty values dropped). */
export function buildUrl(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

function statusTitle(status: number): string {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 422) return 'validation_failed';
  if (status === 429) return 'rate_limited';
  if (status === 503) return 'unavailable';
  if (status >= 500) return 'internal';
  return 'bad_request';
}

/** Turns a non-2xx response into an ApiError, reading problem+json when present. */
export async function toApiError(res: Response): Promise<ApiError> {
  const retryHeader = res.headers.get('Retry-After');
  const retryAfter = retryHeader && /^\d+$/.test(retryHeader) ? Number(retryHeader) : null;
  let problem: Partial<Problem> = {};
  const type = res.headers.get('Content-Type') ?? '';
  if (type.includes('json')) {
    try {
      problem = (await res.json()) as Partial<Problem>;
    } catch {
      problem = {};
    }
  }
  const errors = Array.isArray(problem.errors)
    ? problem.errors.filter(
        (e): e is FieldError =>
          !!e && typeof e.field === 'string' && typeof e.message === 'string',
      )
    : [];
  return new ApiError({
    status: res.status,
    code: typeof problem.code === 'string' ? problem.code : statusTitle(res.status),
    detail:
      (typeof problem.detail === 'string' && problem.detail) ||
      (typeof problem.title === 'string' && problem.title) ||
      res.statusText ||
      `Request failed (${res.status})`,
    errors,
    retryAfter,
  });
}

/** Calls the API; resolves to the parsed JSON body (undefined for 204/empty). */
export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  if (method !== 'GET') headers[CSRF_HEADER] = '1';
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(buildUrl(path, opts.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError({
      status: 0,
      code: 'network_error',
      detail: 'Could not reach the server. Check your connection and try again.',
    });
  }
  if (!res.ok) throw await toApiError(res);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  if (!text) return undefined as T;
  const type = res.headers.get('Content-Type') ?? '';
  return (type.includes('json') ? JSON.parse(text) : text) as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) =>
    request<T>(path, { query, signal }),
  post: <T>(path: string, body?: unknown, headers?: Record<string, string>) =>
    request<T>(path, { method: 'POST', body, headers }),
  patch: <T>(path: string, body: unknown) => request<T>(path, { method: 'PATCH', body }),
  del: <T = void>(path: string) => request<T>(path, { method: 'DELETE' }),
};
