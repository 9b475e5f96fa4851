import { isIP } from 'node:net';

/**
 * Login throttling, in memory. Failed logins are counted under three keys:
 * username+address (the normal guessing case), address alone (one machine
 * spraying many usernames) and username alone (many machines on one
 * account). When a key reaches its limit within its window it is locked;
 * each further lockout of the same key doubles, up to a cap. A successful
 * login clears its username+address key only, so a legitimate user does not
 * unlock an attacker elsewhere.
 *
 * Each scope has its own bounded map, so a flood of distinct addresses can
 * evict address entries but never a username's state.
 * State is per process: with several API servers each counts alone (the
 * limits then apply per server), which is acceptable for brute-force control.
 */

export interface ScopeLimit {
  /** Failures allowed in `windowMs` before a lockout. */
  readonly maxFailures: number;
  readonly windowMs: number;
}

export interface LoginRateLimitOptions {
  readonly now: () => number;
  readonly userAddress?: ScopeLimit;
  readonly address?: ScopeLimit;
  readonly user?: ScopeLimit;
  /** First lockout of a key; each following one doubles. */
  readonly baseLockoutMs?: number;
  readonly maxLockoutMs?: number;
  /** Most entries kept per scope; the least recently failed are evicted first. */
  readonly maxEntriesPerScope?: number;
}

const MINUTE_MS = 60_000;
export const DEFAULT_LOGIN_LIMITS = Object.freeze({
  userAddress: Object.freeze({ maxFailures: 5, windowMs: 15 * MINUTE_MS }),
  address: Object.freeze({ maxFailures: 30, windowMs: 15 * MINUTE_MS }),
  // Higher than userAddress: locking a name from anywhere lets anyone lock an operator out.
  user: Object.freeze({ maxFailures: 20, windowMs: 15 * MINUTE_MS }),
  baseLockoutMs: MINUTE_MS,
  maxLockoutMs: 60 * MINUTE_MS,
  maxEntriesPerScope: 10_000,
});

export type RateLimitDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterS: number };

export interface LoginRateLimiter {
  /** Whether a login attempt may proceed now (checked before any password work). */
  check(username: string, ip: string): RateLimitDecision;
  /** Counts a failed attempt; returns the decision for the next attempt. */
  recordFailure(username: string, ip: string): RateLimitDecision;
  /** Clears the username+address key after a successful login. */
  recordSuccess(username: string, ip: string): void;
  /** Entries held per scope (for metrics and tests). */
  sizes(): { readonly userAddress: number; readonly address: number; readonly user: number };
}

interface Entry {
  windowStartMs: number;
  failures: number;
  lockouts: number;
  lockedUntilMs: number;
  lastFailureMs: number;
}

/** One scope: a map in least-recently-failed order (re-inserted on each failure). */
class Scope {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly limit: ScopeLimit,
    private readonly lockout: { readonly baseMs: number; readonly maxMs: number },
    private readonly maxEntries: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Milliseconds until `key` is unlocked; 0 when it is not locked. */
  remainingLockMs(key: string, now: number): number {
    const e = this.entries.get(key);
    return e ? Math.max(0, e.lockedUntilMs - now) : 0;
  }

  fail(key: string, now: number): void {
    let e = this.entries.get(key);
    if (e && this.isStale(e, now)) e = undefined;
    if (!e) e = { windowStartMs: now, failures: 0, lockouts: 0, lockedUntilMs: 0, lastFailureMs: now };
    this.entries.delete(key);
    if (now - e.windowStartMs >= this.limit.windowMs) {
      e.windowStartMs = now;
      e.failures = 0;
    }
    e.failures += 1;
    e.lastFailureMs = now;
    if (e.failures >= this.limit.maxFailures) {
      e.lockouts += 1;
      e.lockedUntilMs = now + Math.min(this.lockout.maxMs, this.lockout.baseMs * 2 ** (e.lockouts - 1));
      e.failures = 0;
      e.windowStartMs = now;
    }
    this.entries.set(key, e);
    this.evict(now);
  }

  clear(key: string): void {
    this.entries.delete(key);
  }

  /** An entry is forgotten (lockout count included) once unlocked and a full window has passed since its last failure. */
  private isStale(e: Entry, now: number): boolean {
    return now >= e.lockedUntilMs && now - e.lastFailureMs >= this.limit.windowMs;
  }

  private evict(now: number): void {
    if (this.entries.size <= this.maxEntries) return;
    // Drop stale entries and then the least recently failed ones, down to 90 % of the cap,
    // so a flood pays for one sweep per tenth of the cap instead of one per insert.
    const target = Math.floor(this.maxEntries * 0.9);
    for (const [key, e] of this.entries) {
      if (this.isStale(e, now)) this.entries.delete(key);
    }
    for (const key of this.entries.keys()) {
      if (this.entries.size <= target) break;
      this.entries.delete(key);
    }
  }
}

export function createLoginRateLimiter(options: LoginRateLimitOptions): LoginRateLimiter {
  const lockout = {
    baseMs: options.baseLockoutMs ?? DEFAULT_LOGIN_LIMITS.baseLockoutMs,
    maxMs: options.maxLockoutMs ?? DEFAULT_LOGIN_LIMITS.maxLockoutMs,
  };
  const maxEntries = options.maxEntriesPerScope ?? DEFAULT_LOGIN_LIMITS.maxEntriesPerScope;
  if (!(maxEntries >= 1)) throw new RangeError('maxEntriesPerScope must be at least 1');
  const userAddress = new Scope(options.userAddress ?? DEFAULT_LOGIN_LIMITS.userAddress, lockout, maxEntries);
  const address = new Scope(options.address ?? DEFAULT_LOGIN_LIMITS.address, lockout, maxEntries);
  const user = new Scope(options.user ?? DEFAULT_LOGIN_LIMITS.user, lockout, maxEntries);

  const decide = (u: string, a: string): RateLimitDecision => {
    const now = options.now();
    const ms = Math.max(userAddress.remainingLockMs(`${u}\n${a}`, now), address.remainingLockMs(a, now), user.remainingLockMs(u, now));
    return ms > 0 ? { allowed: false, retryAfterS: Math.ceil(ms / 1000) } : { allowed: true };
  };

  return {
    check(username, ip) {
      return decide(usernameKey(username), addressKey(ip));
    },
    recordFailure(username, ip) {
      const u = usernameKey(username);
      const a = addressKey(ip);
      const now = options.now();
      userAddress.fail(`${u}\n${a}`, now);
      address.fail(a, now);
      user.fail(u, now);
      return decide(u, a);
    },
    recordSuccess(username, ip) {
      userAddress.clear(`${usernameKey(username)}\n${addressKey(ip)}`);
    },
    sizes() {
      return { userAddress: userAddress.size, address: address.size, user: user.size };
    },
  };
}

/** Usernames are keyed case-insensitively and cut to 64 characters, so a huge name cannot bloat memory. */
function usernameKey(username: string): string {
  return [...username.normalize('NFKC').trim().toLowerCase()].slice(0, 64).join('');
}

/**
 * The key for a client address: IPv4 as is (IPv4-mapped IPv6 unwrapped), IPv6
 * by its /64 prefix, since one subscriber usually holds a whole /64.
 */
export function addressKey(ip: string): string {
  const trimmed = ip.trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(trimmed);
  if (mapped?.[1]) return mapped[1];
  if (isIP(trimmed) !== 6) return trimmed.slice(0, 64);
  const groups = expandIpv6(trimmed.split('%')[0] ?? trimmed);
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : trimmed.slice(0, 64);
}

/** The eight 16-bit groups of an IPv6 address (embedded IPv4 tails converted), or null. */
function expandIpv6(ip: string): string[] | null {
  let text = ip;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const groups = [...head, ...Array<string>(Math.max(0, fill)).fill('0'), ...tail];
  if (groups.length !== 8) return null;
  return groups.map((g) => (parseInt(g, 16) || 0).toString(16));
}
