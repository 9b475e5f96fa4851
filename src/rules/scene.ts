import type { NormPoint } from '../contracts/geometry.js';
import type { LineConfig, ZoneConfig } from '../config/schema.js';
import { RuleConfigError, type RuleScene } from './types.js';

/** Finds the zone a rule refers to, or fails naming the known ones. */
export function findZone(scene: RuleScene, ruleId: string, zoneId: string): ZoneConfig {
  const zone = scene.zones.find((z) => z.id === zoneId);
  if (!zone) {
    const known = scene.zones.map((z) => z.id).join(', ') || 'none';
    throw new RuleConfigError(ruleId, `unknown zone "${zoneId}" (known: ${known})`);
  }
  return zone;
}

/** Finds the line a rule refers to; fails on an unknown or zero-length line. */
export function findLine(scene: RuleScene, ruleId: string, lineId: string): { readonly id: string; readonly a: NormPoint; readonly b: NormPoint } {
  const line: LineConfig | undefined = scene.lines.find((l) => l.id === lineId);
  if (!line) {
    const known = scene.lines.map((l) => l.id).join(', ') || 'none';
    throw new RuleConfigError(ruleId, `unknown line "${lineId}" (known: ${known})`);
  }
  const [a, b] = line.points;
  if (Math.hypot(b[0] - a[0], b[1] - a[1]) < 1e-6) {
    throw new RuleConfigError(ruleId, `line "${lineId}" has two identical points: give it two distinct points`);
  }
  return { id: line.id, a, b };
}
