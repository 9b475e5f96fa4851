import { describe, expect, it } from 'vitest';
import { diffConfig, summariseConfigChange } from '../../src/audit/config-summary.js';
import { userChangeEntries } from '../../src/audit/user-changes.js';
import { configSchema } from '../../src/config/schema.js';

const config = (cameras: Record<string, unknown>[]) => configSchema.parse({ cameras });

describe('config change summary', () => {
  const parvis = { id: 'parvis', source: 'rtsp://admin:secret@10.0.0.5/stream', enabled: false };
  const hall = { id: 'hall', source: 'hall.mp4', enabled: false };

  it('names cameras added, removed and the parts of a camera that changed, never the values', () => {
    const before = config([parvis, hall]);
    const after = config([{ ...parvis, source: 'rtsp://admin:other@10.0.0.6/stream', enabled: true }, { id: 'gare', source: 'gare.mp4', enabled: false }]);
    const summary = summariseConfigChange(diffConfig(before, after));
    expect(summary).toBe('camera gare added; camera hall removed; camera parvis: enabled, source');
    expect(summary).not.toMatch(/secret|other|10\.0\.0/);
  });

  it('reports a first configuration as cameras added, and an identical save as no change', () => {
    expect(summariseConfigChange(diffConfig(null, config([hall])))).toMatch(/^camera hall added/);
    expect(summariseConfigChange(diffConfig(config([hall]), config([hall])))).toBe('no change');
  });
});

describe('user change entries', () => {
  const before = { id: 'u-2', username: 'bob', displayName: 'Bob', role: 'operator', disabled: false };

  it('records a role change with from and to, and a disabling, as entries of their own', () => {
    const entries = userChangeEntries('u-admin', before, { role: 'supervisor', disabled: true, passwordChanged: false });
    expect(entries).toEqual([
      { actor: 'u-admin', target: 'u-2', action: 'user.role_change', details: { username: 'bob', from: 'operator', to: 'supervisor' } },
      { actor: 'u-admin', target: 'u-2', action: 'user.disable', details: { username: 'bob' } },
    ]);
  });

  it('records a password reset and a new name as user.update, without the password', () => {
    const entries = userChangeEntries('u-admin', before, { displayName: 'Robert', passwordChanged: true });
    expect(entries).toEqual([{ actor: 'u-admin', target: 'u-2', action: 'user.update', details: { username: 'bob', display_name_changed: true, password_reset: true } }]);
  });

  it('records nothing for a patch that changes nothing', () => {
    expect(userChangeEntries('u-admin', before, { role: 'operator', disabled: false, passwordChanged: false })).toEqual([]);
  });
});
