/**
 * What changed between two configurations, in one line for the audit log:
 * cameras added, removed, and for each changed camera which parts changed
 * (zones, lines, masks, rules, source, ...). Values are never copied: a camera
 * source may hold credentials.
 */
import type { VigieConfig } from '../config/schema.js';

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export interface ConfigChange {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Camera id -> the keys of its settings that changed. */
  readonly changed: ReadonlyMap<string, readonly string[]>;
  /** Top-level settings other than cameras that changed. */
  readonly settings: readonly string[];
}

export function diffConfig(before: VigieConfig | null, after: VigieConfig): ConfigChange {
  const old = new Map((before?.cameras ?? []).map((c) => [c.id, c]));
  const now = new Map(after.cameras.map((c) => [c.id, c]));
  const changed = new Map<string, string[]>();
  for (const [id, camera] of now) {
    const prior = old.get(id);
    if (!prior) continue;
    const keys = [...new Set([...Object.keys(prior), ...Object.keys(camera)])].sort();
    const diff = keys.filter((k) => !same((prior as Record<string, unknown>)[k], (camera as Record<string, unknown>)[k]));
    if (diff.length > 0) changed.set(id, diff);
  }
  const topKeys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after)])].filter((k) => k !== 'cameras').sort();
  return {
    added: [...now.keys()].filter((id) => !old.has(id)),
    removed: [...old.keys()].filter((id) => !now.has(id)),
    changed,
    settings: topKeys.filter((k) => !same((before as Record<string, unknown> | null)?.[k], (after as Record<string, unknown>)[k])),
  };
}

/** E.g. "camera parvis added; camera hall: rules, zones; settings: retention" or "no change". */
export function summariseConfigChange(change: ConfigChange): string {
  const parts: string[] = [];
  for (const id of change.added) parts.push(`camera ${id} added`);
  for (const id of change.removed) parts.push(`camera ${id} removed`);
  for (const [id, keys] of change.changed) parts.push(`camera ${id}: ${keys.join(', ')}`);
  if (change.settings.length > 0) parts.push(`settings: ${change.settings.join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : 'no change';
}
