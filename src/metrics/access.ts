/**
 * Who may scrape `GET /metrics`: the host itself (loopback) without a token,
 * anyone else only with `Authorization: Bearer <token>` (VIGIE_METRICS_TOKEN).
 * Pure, so the rule is tested without a socket.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export type MetricsAccess =
  | { readonly ok: true }
  | { readonly ok: false; readonly status: 401 | 403; readonly code: 'METRICS_TOKEN_REQUIRED' | 'METRICS_FORBIDDEN'; readonly message: string };

/** 127.0.0.0/8, ::1 and their IPv4-mapped IPv6 forms. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return v4.startsWith('127.') || address === '::1';
}

/** Compared as digests so neither the length nor the content leaks through timing. */
function sameToken(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function metricsAccess(request: { readonly remoteAddress: string | undefined; readonly authorization: string | undefined }, token: string | null): MetricsAccess {
  if (isLoopbackAddress(request.remoteAddress)) return { ok: true };
  if (token === null) {
    return {
      ok: false,
      status: 403,
      code: 'METRICS_FORBIDDEN',
      message: 'GET /metrics answers only the Vigie host itself: set VIGIE_METRICS_TOKEN and send "Authorization: Bearer <token>" to scrape from another machine (docs/MONITORING.md)',
    };
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.authorization ?? '');
  if (match?.[1] && sameToken(match[1], token)) return { ok: true };
  return {
    ok: false,
    status: 401,
    code: 'METRICS_TOKEN_REQUIRED',
    message: 'GET /metrics from another machine needs the header "Authorization: Bearer <VIGIE_METRICS_TOKEN>"; it was missing or wrong',
  };
}

/** The token from the environment; empty or blank counts as none. */
export function metricsTokenFromEnv(env: NodeJS.ProcessEnv): string | null {
  const token = env.VIGIE_METRICS_TOKEN?.trim() ?? '';
  return token === '' ? null : token;
}
