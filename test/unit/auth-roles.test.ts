import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { can, isPermission, isRole, PERMISSIONS, permissionsOf, ROLE_PERMISSIONS, ROLES } from '../../src/auth/roles.js';
import type { Permission, Role } from '../../src/auth/roles.js';

/** The matrix table of docs/PERMISSIONS.md: header cells, then one row of cells per permission. */
function readDocMatrix(): { header: string[]; rows: string[][] } {
  const text = readFileSync('docs/PERMISSIONS.md', 'utf8');
  const section = text.split('## Matrix')[1]?.split('\n## ')[0] ?? '';
  const lines = section.split('\n').filter((l) => l.trim().startsWith('|'));
  const cells = lines.map((l) => l.trim().slice(1, -1).split('|').map((c) => c.trim()));
  const [header, separator, ...rows] = cells;
  expect(separator?.every((c) => /^:?-+:?$/.test(c))).toBe(true);
  return { header: header ?? [], rows };
}

describe('role matrix', () => {
  it('lists the four roles and gives each only known permissions, without duplicates', () => {
    expect(Object.keys(ROLE_PERMISSIONS).sort()).toEqual([...ROLES].sort());
    for (const role of ROLES) {
      const perms = ROLE_PERMISSIONS[role];
      expect(perms.every(isPermission)).toBe(true);
      expect(new Set(perms).size).toBe(perms.length);
    }
  });

  it('grants every permission to at least one role', () => {
    const granted = new Set(ROLES.flatMap((r) => ROLE_PERMISSIONS[r]));
    expect(PERMISSIONS.filter((p) => !granted.has(p))).toEqual([]);
  });

  it('is frozen all the way down', () => {
    expect(Object.isFrozen(ROLE_PERMISSIONS)).toBe(true);
    for (const role of ROLES) expect(Object.isFrozen(ROLE_PERMISSIONS[role])).toBe(true);
    expect(() => (ROLE_PERMISSIONS.operator as Permission[]).push('users.write')).toThrow(TypeError);
    expect(can('operator', 'users.write')).toBe(false);
  });

  it.each<[Role, Permission, boolean, string]>([
    ['operator', 'events.act', true, 'operators handle alerts'],
    ['operator', 'live.view', true, 'operators watch live, blurred'],
    ['operator', 'live.view_unblurred', false, 'unblurring is exceptional'],
    ['operator', 'config.write', false, 'watchers do not widen what is watched'],
    ['operator', 'cameras.write', false, 'watchers do not add cameras'],
    ['operator', 'audit.read', false, 'no reading the audit of oneself'],
    ['supervisor', 'config.write', true, 'supervisors draw zones and rules'],
    ['supervisor', 'cameras.write', true, 'supervisors add cameras'],
    ['supervisor', 'live.view_unblurred', true, 'room lead may unblur, audited'],
    ['supervisor', 'recordings.view_original', true, 'recorded footage is unblurred: the room lead, audited'],
    ['operator', 'recordings.view_original', false, 'operators replay nothing unblurred'],
    ['dpo', 'recordings.view_original', false, 'the DPO exports evidence, does not watch'],
    ['supervisor', 'users.write', false, 'accounts are the admin\'s'],
    ['supervisor', 'audit.read', false, 'audit is the DPO\'s'],
    ['dpo', 'events.act', false, 'the DPO does not handle events'],
    ['dpo', 'live.view', false, 'the DPO does not watch live'],
    ['dpo', 'audit.export', true, 'the DPO exports the audit log'],
    ['dpo', 'holds.manage', true, 'the DPO places legal holds'],
    ['dpo', 'masks.write', true, 'the DPO owns privacy masks'],
    ['dpo', 'config.write', false, 'the DPO does not write rules'],
    ['dpo', 'users.write', false, 'the DPO reviews accounts, does not make them'],
    ['admin', 'users.write', true, 'admins manage accounts'],
    ['admin', 'system.read', true, 'admins watch the machine'],
    ['admin', 'live.view', false, 'running the system shows no video'],
    ['admin', 'recordings.view', false, 'running the system shows no footage'],
    ['admin', 'events.read', false, 'nor events'],
    ['admin', 'audit.read', false, 'admins are audited, they do not audit'],
  ])('%s %s -> %s (%s)', (role, permission, expected) => {
    expect(can(role, permission)).toBe(expected);
  });

  it('gives supervisors everything operators have', () => {
    expect(ROLE_PERMISSIONS.operator.filter((p) => !can('supervisor', p))).toEqual([]);
  });

  it('grants nothing to an unknown role (a damaged row)', () => {
    expect(isRole('root')).toBe(false);
    for (const p of PERMISSIONS) expect(can('root', p)).toBe(false);
    expect(can('', 'events.read')).toBe(false);
  });

  it('lists a role\'s permissions in catalogue order', () => {
    const perms = permissionsOf('dpo');
    expect([...perms].sort()).toEqual([...ROLE_PERMISSIONS.dpo].sort());
    expect(perms).toEqual([...perms].sort((a, b) => PERMISSIONS.indexOf(a) - PERMISSIONS.indexOf(b)));
  });
});

describe('docs/PERMISSIONS.md', () => {
  it('has one column per role, in code order', () => {
    const { header } = readDocMatrix();
    expect(header.slice(2)).toEqual([...ROLES]);
  });

  it('has one row per permission, in code order, with a description', () => {
    const { rows } = readDocMatrix();
    expect(rows.map((r) => r[0])).toEqual(PERMISSIONS.map((p) => `\`${p}\``));
    for (const row of rows) expect(row[1]?.length).toBeGreaterThan(10);
  });

  it('marks exactly what the code grants', () => {
    const { rows } = readDocMatrix();
    const disagreements: string[] = [];
    for (const row of rows) {
      const permission = row[0]?.replaceAll('`', '') ?? '';
      expect(isPermission(permission)).toBe(true);
      ROLES.forEach((role, i) => {
        const cell = row[i + 2];
        expect(['✓', '']).toContain(cell);
        if ((cell === '✓') !== can(role, permission as Permission)) disagreements.push(`${role} ${permission}: doc says "${cell}"`);
      });
    }
    expect(disagreements).toEqual([]);
  });

  it('explains every role', () => {
    const text = readFileSync('docs/PERMISSIONS.md', 'utf8');
    for (const role of ROLES) expect(text).toContain(`### ${role}\n`);
  });
});
