/**
 * Account lockout: after `maxFailures` consecutive failed logins for one
 * username within `windowMs`, that username is locked for `lockMs`, whatever
 * the address and whether later passwords are right. A successful login
 * resets the count. This is on top of the per-address rate limiter
 * (rate-limit.ts), which slows one machine down; the lockout stops a
 * distributed guess at one account, at the price that anyone can lock an
 * account for `lockMs` (docs/SECURITY.md).
 *
 * In memory: a restart unlocks every account (documented). Unknown usernames
 * are counted like real ones, so a lockout reveals nothing about which exist.
 */

const MINUTE_MS = 60_000;

export const DEFAULT_LOCKOUT = Object.freeze({ maxFailures: 5, windowMs: 15 * MINUTE_MS, lockMs: 15 * MINUTE_MS, maxEntries: 10_000 });

export interface AccountLockoutOptions {
  readonly now: () => number;
  readonly maxFailures?: number;
  readonly windowMs?: number;
  readonly lockMs?: number;
  /** Most usernames tracked; the oldest failure is forgotten first. */
  readonly maxEntries?: number;
}

/** What changed for the audit log: a lock placed, or one lifted (expired, or cleared by a password reset). */
export type LockChange = { readonly kind: 'locked'; readonly until: number } | { readonly kind: 'unlocked' };

export type LockStatus = { readonly locked: false; readonly change?: LockChange } | { readonly locked: true; readonly until: number };

export interface AccountLockout {
  /** Whether `username` is locked now; reports an expired lock as `unlocked` once. */
  status(username: string): LockStatus;
  /** Counts a failure; `locked` when this one locks the account. */
  recordFailure(username: string): LockChange | null;
  /** A successful login: the count starts again. */
  recordSuccess(username: string): void;
  /** Lifts a lock (password reset by an administrator); true when there was one. */
  clear(username: string): boolean;
}

interface Entry {
  firstFailureMs: number;
  failures: number;
  lockedUntilMs: number | null;
}

export function createAccountLockout(options: AccountLockoutOptions): AccountLockout {
  const { now } = options;
  const maxFailures = options.maxFailures ?? DEFAULT_LOCKOUT.maxFailures;
  const windowMs = options.windowMs ?? DEFAULT_LOCKOUT.windowMs;
  const lockMs = options.lockMs ?? DEFAULT_LOCKOUT.lockMs;
  const maxEntries = options.maxEntries ?? DEFAULT_LOCKOUT.maxEntries;
  const entries = new Map<string, Entry>();

  return {
    status(username) {
      const entry = entries.get(username);
      if (entry?.lockedUntilMs == null) return { locked: false };
      if (now() < entry.lockedUntilMs) return { locked: true, until: entry.lockedUntilMs };
      entries.delete(username);
      return { locked: false, change: { kind: 'unlocked' } };
    },
    recordFailure(username) {
      const t = now();
      let entry = entries.get(username);
      if (!entry || t - entry.firstFailureMs >= windowMs) entry = { firstFailureMs: t, failures: 0, lockedUntilMs: null };
      entry.failures += 1;
      // Re-inserted so the map stays in last-failure order for eviction.
      entries.delete(username);
      entries.set(username, entry);
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
      if (entry.failures < maxFailures) return null;
      entry.lockedUntilMs = t + lockMs;
      return { kind: 'locked', until: entry.lockedUntilMs };
    },
    recordSuccess(username) {
      entries.delete(username);
    },
    clear(username) {
      const locked = entries.get(username)?.lockedUntilMs != null;
      entries.delete(username);
      return locked;
    },
  };
}
