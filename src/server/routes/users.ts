import { z } from 'zod';
import { checkPasswordPolicy } from '../../auth/passwords.js';
import { ROLES } from '../../auth/roles.js';
import type { Authenticated } from '../../auth/sessions.js';
import { usernameSchema } from '../../auth/users.js';
import { userChangeEntries } from '../../audit/user-changes.js';
import type { ServerDeps } from '../deps.js';
import { HttpError } from '../http-error.js';
import { route, type RouteSpec } from '../route.js';

const displayName = z.string().trim().min(1, 'give a display name').max(100);
const password = z.string().min(1).max(256);
const newUser = z.object({ username: usernameSchema, displayName, role: z.enum(ROLES), password }).strict();
const patch = z.object({ displayName: displayName.optional(), role: z.enum(ROLES).optional(), disabled: z.boolean().optional(), password: password.optional() }).strict();
const idParams = z.object({ id: z.string().min(1).max(100) }).strict();

export function userRoutes(deps: ServerDeps): RouteSpec[] {
  const { users } = deps.repos;
  const acceptablePassword = (pw: string, username: string, name: string): void => {
    const policy = checkPasswordPolicy(pw, { username, displayName: name });
    if (!policy.ok) throw new HttpError(400, 'INVALID_INPUT', `body.password: ${policy.message}`);
  };
  return [
    route({
      method: 'GET',
      url: '/api/users',
      summary: 'Users and their roles',
      tag: 'users',
      access: 'users.read',
      async handler() {
        return { users: await users.list() };
      },
    }),
    route({
      method: 'POST',
      url: '/api/users',
      summary: 'Create a user',
      tag: 'users',
      access: 'users.write',
      body: newUser,
      async handler({ body, reply, auth }) {
        acceptablePassword(body.password, body.username, body.displayName);
        const user = await users.create({ username: body.username, displayName: body.displayName, role: body.role, passwordHash: await deps.hasher.hash(body.password) });
        await deps.repos.audit.append({ actor: (auth as Authenticated).user.id, action: 'user.create', target: user.id, details: { username: user.username, role: user.role } });
        return reply.code(201).send({ user });
      },
    }),
    route({
      method: 'PATCH',
      url: '/api/users/:id',
      summary: 'Change a user\'s name, role, password, or disable them (their sessions end)',
      tag: 'users',
      access: 'users.write',
      params: idParams,
      body: patch,
      async handler({ params, body, auth }) {
        const existing = await users.get(params.id);
        if (!existing) throw new HttpError(404, 'NOT_FOUND', `user ${params.id} not found`);
        if (body.password !== undefined) acceptablePassword(body.password, existing.username, body.displayName ?? existing.displayName);
        const { password: newPassword, ...rest } = body;
        const user = await users.update(params.id, { ...rest, ...(newPassword !== undefined ? { passwordHash: await deps.hasher.hash(newPassword) } : {}) });
        const actor = (auth as Authenticated).user.id;
        for (const entry of userChangeEntries(actor, existing, { ...rest, passwordChanged: newPassword !== undefined })) await deps.repos.audit.append(entry);
        // A new role, a new password or a disabled account takes effect everywhere at once.
        const roleChanged = body.role !== undefined && body.role !== existing.role;
        const disabledChanged = body.disabled !== undefined && body.disabled !== existing.disabled;
        if (roleChanged || disabledChanged || newPassword !== undefined) {
          const revoked = await deps.sessions.revokeUser(params.id);
          const reason = newPassword !== undefined ? 'password_reset' : roleChanged ? 'role_change' : 'disabled_change';
          // Only when sessions did end: the change itself has its own entry above.
          if (revoked > 0) await deps.repos.audit.append({ actor, action: 'auth.sessions_revoked', target: params.id, details: { username: existing.username, reason, sessions: revoked } });
        }
        // An administrator's reset is how a locked-out user gets back in before the lock ends.
        if (newPassword !== undefined && deps.sessions.clearLockout(existing.username)) {
          await deps.repos.audit.append({ actor, action: 'auth.unlocked', target: params.id, details: { username: existing.username, reason: 'password_reset' } });
        }
        return { user };
      },
    }),
  ];
}
