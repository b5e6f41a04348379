export { client, unwrap, ApiError, isApiError, CSRF_HEADER, NETWORK_ERROR_CODE, toApiError } from './client';
export type { Data } from './client';
export type * from './types';
