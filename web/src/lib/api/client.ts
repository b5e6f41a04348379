// The one HTTP client of the web app, typed by the generated OpenAPI paths (schema.d.ts,
// `npm run gen:api`) through openapi-fetch: a wrong path, method, parameter, body or
// response type does not compile. JSON in and out, same-origin cookies, the CSRF header on
// every state-changing request, and problem+json errors as ApiError (`unwrap`).
import createClient, { type Middleware } from 'openapi-fetch';
import i18n from '@/i18n';
import type { paths } from './schema';
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

/** The message of a request that never reached the server (translated where shown). */
export const NETWORK_ERROR_CODE = 'network_error';

function statusCode(status: number): string {
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

/** Turns a failed answer (its parsed problem+json body, if any) into an ApiError. */
export function toApiError(res: Response, body: unknown): ApiError {
  const retryHeader = res.headers.get('Retry-After');
  const retryAfter = retryHeader && /^\d+$/.test(retryHeader) ? Number(retryHeader) : null;
  const problem: Partial<Problem> = body && typeof body === 'object' ? (body as Partial<Problem>) : {};
  const errors = Array.isArray(problem.errors)
    ? problem.errors.filter(
        (e): e is FieldError => !!e && typeof e.field === 'string' && typeof e.message === 'string',
      )
    : [];
  return new ApiError({
    status: res.status,
    code: typeof problem.code === 'string' ? problem.code : statusCode(res.status),
    detail:
      (typeof problem.detail === 'string' && problem.detail) ||
      (typeof problem.title === 'string' && problem.title) ||
      res.statusText ||
      `HTTP ${res.status}`,
    errors,
    retryAfter,
  });
}

/** Sends X-Admit-CSRF: 1 on every request that may change something. */
const csrf: Middleware = {
  onRequest({ request }) {
    if (request.method !== 'GET' && request.method !== 'HEAD') request.headers.set(CSRF_HEADER, '1');
    return request;
  },
};

function sameOrigin(): string {
  return typeof window !== 'undefined' && window.location ? window.location.origin : '';
}

/**
 * The typed client: `client.GET('/api/v1/events/{id}', {params: {path: {id}}})`. Use it
 * through `unwrap`, which answers the success body or throws an ApiError.
 */
export const client = createClient<paths>({
  baseUrl: sameOrigin(),
  credentials: 'same-origin',
  headers: { Accept: 'application/json' },
  // Looked up on every call, so tests can stub the global fetch.
  fetch: (request) => globalThis.fetch(request),
});
client.use(csrf);

type Answer = { data?: unknown; error?: unknown; response: Response };
/** The success body of an answer (undefined for 204). */
export type Data<A extends Answer> = Exclude<A['data'], undefined>;

/**
 * Awaits a typed call and answers its success body; a problem answer throws ApiError, a
 * request that never reached the server throws ApiError with status 0 (an abort is
 * rethrown as it is).
 */
export async function unwrap<A extends Answer>(call: Promise<A>): Promise<Data<A>> {
  let answer: A;
  try {
    answer = await call;
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError({
      status: 0,
      code: NETWORK_ERROR_CODE,
      detail: i18n.t('common.errorNetwork'),
    });
  }
  if (!answer.response.ok) throw toApiError(answer.response, answer.error);
  return answer.data as Data<A>;
}
