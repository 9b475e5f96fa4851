import { secretsEqual } from './tokens.js';

/**
 * CSRF protection by synchroniser token. Each session has a random CSRF token
 * (stored with it, sent to the console in the login and `/api/auth/me`
 * responses, never in a cookie). The console sends it back in the
 * `x-csrf-token` header on every state-changing request; a cross-site page
 * cannot read it, so it cannot forge the header. The SameSite=Strict session
 * cookie is a second, independent layer.
 */

export const CSRF_HEADER = 'x-csrf-token';

/** Methods that must not change state, hence need no CSRF token. */
export const SAFE_METHODS: readonly string[] = Object.freeze(['GET', 'HEAD', 'OPTIONS']);

export type CsrfResult = { readonly ok: true } | { readonly ok: false; readonly reason: 'missing' | 'mismatch' };

/**
 * Checks the CSRF header of a request made within a session. Safe methods pass;
 * any other method needs exactly one header equal to the session's token.
 * `headerValue` is the raw header as Node gives it (an array when repeated, which is refused).
 */
export function checkCsrf(method: string, headerValue: string | readonly string[] | undefined, sessionCsrf: string): CsrfResult {
  if (SAFE_METHODS.includes(method.toUpperCase())) return { ok: true };
  if (typeof headerValue !== 'string' || headerValue.length === 0) return { ok: false, reason: 'missing' };
  if (sessionCsrf.length === 0) return { ok: false, reason: 'mismatch' };
  return secretsEqual(headerValue, sessionCsrf) ? { ok: true } : { ok: false, reason: 'mismatch' };
}

/**
 * Same-origin check for requests that carry no CSRF header: the login POST and
 * the WebSocket upgrade (`/api/live`), which browsers send cross-site with
 * cookies unless SameSite stops them. True when the `Origin` header is absent
 * (non-browser clients, same-origin GET) or names one of `allowedOrigins`
 * (e.g. `https://vigie.example.fr`, compared exactly, scheme and port included).
 */
export function originAllowed(originHeader: string | undefined, allowedOrigins: readonly string[]): boolean {
  if (originHeader === undefined) return true;
  const origin = originHeader.toLowerCase();
  return allowedOrigins.some((o) => o.toLowerCase() === origin);
}
