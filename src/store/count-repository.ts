import { sql, type Insertable, type Kysely } from 'kysely';
import { COUNT_KINDS, type CountKind, type CountRecord } from '../rules/types.js';
import { StoreError } from './errors.js';
import type { CountsTable, Database } from './schema.js';
import { normaliseIso } from './time.js';

/** Longest bucket the store knows (the `counting` rule's 5 minutes): range reads reach back this far for overlapping buckets. */
const LONGEST_BUCKET_MS = 300_000;

/** Rows written per INSERT (11 parameters each: well under every engine's limit). */
const ROWS_PER_INSERT = 80;

/** One stored count of a bucket, as the API shows it. */
export interface StoredCount {
  readonly rule: string;
  /** Bucket start, ISO 8601 UTC. */
  readonly start: string;
  readonly bucketS: number;
  readonly kind: CountKind;
  /** Line id (crossing), zone id (occupancy), or the rule's zone, line or event type (occurrence). */
  readonly target: string;
  readonly cls: string;
  /** null for occupancy and occurrence. */
  readonly direction: 'a_to_b' | 'b_to_a' | null;
  /** Crossings, the mean number of tracks inside over the bucket's analysed frames, or situations opened. */
  readonly value: number;
  /** Crossings, the most tracks inside at once, or situations opened. */
  readonly peak: number;
  /** Analysed frames the count covers. */
  readonly frames: number;
}

export interface CountFilter {
  readonly camera: string;
  /** ISO 8601 with a zone: buckets that overlap [from, to) are returned. */
  readonly from: string;
  readonly to: string;
  readonly rule?: string | undefined;
}

/**
 * Durable statistics of `counting` rules and of rules whose legal basis is `statistics`. A bucket may be written in parts (a
 * restart or a reconfiguration inside it): `add` merges each part into what is
 * stored, so no count is lost and none is counted twice as long as each part is
 * written once.
 */
export interface CountRepository {
  /**
   * Adds a camera's bucket counts, in one transaction: crossing and occurrence counts add up;
   * occupancy merges as the frames-weighted mean of the means and the larger peak.
   * INVALID for a record that is not a count (negative, fractional frames, ...).
   */
  add(cameraId: string, records: readonly CountRecord[]): Promise<void>;
  /** A camera's counts in a time range, oldest bucket first, then by rule, kind, target, class, direction. */
  list(filter: CountFilter): Promise<readonly StoredCount[]>;
}

type CountRow = Insertable<CountsTable>;

export function createCountRepository(db: Kysely<Database>): CountRepository {
  return {
    async add(cameraId, records) {
      const rows = mergeRows(records.map((r) => toRow(cameraId, r)));
      if (rows.length === 0) return;
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
          await trx
            .insertInto('counts')
            .values(rows.slice(i, i + ROWS_PER_INSERT))
            .onConflict((oc) =>
              oc.columns(['camera_id', 'rule_id', 'bucket_start', 'kind', 'target', 'cls', 'direction']).doUpdateSet({
                value: sql<number>`case when counts.kind in ('crossing', 'occurrence') then counts.value + excluded.value
                  else (counts.value * counts.frames + excluded.value * excluded.frames) / (counts.frames + excluded.frames) end`,
                peak: sql<number>`case when counts.kind in ('crossing', 'occurrence') then counts.peak + excluded.peak
                  when excluded.peak > counts.peak then excluded.peak else counts.peak end`,
                frames: sql<number>`counts.frames + excluded.frames`,
              }),
            )
            .execute();
        }
      });
    },

    async list(filter) {
      const from = normaliseIso(filter.from, 'from');
      const to = normaliseIso(filter.to, 'to');
      const reachBack = new Date(Date.parse(from) - LONGEST_BUCKET_MS).toISOString();
      let query = db
        .selectFrom('counts')
        .selectAll()
        .where('camera_id', '=', filter.camera)
        .where('bucket_start', '>', reachBack)
        .where('bucket_start', '<', to);
      if (filter.rule !== undefined) query = query.where('rule_id', '=', filter.rule);
      const rows = await query.orderBy('bucket_start').orderBy('rule_id').orderBy('kind').orderBy('target').orderBy('cls').orderBy('direction').execute();
      // Buckets shorter than the longest one may end before `from`: keep only those that overlap.
      return rows.filter((r) => Date.parse(r.bucket_start) + r.bucket_s * 1000 > Date.parse(from)).map(fromRow);
    },
  };
}

function toRow(cameraId: string, r: CountRecord): CountRow {
  const bad = (why: string) => new StoreError('INVALID', `count of rule ${r.ruleId} (${r.kind} ${r.target}): ${why}`);
  if (!Number.isFinite(r.bucketStartMs) || !(Number.isInteger(r.bucketS) && r.bucketS > 0)) throw bad('needs a bucket start and a whole number of seconds');
  if (!(Number.isInteger(r.frames) && r.frames > 0)) throw bad(`frames must be a whole number > 0 (got ${r.frames})`);
  if (!(r.value >= 0 && r.peak >= 0 && Number.isFinite(r.value) && Number.isFinite(r.peak))) throw bad('value and peak must be finite numbers >= 0');
  if ((r.kind === 'crossing') !== (r.direction !== null)) throw bad('crossings have a direction, occupancy and occurrences have none');
  return {
    camera_id: cameraId,
    rule_id: r.ruleId,
    bucket_start: new Date(r.bucketStartMs).toISOString(),
    bucket_s: r.bucketS,
    kind: r.kind,
    target: r.target,
    cls: r.cls,
    direction: r.direction ?? '',
    value: r.value,
    peak: r.peak,
    frames: r.frames,
  };
}

/** Rows of one batch with the same key merged the way the database merges them (one INSERT must not touch a row twice). */
function mergeRows(rows: readonly CountRow[]): CountRow[] {
  const byKey = new Map<string, CountRow>();
  for (const row of rows) {
    const key = [row.camera_id, row.rule_id, row.bucket_start, row.kind, row.target, row.cls, row.direction].join('\u0000');
    const prev = byKey.get(key);
    byKey.set(key, prev ? mergeRow(prev, row) : row);
  }
  return [...byKey.values()];
}

function mergeRow(a: CountRow, b: CountRow): CountRow {
  const frames = a.frames + b.frames;
  if (a.kind !== 'occupancy') return { ...a, value: a.value + b.value, peak: a.peak + b.peak, frames };
  return { ...a, value: (a.value * a.frames + b.value * b.frames) / frames, peak: Math.max(a.peak, b.peak), frames };
}

function fromRow(row: CountsTable): StoredCount {
  const kind = COUNT_KINDS.find((k) => k === row.kind) ?? 'occupancy';
  return {
    rule: row.rule_id,
    start: row.bucket_start,
    bucketS: Number(row.bucket_s),
    kind,
    target: row.target,
    cls: row.cls,
    direction: row.direction === 'a_to_b' || row.direction === 'b_to_a' ? row.direction : null,
    value: Number(row.value),
    peak: Number(row.peak),
    frames: Number(row.frames),
  };
}
