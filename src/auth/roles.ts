/**
 * Roles, permissions and the matrix between them.
 *
 * Routes check a permission, never a role: `can(user.role, 'events.act')`.
 * `docs/PERMISSIONS.md` is this matrix as a table with the reason for each
 * grant; `test/unit/auth-roles.test.ts` fails when the two disagree.
 */

export const ROLES = ['operator', 'supervisor', 'dpo', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Every permission, as `area.verb`. Append only: a permission is never renamed
 * or reused for another meaning (stored audit entries name them).
 */
export const PERMISSIONS = [
  'events.read', // alert queue, event detail, event snapshot (blurred), action timeline
  'events.act', // acknowledge, qualify (true alert / false alarm / duplicate), dispatch, notes
  'live.view', // live camera previews, people blurred
  'live.view_unblurred', // live view without blurring; every such view is audited
  'recordings.view', // recorded footage and event clips, people blurred
  'cameras.read', // camera list, settings without credentials, health state
  'cameras.write', // add, edit, enable, disable, delete cameras
  'config.write', // zones, lines, rules and schedules
  'masks.write', // privacy masks (private property hidden before analysis)
  'users.read', // user accounts and their roles
  'users.write', // create, edit, disable users, reset passwords, change roles
  'audit.read', // the audit log
  'audit.export', // audit log export (CSV)
  'holds.manage', // place and release legal holds on footage
  'exports.create', // evidence exports (judicial requisitions)
  'access_requests.manage', // GDPR right-of-access requests and their answers
  'retention.manage', // retention period and retention runs
  'reports.read', // trial statistics and the compliance report
  'system.read', // detailed health, metrics, version and resource use
  'recordings.view_original', // play recorded footage as recorded (stream copy: not blurred); every playlist is audited
  'incidents.write', // log, correct and delete incidents of the manual incident log (trial recall); audited
  'integrations.manage', // MQTT and webhook state, the webhook dead-letter list: retry or discard (audited)
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Deep-frozen role -> permissions. Least privilege: see docs/PERMISSIONS.md for why. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = Object.freeze({
  operator: Object.freeze<Permission[]>(['events.read', 'events.act', 'live.view', 'recordings.view', 'cameras.read', 'incidents.write']),
  supervisor: Object.freeze<Permission[]>([
    'events.read',
    'events.act',
    'live.view',
    'live.view_unblurred',
    'recordings.view_original',
    'recordings.view',
    'cameras.read',
    'cameras.write',
    'config.write',
    'masks.write',
    'reports.read',
    'incidents.write',
  ]),
  dpo: Object.freeze<Permission[]>([
    'events.read',
    'recordings.view',
    'cameras.read',
    'masks.write',
    'users.read',
    'audit.read',
    'audit.export',
    'holds.manage',
    'exports.create',
    'access_requests.manage',
    'retention.manage',
    'reports.read',
  ]),
  admin: Object.freeze<Permission[]>(['cameras.read', 'users.read', 'users.write', 'system.read', 'integrations.manage']),
});

const ROLE_SET: ReadonlySet<string> = new Set(ROLES);
const PERMISSION_SET: ReadonlySet<string> = new Set(PERMISSIONS);

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && ROLE_SET.has(value);
}

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && PERMISSION_SET.has(value);
}

/** True when `role` grants `permission`. An unknown role (a bad database row) grants nothing. */
export function can(role: string, permission: Permission): boolean {
  return isRole(role) && ROLE_PERMISSIONS[role].includes(permission);
}

/** The permissions of a role, in `PERMISSIONS` order (for `GET /api/auth/me`, so the console hides what it cannot do). */
export function permissionsOf(role: Role): readonly Permission[] {
  return PERMISSIONS.filter((p) => ROLE_PERMISSIONS[role].includes(p));
}
