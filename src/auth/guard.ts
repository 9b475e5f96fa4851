import { checkCsrf } from './csrf.js';
import { can } from './roles.js';
import type { Permission } from './roles.js';
import type { Authenticated } from './sessions.js';

/**
 * The decision every protected route makes, as one pure function, so the
 * server's hook only maps it to a reply. Order: no session -> 401; a
 * state-changing request without the session's CSRF token -> 403; a role
 * without the permission -> 403.
 */

export const AUTH_ERROR_CODES = [
  'AUTH_REQUIRED', // 401: no session cookie, or the session is unknown, expired, idle, or its user disabled
  'CSRF_INVALID', // 403: state-changing request without the session's x-csrf-token header
  'FORBIDDEN', // 403: the user's role lacks the route's permission
] as const;
export type AuthErrorCode = (typeof AUTH_ERROR_CODES)[number];

export type AuthorizeResult =
  | { readonly ok: true; readonly auth: Authenticated }
  | { readonly ok: false; readonly status: 401 | 403; readonly code: AuthErrorCode; readonly message: string };

export interface AuthorizeRequest {
  /** `await sessions.authenticate(cookie)`, or null when there was no cookie. */
  readonly auth: Authenticated | null;
  /** What the route needs; null for routes any logged-in user may call (`/api/auth/me`, `/api/auth/logout`). */
  readonly permission: Permission | null;
  readonly method: string;
  /** Raw `x-csrf-token` header. */
  readonly csrfHeader: string | readonly string[] | undefined;
}

export function authorize(request: AuthorizeRequest): AuthorizeResult {
  const { auth } = request;
  if (!auth) return { ok: false, status: 401, code: 'AUTH_REQUIRED', message: 'Sign in to continue.' };
  const csrf = checkCsrf(request.method, request.csrfHeader, auth.session.csrfToken);
  if (!csrf.ok) {
    return { ok: false, status: 403, code: 'CSRF_INVALID', message: `The request's CSRF token is ${csrf.reason}; reload the console.` };
  }
  if (request.permission !== null && !can(auth.user.role, request.permission)) {
    return { ok: false, status: 403, code: 'FORBIDDEN', message: `Your role (${auth.user.role}) does not allow this (${request.permission}).` };
  }
  return { ok: true, auth };
}
