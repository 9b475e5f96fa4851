import { z } from 'zod';
import { originAllowed } from '../../auth/csrf.js';
import { checkPasswordPolicy } from '../../auth/passwords.js';
import { permissionsOf } from '../../auth/roles.js';
import { SESSION_COOKIE, clearSessionCookieOptions, sessionCookieOptions, type Authenticated } from '../../auth/sessions.js';
import type { AuthUser } from '../../auth/users.js';
import { loginBodySchema, passwordChangeSchema } from '../../auth/users.js';
import type { ServerDeps } from '../deps.js';
import { HttpError } from '../http-error.js';
import { route, type RouteSpec } from '../route.js';

const principal = z.object({
  user: z.object({ id: z.string(), username: z.string(), displayName: z.string(), role: z.string() }),
  permissions: z.array(z.string()),
  csrfToken: z.string(),
  expiresAt: z.string(),
});

const describe = (user: AuthUser, csrfToken: string, expiresAt: string): z.infer<typeof principal> => ({
  user: { id: user.id, username: user.username, displayName: user.displayName, role: user.role },
  permissions: [...permissionsOf(user.role)],
  csrfToken,
  expiresAt,
});

export function authRoutes(deps: ServerDeps): RouteSpec[] {
  const security = (hostname: string) => ({ allowInsecureLocalhost: deps.allowInsecureLocalhost, hostname });
  return [
    route({
      method: 'POST',
      url: '/api/auth/login',
      summary: 'Open a session (sets the HTTP-only session cookie)',
      tag: 'auth',
      access: 'public',
      body: loginBodySchema,
      response: principal,
      async handler({ body, request, reply }) {
        // The console is served by this server: a login posted from another site is refused.
        if (!originAllowed(request.headers.origin, [`${request.protocol}://${request.host}`])) {
          throw new HttpError(403, 'ORIGIN_REFUSED', 'log in from the Vigie console itself');
        }
        const result = await deps.sessions.login(body.username, body.password, { ip: request.ip, userAgent: request.headers['user-agent'] });
        const username = result.ok ? result.user.username : body.username;
        if (result.lockChange?.kind === 'unlocked') {
          await deps.repos.audit.append({ actor: 'system', action: 'auth.unlocked', target: result.ok ? result.user.id : (result.userId ?? null), details: { username, reason: 'lock_expired' } });
        }
        if (result.ok) {
          await deps.repos.audit.append({ actor: result.user.id, action: 'auth.login', target: result.user.id, details: { username: result.user.username, ip: request.ip } });
        } else {
          // The account tried, when the username named one, is the target; the caller stays anonymous.
          await deps.repos.audit.append({ actor: 'anonymous', action: 'auth.login_failed', target: result.userId ?? null, details: { username: body.username, ip: request.ip, reason: result.reason } });
        }
        if (result.lockChange?.kind === 'locked') {
          const until = new Date(result.lockChange.until).toISOString();
          await deps.repos.audit.append({ actor: 'system', action: 'auth.locked', target: result.ok ? null : (result.userId ?? null), details: { username, until, ip: request.ip } });
        }
        if (!result.ok) {
          if (result.reason === 'account_locked') {
            // The same answer to right and wrong passwords: a locked account reveals nothing.
            const until = new Date(result.lockedUntil ?? deps.now()).toISOString();
            void reply.header('retry-after', String(result.retryAfterS ?? 60));
            throw new HttpError(423, 'ACCOUNT_LOCKED', `this account is locked after too many failed logins: try again after ${until} (in ${Math.ceil((result.retryAfterS ?? 60) / 60)} min), or ask an administrator to reset its password`);
          }
          if (result.reason === 'rate_limited') {
            void reply.header('retry-after', String(result.retryAfterS ?? 60));
            throw new HttpError(429, 'RATE_LIMITED', `too many failed logins: try again in ${result.retryAfterS ?? 60} s`);
          }
          throw new HttpError(401, 'INVALID_CREDENTIALS', 'wrong username or password');
        }
        void reply.setCookie(SESSION_COOKIE, result.token, sessionCookieOptions(result.expiresAt, deps.now(), security(request.hostname)));
        return describe(result.user, result.csrfToken, new Date(result.expiresAt).toISOString());
      },
    }),
    route({
      method: 'POST',
      url: '/api/auth/logout',
      summary: 'Close the session',
      tag: 'auth',
      access: 'session',
      async handler({ request, reply }) {
        const token = request.cookies[SESSION_COOKIE];
        if (token) await deps.sessions.logout(token);
        void reply.setCookie(SESSION_COOKIE, '', clearSessionCookieOptions(security(request.hostname)));
        return reply.code(204).send();
      },
    }),
    route({
      method: 'POST',
      url: '/api/auth/password',
      summary: 'Change your own password (your other sessions end)',
      tag: 'auth',
      access: 'session',
      body: passwordChangeSchema,
      async handler({ body, auth, request, reply }) {
        const { user } = auth as Authenticated;
        const record = await deps.repos.users.findByUsername(user.username);
        if (!record || !(await deps.hasher.verify(record.passwordHash, body.currentPassword))) {
          await deps.repos.audit.append({ actor: user.id, action: 'user.password_change_failed', target: user.id, details: { username: user.username, ip: request.ip } });
          throw new HttpError(403, 'WRONG_PASSWORD', 'body.currentPassword: this is not your current password');
        }
        const policy = checkPasswordPolicy(body.newPassword, { username: user.username, displayName: user.displayName });
        if (!policy.ok) throw new HttpError(400, 'INVALID_INPUT', `body.newPassword: ${policy.message}`);
        await deps.repos.users.update(user.id, { passwordHash: await deps.hasher.hash(body.newPassword) });
        const revoked = await deps.sessions.revokeUser(user.id, { keepToken: request.cookies[SESSION_COOKIE] ?? '' });
        await deps.repos.audit.append({ actor: user.id, action: 'user.password_change', target: user.id, details: { username: user.username, sessions_revoked: revoked } });
        return reply.code(204).send();
      },
    }),
    route({
      method: 'GET',
      url: '/api/auth/me',
      summary: 'Who is logged in, their permissions and the CSRF token (after a page reload)',
      tag: 'auth',
      access: 'session',
      response: principal,
      handler({ auth }) {
        const { user, session } = auth as Authenticated;
        return Promise.resolve(describe(user, session.csrfToken, session.expiresAt));
      },
    }),
  ];
}
