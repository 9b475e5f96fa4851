import { createHash } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import { StoreError } from './errors.js';
import { lockWithin } from './locks.js';
import type { AuditLogTable, Database } from './schema.js';
import { isoNow, normaliseIso, systemClock, type Clock } from './time.js';

/** `actor` of what Vigie does by itself (retention runs, reconciliation, disk alerts). */
export const SYSTEM_ACTOR = 'system';
/** `prev_hash` of the first entry. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

export type AuditDetails = Readonly<Record<string, string | number | boolean | null>>;

/** What is recorded: who did what to which thing, with scalar details. */
export interface AuditInput {
  /** A user id, or SYSTEM_ACTOR. */
  readonly actor: string;
  /** `area.verb`, e.g. `hold.create`, `retention.run`, `evidence.export`. */
  readonly action: string;
  readonly target?: string | null;
  readonly details?: AuditDetails;
}

export interface AuditEntry {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly target: string | null;
  readonly details: AuditDetails;
  readonly prevHash: string;
  readonly hash: string;
}

export interface AuditFilter {
  readonly action?: string;
  readonly actor?: string;
  readonly from?: string;
  readonly to?: string;
  /** Default 100, at most 1000. */
  readonly limit?: number;
}

/** Result of checking the chain: the first entry whose hash does not follow, if any. */
export type AuditVerification = { readonly ok: true; readonly entries: number } | { readonly ok: false; readonly entries: number; readonly brokenAt: number; readonly reason: string };

/**
 * The audit trail: append-only, each entry's hash is the SHA-256 of the previous
 * hash and the entry's own fields, so deleting, editing or reordering an entry
 * breaks the chain from there on (`verify`). Nothing here updates or deletes.
 */
export interface AuditRepository {
  append(input: AuditInput): Promise<AuditEntry>;
  /** Newest first. */
  list(filter?: AuditFilter): Promise<readonly AuditEntry[]>;
  verify(): Promise<AuditVerification>;
}

const detailsSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

/** The hash of an entry: over the previous hash and every field, in a fixed order. */
export function auditHash(prevHash: string, e: Omit<AuditEntry, 'hash' | 'prevHash'>): string {
  const fields = JSON.stringify([e.seq, e.at, e.actor, e.action, e.target, Object.entries(e.details).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
  return createHash('sha256').update(prevHash).update('\n').update(fields).digest('hex');
}

function rowToEntry(row: Selectable<AuditLogTable>): AuditEntry {
  let details: AuditDetails;
  try {
    details = detailsSchema.parse(JSON.parse(row.details));
  } catch {
    throw new StoreError('CORRUPT', `audit entry ${row.seq} details are not a JSON object of scalars`);
  }
  return { seq: row.seq, at: row.at, actor: row.actor, action: row.action, target: row.target, details, prevHash: row.prev_hash, hash: row.hash };
}

/**
 * Appends an entry inside the caller's transaction: the entry commits or rolls
 * back with the change it records (a hold is never stored without its entry).
 */
export async function appendAuditWithin(trx: Kysely<Database>, input: AuditInput, clock: Clock): Promise<AuditEntry> {
  const parsed = detailsSchema.safeParse(input.details ?? {});
  if (!parsed.success) throw new StoreError('INVALID', 'audit details must be an object of strings, numbers, booleans or null');
  // Every appender reads the last hash and writes the next seq: one at a time,
  // across processes, or two entries would claim the same place in the chain.
  await lockWithin(trx, 'audit_log');
  const last = await trx.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const entry = { seq: (last?.seq ?? 0) + 1, at: isoNow(clock), actor: input.actor, action: input.action, target: input.target ?? null, details: parsed.data };
  const prevHash = last?.hash ?? AUDIT_GENESIS_HASH;
  const hash = auditHash(prevHash, entry);
  await trx
    .insertInto('audit_log')
    .values({ seq: entry.seq, at: entry.at, actor: entry.actor, action: entry.action, target: entry.target, details: JSON.stringify(entry.details), prev_hash: prevHash, hash })
    .execute();
  return { ...entry, prevHash, hash };
}

export function createAuditRepository(db: Kysely<Database>, options: { readonly now?: Clock } = {}): AuditRepository {
  const clock = options.now ?? systemClock;
  return {
    append: (input) => db.transaction().execute((trx) => appendAuditWithin(trx, input, clock)),
    async list(filter = {}) {
      const limit = Math.min(Math.max(1, filter.limit ?? 100), 1000);
      let q = db.selectFrom('audit_log').selectAll();
      if (filter.action !== undefined) q = q.where('action', '=', filter.action);
      if (filter.actor !== undefined) q = q.where('actor', '=', filter.actor);
      if (filter.from !== undefined) q = q.where('at', '>=', normaliseIso(filter.from, 'from'));
      if (filter.to !== undefined) q = q.where('at', '<', normaliseIso(filter.to, 'to'));
      const rows = await q.orderBy('seq', 'desc').limit(limit).execute();
      return rows.map(rowToEntry);
    },
    async verify() {
      let prevHash = AUDIT_GENESIS_HASH;
      let expectedSeq = 1;
      let entries = 0;
      // Pages in seq order keep memory bounded on a long trail.
      for (;;) {
        const rows = await db.selectFrom('audit_log').selectAll().where('seq', '>=', expectedSeq).orderBy('seq').limit(1000).execute();
        if (rows.length === 0) return { ok: true, entries };
        for (const row of rows) {
          if (row.seq !== expectedSeq) return { ok: false, entries, brokenAt: expectedSeq, reason: `entry ${expectedSeq} is missing` };
          const entry = rowToEntry(row);
          if (entry.prevHash !== prevHash || auditHash(prevHash, entry) !== entry.hash) {
            return { ok: false, entries, brokenAt: entry.seq, reason: `entry ${entry.seq} does not match its hash (edited, or an entry before it was changed)` };
          }
          prevHash = entry.hash;
          expectedSeq += 1;
          entries += 1;
        }
      }
    },
  };
}
