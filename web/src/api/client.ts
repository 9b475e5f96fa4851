/**
 * Fetch wrapper for the Vigie API: same-origin cookies, JSON in and out,
 * the session's CSRF token on every state-changing request, and typed errors.
 */

export type ApiErrorCode =
  | 'INVALID_INPUT'
  | 'AUTH_REQUIRED'
  | 'CSRF_INVALID'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'NETWORK'
  | 'SERVER';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode | `HTTP_${number}` | (string & Record<never, never>),
    message: string,
    /** Seconds to wait, from `Retry-After` (429). */
    readonly retryAfterS: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;
let unauthorizedHandler: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called on any 401 (session expired or revoked): the app goes back to the login screen. */
export function onUnauthorized(handler: (() => void) | null): void {
  unauthorizedHandler = handler;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface RequestOptions {
  /** Do not call the 401 handler (login itself answers 401 to a wrong password). */
  quiet401?: boolean;
  signal?: AbortSignal;
}

export async function api<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (STATE_CHANGING.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: options.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', err instanceof Error ? err.message : String(err));
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const obj = (data ?? {}) as { code?: unknown; message?: unknown };
    const code = typeof obj.code === 'string' ? obj.code : res.status >= 500 ? 'SERVER' : `HTTP_${res.status}`;
    const message = typeof obj.message === 'string' ? obj.message : `${res.status} ${res.statusText}`;
    const retry = Number(res.headers.get('retry-after'));
    const err = new ApiError(res.status, code, message, Number.isFinite(retry) && retry > 0 ? retry : null);
    if (res.status === 401 && !options.quiet401) unauthorizedHandler?.();
    throw err;
  }
  return data as T;
}

export function isApiError(err: unknown, status?: number): err is ApiError {
  return err instanceof ApiError && (status === undefined || err.status === status);
}
