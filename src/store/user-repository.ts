import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { oneOf } from './json.js';
import { StoreError, isUniqueViolation } from './errors.js';
import type { Database, UsersTable } from './schema.js';
import { isoNow, systemClock, type Clock } from './time.js';

import { ROLES, type Role } from '../auth/roles.js';

export { ROLES, type Role };

/** A user as the API may show it: no password hash. */
export interface User {
  readonly id: string;
  /** Lower case: usernames are unique regardless of case. */
  readonly username: string;
  readonly displayName: string;
  readonly role: Role;
  readonly disabled: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A user with the password hash, for login only; never serialise it. */
export interface UserCredentials extends User {
  readonly passwordHash: string;
}

export interface NewUser {
  readonly username: string;
  readonly displayName: string;
  readonly role: Role;
  /** An argon2id hash (the store never sees passwords). */
  readonly passwordHash: string;
  readonly disabled?: boolean;
}

export interface UserPatch {
  readonly displayName?: string;
  readonly role?: Role;
  readonly disabled?: boolean;
  readonly passwordHash?: string;
}

export interface UserRepository {
  /** CONFLICT when the username (in any case) is taken. */
  create(user: NewUser): Promise<User>;
  /** For login: the user with the password hash, or null. Case-insensitive. */
  findByUsername(username: string): Promise<UserCredentials | null>;
  get(id: string): Promise<User | null>;
  /** Every user, by username. */
  list(): Promise<readonly User[]>;
  /** NOT_FOUND for an unknown id. */
  update(id: string, patch: UserPatch): Promise<User>;
  /** Users matching the filter (all users without one): 0 on first run means "create the admin". */
  count(filter?: { readonly role?: Role; readonly disabled?: boolean }): Promise<number>;
}

export interface UserRepositoryOptions {
  readonly now?: Clock;
  /** User id source; default crypto.randomUUID. */
  readonly newId?: () => string;
}

export function createUserRepository(db: Kysely<Database>, options: UserRepositoryOptions = {}): UserRepository {
  const now = options.now ?? systemClock;
  const newId = options.newId ?? randomUUID;

  return {
    async create(user) {
      const at = isoNow(now);
      const username = normaliseUsername(user.username);
      checkRole(user.role);
      try {
        const row = await db
          .insertInto('users')
          .values({
            id: newId(),
            username,
            display_name: user.displayName,
            role: user.role,
            password_hash: user.passwordHash,
            disabled: user.disabled ? 1 : 0,
            created_at: at,
            updated_at: at,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return toUser(row);
      } catch (err) {
        if (isUniqueViolation(err)) throw new StoreError('CONFLICT', `username "${username}" is already taken`, { cause: err });
        throw err;
      }
    },

    async findByUsername(username) {
      const row = await db.selectFrom('users').selectAll().where('username', '=', normaliseUsername(username)).executeTakeFirst();
      return row ? { ...toUser(row), passwordHash: row.password_hash } : null;
    },

    async get(id) {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toUser(row) : null;
    },

    async list() {
      const rows = await db.selectFrom('users').selectAll().orderBy('username').execute();
      return rows.map(toUser);
    },

    async update(id, patch) {
      if (patch.role !== undefined) checkRole(patch.role);
      const row = await db
        .updateTable('users')
        .set({
          ...(patch.displayName !== undefined ? { display_name: patch.displayName } : {}),
          ...(patch.role !== undefined ? { role: patch.role } : {}),
          ...(patch.disabled !== undefined ? { disabled: patch.disabled ? 1 : 0 } : {}),
          ...(patch.passwordHash !== undefined ? { password_hash: patch.passwordHash } : {}),
          updated_at: isoNow(now),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw new StoreError('NOT_FOUND', `user "${id}" does not exist`);
      return toUser(row);
    },

    async count(filter = {}) {
      let query = db.selectFrom('users').select((eb) => eb.fn.countAll<number | string>().as('n'));
      if (filter.role !== undefined) query = query.where('role', '=', filter.role);
      if (filter.disabled !== undefined) query = query.where('disabled', '=', filter.disabled ? 1 : 0);
      const { n } = await query.executeTakeFirstOrThrow();
      return Number(n);
    },
  };
}

/** Usernames are trimmed and lower-cased (Unicode NFC), so "Alice" and "alice " are one user. */
export function normaliseUsername(username: string): string {
  const name = username.normalize('NFC').trim().toLowerCase();
  if (name === '') throw new StoreError('INVALID', 'username must not be empty');
  return name;
}

function checkRole(role: string): void {
  if (!(ROLES as readonly string[]).includes(role)) throw new StoreError('INVALID', `role must be one of ${ROLES.join(', ')} (got "${role}")`);
}

function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: oneOf(ROLES, row.role, `user "${row.id}" role`),
    disabled: row.disabled !== 0,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
