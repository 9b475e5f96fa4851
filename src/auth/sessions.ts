import { MAX_PASSWORD_LENGTH } from './passwords.js';
import type { PasswordHasher } from './passwords.js';
import type { SessionRecord, SessionStore, UserLookup } from './ports.js';
import type { AccountLockout, LockChange } from './account-lockout.js';
import type { LoginRateLimiter } from './rate-limit.js';
import { hashToken, isTokenShaped, newToken } from './tokens.js';
import type { RandomBytes } from './tokens.js';
import { normalizeUsername, toAuthUser, USERNAME_MAX_LENGTH } from './users.js';
import type { AuthUser } from './users.js';

const HOUR_MS = 3_600_000;
/** Default session length: a night shift, so an operator logs in once per shift. */
export const DEFAULT_SESSION_TTL_MS = 12 * HOUR_MS;
/** `lastSeenAt` (and, with an idle timeout, the sliding expiry) is written at most this often, not on every request. */
export const DEFAULT_TOUCH_INTERVAL_MS = 60_000;

export interface SessionServiceOptions {
  readonly store: SessionStore;
  readonly users: UserLookup;
  readonly hasher: PasswordHasher;
  /** Login throttling; without one, logins are not throttled (tests, CLI tools). */
  readonly limiter?: LoginRateLimiter;
  /** Per-account lockout after repeated failures; without one, accounts are never locked. */
  readonly lockout?: AccountLockout;
  /** Absolute session length from login. */
  readonly ttlMs?: number;
  /**
   * Ends a session after this long without an authenticated request. Off by
   * default: a console that only receives WebSocket pushes all night makes no
   * requests, and its operator is still at work.
   */
  readonly idleTimeoutMs?: number;
  readonly touchIntervalMs?: number;
  /** Wall clock, ms since the epoch. */
  readonly now: () => number;
  readonly random?: RandomBytes;
}

export interface LoginContext {
  /** Client address: Fastify `request.ip` (set `trustProxy` only behind a proxy you run, or clients choose their own address). */
  readonly ip: string;
  readonly userAgent?: string | undefined;
}

export type LoginFailureReason = 'invalid_credentials' | 'account_disabled' | 'rate_limited' | 'account_locked';

export type LoginResult =
  | {
      readonly ok: true;
      /** Session token: goes in the session cookie only, never in a response body. */
      readonly token: string;
      /** Goes to the console in the response body; it sends it back as `x-csrf-token`. */
      readonly csrfToken: string;
      readonly user: AuthUser;
      /** ms since the epoch. */
      readonly expiresAt: number;
      /** An expired lock seen by this attempt (for the audit log). */
      readonly lockChange?: LockChange;
    }
  | {
      readonly ok: false;
      readonly reason: LoginFailureReason;
      /** Set for `rate_limited` and `account_locked`: seconds before another attempt (HTTP `Retry-After`). */
      readonly retryAfterS?: number;
      /** Set for `account_locked`: when the lock ends, ms since the epoch. */
      readonly lockedUntil?: number;
      /** A lock this attempt placed or found expired (for the audit log). */
      readonly lockChange?: LockChange;
      /** The account, when the username named one (for the audit log; never tell the client). */
      readonly userId?: string;
    };

export interface Authenticated {
  readonly user: AuthUser;
  readonly session: SessionRecord;
}

export interface SessionService {
  /** Checks credentials and opens a session. Takes as long for an unknown user as for a wrong password. */
  login(username: string, password: string, context: LoginContext): Promise<LoginResult>;
  /** The session and user behind a cookie token; null when unknown, expired, idle, or the user is disabled, deleted or has an unknown role. */
  authenticate(token: string): Promise<Authenticated | null>;
  /** Ends a session; a no-op for an unknown token. */
  logout(token: string): Promise<void>;
  /**
   * Ends every session of a user: call on password change, role change, disable or delete.
   * `keepToken`: the caller's own session, kept when they changed their own password.
   */
  revokeUser(userId: string, options?: { readonly keepToken?: string }): Promise<number>;
  /** Lifts an account lockout (password reset by an administrator); true when the account was locked. */
  clearLockout(username: string): boolean;
  /** Deletes expired sessions (idle ones too: with an idle timeout the stored expiry slides); run periodically (e.g. hourly). */
  purgeExpired(): Promise<number>;
  readonly ttlMs: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Milliseconds of an ISO time from the store; NaN (never valid) when unparsable. */
const msOf = (time: string): number => Date.parse(time);

export function createSessionService(options: SessionServiceOptions): SessionService {
  const { store, users, hasher, limiter, lockout, now } = options;
  const ttlMs = options.ttlMs ?? DEFAULT_SESSION_TTL_MS;
  const idleMs = options.idleTimeoutMs;
  const touchMs = options.touchIntervalMs ?? DEFAULT_TOUCH_INTERVAL_MS;
  if (!(ttlMs > 0)) throw new RangeError('ttlMs must be positive');
  if (idleMs !== undefined && !(idleMs > 0)) throw new RangeError('idleTimeoutMs must be positive when given');

  /** Stored expiry for a session created at `createdMs` and last active at `activeMs`: the idle deadline, capped by the ttl. */
  const storedExpiry = (createdMs: number, activeMs: number): number =>
    idleMs === undefined ? createdMs + ttlMs : Math.min(createdMs + ttlMs, activeMs + idleMs);

  /** Counts a failed attempt towards the limits; the attempt that triggers a lockout still reports its own reason. */
  const failed = (name: string, ip: string, reason: LoginFailureReason, userId?: string): LoginResult => {
    limiter?.recordFailure(name, ip);
    const lockChange = lockout?.recordFailure(name) ?? undefined;
    return { ok: false, reason, ...(userId === undefined ? {} : { userId }), ...(lockChange ? { lockChange } : {}) };
  };

  /** True when a stored session no longer works at `t` (expired, past its ttl, idle, or with an unreadable time). */
  const isDead = (session: SessionRecord, t: number): boolean => {
    const created = msOf(session.createdAt);
    const expires = msOf(session.expiresAt);
    const lastSeen = msOf(session.lastSeenAt);
    if (!(t < expires) || !(t < created + ttlMs)) return true; // NaN compares false: an unreadable time ends the session
    return idleMs !== undefined && !(t - lastSeen < idleMs);
  };

  /** One login attempt on an account that is not locked. */
  const attempt = async (username: string, password: string, context: LoginContext): Promise<LoginResult> => {
    const gate = limiter?.check(username, context.ip);
    if (gate && !gate.allowed) return { ok: false, reason: 'rate_limited', retryAfterS: gate.retryAfterS };
    // No account can have such a name or password: refuse without hashing (reveals nothing about any account).
    if (username.length === 0 || [...username].length > USERNAME_MAX_LENGTH || [...password].length > MAX_PASSWORD_LENGTH) {
      return failed(username, context.ip, 'invalid_credentials');
    }

    const record = await users.findByUsername(username);
    if (!record) {
      await hasher.verifyDummy(password);
      return failed(username, context.ip, 'invalid_credentials');
    }
    if (!(await hasher.verify(record.passwordHash, password))) return failed(username, context.ip, 'invalid_credentials', record.id);
    // Only after the right password: a disabled account is not revealed to someone guessing.
    if (record.disabled) return failed(username, context.ip, 'account_disabled', record.id);
    const user = toAuthUser(record);
    if (!user) return failed(username, context.ip, 'account_disabled', record.id);

    limiter?.recordSuccess(username, context.ip);
    lockout?.recordSuccess(username);
    const token = newToken(options.random);
    const csrfToken = newToken(options.random);
    const t = now();
    await store.create({
      tokenHash: hashToken(token),
      userId: user.id,
      expiresAt: iso(storedExpiry(t, t)),
      csrfToken,
      ip: context.ip,
      userAgent: context.userAgent?.slice(0, 512) ?? null,
    });
    return { ok: true, token, csrfToken, user, expiresAt: t + ttlMs };
  };

  return {
    ttlMs,

    async login(rawUsername, password, context) {
      const username = normalizeUsername(rawUsername);
      // Before the address limiter and any password work: a locked account answers the same to right and wrong passwords.
      const lock = lockout?.status(username);
      if (lock?.locked) return { ok: false, reason: 'account_locked', lockedUntil: lock.until, retryAfterS: Math.max(1, Math.ceil((lock.until - now()) / 1000)) };
      const result = await attempt(username, password, context);
      // A lock found expired is reported once, with whatever this attempt gave.
      return lock?.change && result.lockChange === undefined ? { ...result, lockChange: lock.change } : result;
    },

    async authenticate(token) {
      if (!isTokenShaped(token)) return null;
      const tokenHash = hashToken(token);
      const session = await store.find(tokenHash);
      if (!session) return null;
      const t = now();
      if (isDead(session, t)) {
        await store.delete(tokenHash);
        return null;
      }
      const record = await users.get(session.userId);
      const user = record && !record.disabled ? toAuthUser(record) : null;
      if (!user) {
        await store.delete(tokenHash);
        return null;
      }
      if (t - msOf(session.lastSeenAt) >= touchMs) {
        const slide = idleMs === undefined ? undefined : { expiresAt: iso(storedExpiry(msOf(session.createdAt), t)) };
        const touched = await store.touch(tokenHash, slide);
        if (!touched) return null; // logged out concurrently
        return { user, session: touched };
      }
      return { user, session };
    },

    async logout(token) {
      if (!isTokenShaped(token)) return;
      await store.delete(hashToken(token));
    },

    revokeUser(userId, revokeOptions = {}) {
      return store.deleteForUser(userId, revokeOptions.keepToken === undefined ? undefined : { exceptTokenHash: hashToken(revokeOptions.keepToken) });
    },

    clearLockout(username) {
      return lockout?.clear(normalizeUsername(username)) ?? false;
    },

    purgeExpired() {
      return store.deleteExpired(iso(now()));
    },
  };
}

// ---------------------------------------------------------------------------
// Cookie

/** Name of the session cookie. */
export const SESSION_COOKIE = 'vigie_session';

/** Options in the shape @fastify/cookie's `reply.setCookie` takes (`maxAge` in seconds). */
export interface SessionCookieOptions {
  readonly httpOnly: true;
  readonly sameSite: 'strict';
  readonly secure: boolean;
  readonly path: '/api';
  readonly maxAge: number;
}

export interface CookieSecurity {
  /**
   * Explicit opt-in to drop `Secure` when serving plain HTTP on a loopback
   * host (development, `vigie demo`, tests). Ignored for any other host.
   */
  readonly allowInsecureLocalhost: boolean;
  /** Host the request was made to (Fastify `request.hostname`, port allowed). */
  readonly hostname: string;
}

/** True for localhost, *.localhost, 127.0.0.0/8 and ::1, with or without a port. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  const bareIpv6 = (h.match(/:/g)?.length ?? 0) > 1 && !h.startsWith('[');
  const host = h.startsWith('[') ? h.slice(1, h.indexOf(']')) : bareIpv6 ? h : h.replace(/:\d+$/, '');
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Cookie options for a session ending at `expiresAt`: HttpOnly, SameSite=Strict, Path=/api, Secure unless explicitly on loopback HTTP. */
export function sessionCookieOptions(expiresAt: number, nowMs: number, security: CookieSecurity): SessionCookieOptions {
  return {
    httpOnly: true,
    sameSite: 'strict',
    secure: !(security.allowInsecureLocalhost && isLoopbackHost(security.hostname)),
    path: '/api',
    maxAge: Math.max(0, Math.floor((expiresAt - nowMs) / 1000)),
  };
}

/** Options that clear the session cookie on logout (same attributes, Max-Age=0). */
export function clearSessionCookieOptions(security: CookieSecurity): SessionCookieOptions {
  return sessionCookieOptions(0, 0, security);
}
