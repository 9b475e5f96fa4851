/**
 * Security headers sent on every response (API, console, public page).
 *
 * The CSP fits the built console (web/dist): self-hosted module scripts, no
 * inline script; Mantine injects its CSS variables in <style> elements and the
 * public page carries one, hence 'unsafe-inline' for styles only; hls.js runs
 * its worker from a blob: URL and feeds the <video> through MediaSource (blob:);
 * previews, snapshots, the API and the live WebSocket are same-origin ('self'
 * covers ws:/wss: to the same host). Nothing may frame Vigie.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** One year: browsers then refuse plain HTTP to this host, so only sent when TLS is on. */
export const HSTS = 'max-age=31536000';

export function securityHeaders(tls: boolean): Readonly<Record<string, string>> {
  return {
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'permissions-policy': 'camera=(), microphone=(), geolocation=()',
    'cross-origin-opener-policy': 'same-origin',
    ...(tls ? { 'strict-transport-security': HSTS } : {}),
  };
}
