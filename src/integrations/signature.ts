import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures (docs/INTEGRATIONS.md, "Verifying a delivery"): the
 * HMAC-SHA256, keyed by the webhook's secret, of `<timestamp>.<body>`, sent as
 * `X-Vigie-Signature: sha256=<hex>` with `X-Vigie-Timestamp: <unix seconds>`.
 * Signing the timestamp with the body lets a receiver refuse replays of an old
 * delivery.
 */
export const SIGNATURE_HEADER = 'x-vigie-signature';
export const TIMESTAMP_HEADER = 'x-vigie-timestamp';
export const DELIVERY_HEADER = 'x-vigie-delivery';

export function signBody(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** A receiver's check: the signature matches and the timestamp is within `toleranceS` of `nowS`. */
export function verifySignature(secret: string, header: { readonly signature: string; readonly timestamp: string }, body: string, nowS: number, toleranceS = 300): boolean {
  const timestamp = Number(header.timestamp);
  if (!/^\d+$/.test(header.timestamp) || Math.abs(nowS - timestamp) > toleranceS) return false;
  const expected = Buffer.from(signBody(secret, timestamp, body));
  const given = Buffer.from(header.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
