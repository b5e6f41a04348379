export { api, request, buildUrl, ApiError, isApiError, CSRF_HEADER, toApiError } from './client';
export type { Query, RequestOptions } from './client';
export type * from './types';
