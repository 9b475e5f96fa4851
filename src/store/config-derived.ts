import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import type { NormPoint } from '../contracts/geometry.js';
import { detectSchema, lineSchema, polygonSchema, ruleSchema, ruleSeverity, ruleTargets, type DetectConfig, type RuleConfig, type VigieConfig } from '../config/schema.js';
import { oneOf, readJson } from './json.js';
import type { CamerasTable, Database, LinesTable, MasksTable, RulesTable, ZonesTable } from './schema.js';

/*
 * The rows derived from the current config version, one table per kind, so the
 * API can list and filter cameras, zones, lines, masks and rules without parsing
 * the whole document. They are rewritten, in the saving transaction, every time
 * a version is saved; the document in config_versions stays the truth.
 */

export interface CameraRecord {
  readonly id: string;
  readonly name: string | null;
  readonly enabled: boolean;
  /** As configured: may hold credentials; redact before showing it. */
  readonly source: string;
  readonly loop: boolean;
  readonly detect: DetectConfig;
  readonly configVersion: number;
}

export interface ZoneRecord {
  readonly cameraId: string;
  readonly id: string;
  readonly name: string | null;
  readonly polygon: readonly NormPoint[];
  readonly direction: readonly [number, number] | null;
  readonly configVersion: number;
}

export interface LineRecord {
  readonly cameraId: string;
  readonly id: string;
  readonly name: string | null;
  readonly points: readonly [NormPoint, NormPoint];
  readonly configVersion: number;
}

export interface MaskRecord {
  readonly cameraId: string;
  /** Index in the camera's `masks` list. */
  readonly index: number;
  readonly polygon: readonly NormPoint[];
  readonly configVersion: number;
}

export interface RuleRecord {
  readonly cameraId: string;
  readonly id: string;
  readonly type: RuleConfig['type'];
  readonly enabled: boolean;
  readonly severity: 'low' | 'medium' | 'high';
  /** The zone or line the rule watches (exactly one is set). */
  readonly zone: string | null;
  readonly line: string | null;
  readonly rule: RuleConfig;
  readonly configVersion: number;
}

export interface RuleFilter {
  readonly camera?: string;
  readonly type?: RuleConfig['type'];
  readonly zone?: string;
  readonly line?: string;
}

/** Replaces every derived row with those of `config` (call inside the saving transaction). */
export async function writeDerived(trx: Kysely<Database>, version: number, config: VigieConfig): Promise<void> {
  for (const table of ['rules', 'masks', 'lines', 'zones', 'cameras'] as const) await trx.deleteFrom(table).execute();
  const cameras: CamerasTable[] = [];
  const zones: ZonesTable[] = [];
  const lines: LinesTable[] = [];
  const masks: MasksTable[] = [];
  const rules: RulesTable[] = [];
  config.cameras.forEach((cam, position) => {
    const base = { camera_id: cam.id, config_version: version };
    cameras.push({
      id: cam.id, config_version: version, position, name: cam.name ?? null, enabled: cam.enabled ? 1 : 0,
      source: cam.source, loop: cam.loop ? 1 : 0, detect: JSON.stringify(cam.detect),
    });
    cam.zones.forEach((z, i) =>
      zones.push({ ...base, position: i, id: z.id, name: z.name ?? null, polygon: JSON.stringify(z.polygon), direction: z.direction ? JSON.stringify(z.direction) : null }));
    cam.lines.forEach((l, i) => lines.push({ ...base, position: i, id: l.id, name: l.name ?? null, points: JSON.stringify(l.points) }));
    cam.masks.forEach((m, i) => masks.push({ ...base, position: i, polygon: JSON.stringify(m) }));
    cam.rules.forEach((r, i) =>
      rules.push({
        ...base, position: i, id: r.id, type: r.type, enabled: r.enabled ? 1 : 0, severity: ruleSeverity(r),
        zone_id: ruleTargets(r).zone, line_id: ruleTargets(r).line, definition: JSON.stringify(r),
      }));
  });
  if (cameras.length > 0) await trx.insertInto('cameras').values(cameras).execute();
  if (zones.length > 0) await trx.insertInto('zones').values(zones).execute();
  if (lines.length > 0) await trx.insertInto('lines').values(lines).execute();
  if (masks.length > 0) await trx.insertInto('masks').values(masks).execute();
  if (rules.length > 0) await trx.insertInto('rules').values(rules).execute();
}

const directionSchema = z.tuple([z.number(), z.number()]);
const linePointsSchema = lineSchema.shape.points;
const SEVERITY_VALUES = ['low', 'medium', 'high'] as const;

export async function listCameras(db: Kysely<Database>): Promise<readonly CameraRecord[]> {
  const rows = await db.selectFrom('cameras').selectAll().orderBy('position').execute();
  return rows.map((r: Selectable<CamerasTable>) => ({
    id: r.id, name: r.name, enabled: r.enabled !== 0, source: r.source, loop: r.loop !== 0,
    detect: readJson(r.detect, detectSchema, `camera "${r.id}" detect`), configVersion: r.config_version,
  }));
}

export async function listZones(db: Kysely<Database>, camera?: string): Promise<readonly ZoneRecord[]> {
  let query = db.selectFrom('zones').innerJoin('cameras', 'cameras.id', 'zones.camera_id').selectAll('zones');
  if (camera !== undefined) query = query.where('zones.camera_id', '=', camera);
  const rows = await query.orderBy('cameras.position').orderBy('zones.position').execute();
  return rows.map((r) => ({
    cameraId: r.camera_id, id: r.id, name: r.name,
    polygon: readJson(r.polygon, polygonSchema, `zone "${r.camera_id}/${r.id}" polygon`),
    direction: r.direction === null ? null : readJson(r.direction, directionSchema, `zone "${r.camera_id}/${r.id}" direction`),
    configVersion: r.config_version,
  }));
}

export async function listLines(db: Kysely<Database>, camera?: string): Promise<readonly LineRecord[]> {
  let query = db.selectFrom('lines').innerJoin('cameras', 'cameras.id', 'lines.camera_id').selectAll('lines');
  if (camera !== undefined) query = query.where('lines.camera_id', '=', camera);
  const rows = await query.orderBy('cameras.position').orderBy('lines.position').execute();
  return rows.map((r) => ({
    cameraId: r.camera_id, id: r.id, name: r.name,
    points: readJson(r.points, linePointsSchema, `line "${r.camera_id}/${r.id}" points`), configVersion: r.config_version,
  }));
}

export async function listMasks(db: Kysely<Database>, camera?: string): Promise<readonly MaskRecord[]> {
  let query = db.selectFrom('masks').innerJoin('cameras', 'cameras.id', 'masks.camera_id').selectAll('masks');
  if (camera !== undefined) query = query.where('masks.camera_id', '=', camera);
  const rows = await query.orderBy('cameras.position').orderBy('masks.position').execute();
  return rows.map((r) => ({
    cameraId: r.camera_id, index: r.position,
    polygon: readJson(r.polygon, polygonSchema, `mask ${r.position} of camera "${r.camera_id}"`), configVersion: r.config_version,
  }));
}

export async function listRules(db: Kysely<Database>, filter: RuleFilter = {}): Promise<readonly RuleRecord[]> {
  let query = db.selectFrom('rules').innerJoin('cameras', 'cameras.id', 'rules.camera_id').selectAll('rules');
  if (filter.camera !== undefined) query = query.where('rules.camera_id', '=', filter.camera);
  if (filter.type !== undefined) query = query.where('rules.type', '=', filter.type);
  if (filter.zone !== undefined) query = query.where('rules.zone_id', '=', filter.zone);
  if (filter.line !== undefined) query = query.where('rules.line_id', '=', filter.line);
  const rows = await query.orderBy('cameras.position').orderBy('rules.position').execute();
  return rows.map((r) => {
    const rule = readJson(r.definition, ruleSchema, `rule "${r.camera_id}/${r.id}" definition`);
    return {
      cameraId: r.camera_id, id: r.id, type: rule.type, enabled: r.enabled !== 0,
      severity: oneOf(SEVERITY_VALUES, r.severity, `rule "${r.camera_id}/${r.id}" severity`),
      zone: r.zone_id, line: r.line_id, rule, configVersion: r.config_version,
    };
  });
}
