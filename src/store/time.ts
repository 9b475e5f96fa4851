import { StoreError } from './errors.js';

/** Wall clock in milliseconds since the epoch (UTC); injected so tests control time. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

/** The clock's current time as an ISO 8601 UTC string (`2026-01-02T03:04:05.678Z`). */
export function isoNow(clock: Clock): string {
  return new Date(clock()).toISOString();
}

/**
 * Normalises an ISO 8601 time to the fixed-width UTC form `toISOString()` writes.
 * Stored times use this form so that ordering and range filters can compare text,
 * the same way on SQLite and PostgreSQL.
 */
export function normaliseIso(value: string, what: string): string {
  const ms = Date.parse(value);
  if (!ISO_PATTERN.test(value) || Number.isNaN(ms)) {
    throw new StoreError('INVALID', `${what} must be an ISO 8601 time with a time zone, e.g. 2026-01-02T03:04:05Z (got "${value}")`);
  }
  return new Date(ms).toISOString();
}

/** Date, time and a zone (Z or ±hh:mm): times without a zone would depend on the server's locale. */
const ISO_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
