/**
 * The audit entries of a change to a user account: a role change and a
 * disabling are entries of their own (a DPO looks for who was given which
 * rights), other changes (display name, password reset) one `user.update`.
 * Never the password itself.
 */
import type { AuditInput } from '../store/audit-repository.js';

export interface UserBefore {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: string;
  readonly disabled: boolean;
}

export interface UserPatchSeen {
  readonly displayName?: string | undefined;
  readonly role?: string | undefined;
  readonly disabled?: boolean | undefined;
  /** Whether a new password was set (never its value). */
  readonly passwordChanged: boolean;
}

export function userChangeEntries(actor: string, before: UserBefore, patch: UserPatchSeen): AuditInput[] {
  const entries: AuditInput[] = [];
  const base = { actor, target: before.id } as const;
  if (patch.role !== undefined && patch.role !== before.role) {
    entries.push({ ...base, action: 'user.role_change', details: { username: before.username, from: before.role, to: patch.role } });
  }
  if (patch.disabled !== undefined && patch.disabled !== before.disabled) {
    entries.push({ ...base, action: patch.disabled ? 'user.disable' : 'user.enable', details: { username: before.username } });
  }
  const nameChanged = patch.displayName !== undefined && patch.displayName !== before.displayName;
  if (nameChanged || patch.passwordChanged) {
    entries.push({ ...base, action: 'user.update', details: { username: before.username, display_name_changed: nameChanged, password_reset: patch.passwordChanged } });
  }
  return entries;
}
