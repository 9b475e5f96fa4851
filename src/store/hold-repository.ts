import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import { appendAuditWithin } from './audit-repository.js';
import { StoreError } from './errors.js';
import type { Database, LegalHoldsTable } from './schema.js';
import { isoNow, normaliseIso, systemClock, type Clock } from './time.js';

/**
 * Legal holds (judicial requisitions): footage of `cameras` overlapping
 * [from, to) survives retention while the hold is active, i.e. not released
 * and `until` not reached. Every creation and release is written to the audit
 * log in the same transaction. Whether the cameras exist is checked by the
 * caller (the API knows the current configuration; the store does not judge it).
 */
export interface LegalHold {
  readonly id: string;
  readonly caseRef: string;
  readonly authority: string;
  readonly cameras: readonly string[];
  readonly from: string;
  readonly to: string;
  /** The hold lapses at this time; null = until released. */
  readonly until: string | null;
  readonly note: string | null;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly releasedAt: string | null;
  readonly releasedBy: string | null;
  readonly releaseReason: string | null;
  /** At the time it was read: `active`, `released`, or `expired` (its `until` passed). */
  readonly status: HoldStatus;
}

export const HOLD_STATUSES = ['active', 'released', 'expired'] as const;
export type HoldStatus = (typeof HOLD_STATUSES)[number];

export interface NewLegalHold {
  /** The requisition's reference (case or procedure number). */
  readonly caseRef: string;
  /** Who requested it (court, police unit, prosecutor). */
  readonly authority: string;
  readonly cameras: readonly string[];
  readonly from: string;
  readonly to: string;
  readonly until: string | null;
  readonly note?: string | null;
  /** User id of who placed it. */
  readonly by: string;
}

export interface HoldRelease {
  /** User id of who released it. */
  readonly by: string;
  readonly reason: string;
}

export interface HoldRepository {
  /** Validates (INVALID naming the field), stores and audits (`hold.create`) a hold. */
  create(input: NewLegalHold): Promise<LegalHold>;
  /** Newest first; `active: true` only the holds protecting footage now, `false` only the others. */
  list(filter?: { readonly active?: boolean }): Promise<readonly LegalHold[]>;
  get(id: string): Promise<LegalHold | null>;
  /** Ends a hold now and audits it (`hold.release`): NOT_FOUND, or CONFLICT when already released. */
  release(id: string, release: HoldRelease): Promise<LegalHold>;
}

const isoTime = z.iso.datetime({ offset: true });
const text = (what: string, max: number) => z.string().trim().min(1, `give the ${what}`).max(max, `${what}: at most ${max} characters`);

/** The fields of a hold; `newHoldSchema` adds the check that the range is ordered. */
export const holdFieldsSchema = z
  .object({
    caseRef: text('case reference', 200).describe('Reference of the requisition (case or procedure number)'),
    authority: text('requesting authority', 200).describe('Who requested it: court, police unit, prosecutor'),
    cameras: z
      .array(z.string().min(1).max(100))
      .min(1, 'name at least one camera')
      .max(200)
      .refine((ids) => new Set(ids).size === ids.length, 'a camera is listed twice'),
    from: isoTime.describe('Start of the held footage (included)'),
    to: isoTime.describe('End of the held footage (excluded)'),
    until: isoTime.nullable().describe('When the hold lapses; null = until released'),
    note: z.string().trim().max(2000).nullable().optional(),
  })
  .strict();

/** Refuses an empty or reversed range (`to` must be after `from`). */
export function checkHoldRange(h: { readonly from: string; readonly to: string }, ctx: z.RefinementCtx): void {
  if (Date.parse(h.from) >= Date.parse(h.to)) ctx.addIssue({ code: 'custom', path: ['to'], message: 'the time range is empty or reversed: "to" must be after "from"' });
}

export const newHoldSchema = holdFieldsSchema.superRefine(checkHoldRange);

export const holdReleaseSchema = z.object({ reason: text('reason for the release', 2000) }).strict();

function statusOf(row: Selectable<LegalHoldsTable>, nowMs: number): HoldStatus {
  if (row.released_at !== null) return 'released';
  if (row.until_at !== null && Date.parse(row.until_at) <= nowMs) return 'expired';
  return 'active';
}

function parseCameras(row: Selectable<LegalHoldsTable>): string[] {
  try {
    return z.array(z.string()).parse(JSON.parse(row.cameras));
  } catch {
    throw new StoreError('CORRUPT', `legal hold ${row.id}: cameras are not a JSON array of camera ids`);
  }
}

const toHold = (row: Selectable<LegalHoldsTable>, nowMs: number): LegalHold => ({
  id: row.id,
  caseRef: row.case_ref,
  authority: row.authority,
  cameras: parseCameras(row),
  from: row.from_at,
  to: row.to_at,
  until: row.until_at,
  note: row.note,
  createdAt: row.created_at,
  createdBy: row.created_by,
  releasedAt: row.released_at,
  releasedBy: row.released_by,
  releaseReason: row.release_reason,
  status: statusOf(row, nowMs),
});

function invalid(error: z.ZodError): StoreError {
  const problems = error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message));
  return new StoreError('INVALID', `legal hold: ${problems.join('; ')}`);
}

export function createHoldRepository(db: Kysely<Database>, options: { readonly now?: Clock; readonly newId?: () => string } = {}): HoldRepository {
  const clock = options.now ?? systemClock;
  const newId = options.newId ?? randomUUID;
  const get = async (id: string): Promise<LegalHold | null> => {
    const row = await db.selectFrom('legal_holds').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toHold(row, clock()) : null;
  };
  return {
    async create(input) {
      const { by, ...fields } = input;
      const parsed = newHoldSchema.safeParse(fields);
      if (!parsed.success) throw invalid(parsed.error);
      const h = parsed.data;
      if (h.until !== null && Date.parse(h.until) <= clock()) {
        throw new StoreError('INVALID', 'legal hold: until: the end date is already past: give a future date, or null to hold until released');
      }
      const id = newId();
      const row = {
        id,
        case_ref: h.caseRef,
        authority: h.authority,
        cameras: JSON.stringify(h.cameras),
        from_at: normaliseIso(h.from, 'from'),
        to_at: normaliseIso(h.to, 'to'),
        until_at: h.until === null ? null : normaliseIso(h.until, 'until'),
        note: h.note ?? null,
        created_at: isoNow(clock),
        created_by: by,
        released_at: null,
        released_by: null,
        release_reason: null,
      };
      const hold = toHold(row, clock());
      // The hold and its audit entry commit together: no hold exists unaudited.
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('legal_holds').values(row).execute();
        await appendAuditWithin(trx, { actor: by, action: 'hold.create', target: id, details: auditDetails(hold) }, clock);
      });
      return hold;
    },
    async list(filter = {}) {
      const rows = await db.selectFrom('legal_holds').selectAll().orderBy('created_at', 'desc').orderBy('id').execute();
      const now = clock();
      const holds = rows.map((r) => toHold(r, now));
      return filter.active === undefined ? holds : holds.filter((h) => (h.status === 'active') === filter.active);
    },
    get,
    async release(id, release) {
      const parsed = holdReleaseSchema.safeParse({ reason: release.reason });
      if (!parsed.success) throw invalid(parsed.error);
      const at = isoNow(clock);
      const hold = await db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable('legal_holds')
          .set({ released_at: at, released_by: release.by, release_reason: parsed.data.reason })
          .where('id', '=', id)
          .where('released_at', 'is', null)
          .executeTakeFirst();
        const row = await trx.selectFrom('legal_holds').selectAll().where('id', '=', id).executeTakeFirst();
        if (!row) throw new StoreError('NOT_FOUND', `legal hold ${id} not found`);
        if (Number(result.numUpdatedRows) === 0) throw new StoreError('CONFLICT', `legal hold ${id} (case ${row.case_ref}) was already released at ${row.released_at ?? '?'}`);
        const released = toHold(row, clock());
        // The release and its audit entry commit together.
        await appendAuditWithin(trx, { actor: release.by, action: 'hold.release', target: id, details: { ...auditDetails(released), reason: parsed.data.reason } }, clock);
        return released;
      });
      return hold;
    },
  };
}

/** What the audit trail keeps of a hold: enough to know what footage it covered. */
function auditDetails(h: LegalHold): Record<string, string | null> {
  return { case_ref: h.caseRef, authority: h.authority, cameras: h.cameras.join(','), from: h.from, to: h.to, until: h.until };
}
