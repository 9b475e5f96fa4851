import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import { appendAuditWithin } from './audit-repository.js';
import { StoreError } from './errors.js';
import { lockWithin } from './locks.js';
import type { AccessRequestsTable, Database } from './schema.js';
import { isoNow, normaliseIso, systemClock, type Clock } from './time.js';

/**
 * GDPR right-of-access requests (art. 15), handled by the DPO: a person asks
 * for the footage of one camera over a time range in which they appear. The
 * request is open until answered, refused or withdrawn; the answer is due one
 * month after receipt (art. 12(3)). Every change is written to the audit log
 * in the same transaction. The audit entries name the request, the camera and
 * the range, never the requester's reference, contact or description: the
 * audit log outlives the request. Whether the camera exists is checked by the
 * caller (the API knows the configuration).
 */
export interface AccessRequest {
  readonly id: string;
  readonly receivedAt: string;
  /** A letter number or initials: never an identity document. */
  readonly requesterRef: string;
  /** How to answer (postal or e-mail address), optional. */
  readonly contact: string | null;
  readonly camera: string;
  readonly from: string;
  readonly to: string;
  /** What the requester says to be recognised in the footage. */
  readonly description: string;
  readonly status: AccessRequestStatus;
  readonly dueAt: string;
  /** When it was answered, refused or withdrawn. */
  readonly answeredAt: string | null;
  readonly answerNote: string | null;
  /** Evidence bundle id of the last export made for it. */
  readonly exportId: string | null;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
  /** Still open at the time it was read and its due date passed. */
  readonly overdue: boolean;
}

export const ACCESS_REQUEST_STATUSES = ['open', 'answered', 'refused', 'withdrawn'] as const;
export type AccessRequestStatus = (typeof ACCESS_REQUEST_STATUSES)[number];
/** The statuses that end a request. */
export type AccessRequestOutcome = Exclude<AccessRequestStatus, 'open'>;

/** At most this long a range: an hour of footage already takes long to anonymise. */
export const MAX_ACCESS_RANGE_MS = 3_600_000;

export interface NewAccessRequest {
  readonly receivedAt: string;
  readonly requesterRef: string;
  readonly contact?: string | null;
  readonly camera: string;
  readonly from: string;
  readonly to: string;
  readonly description: string;
  /** User id of the DPO recording it. */
  readonly by: string;
}

export interface AccessRequestClosing {
  readonly status: AccessRequestOutcome;
  /** Required to refuse (the requester must be told why). */
  readonly note?: string | null;
  readonly by: string;
}

export interface AccessRequestRepository {
  /** Validates (INVALID naming the field), stores and audits (`access_request.create`) a request. */
  create(input: NewAccessRequest): Promise<AccessRequest>;
  get(id: string): Promise<AccessRequest | null>;
  /** Open ones first by due date, then the others newest first; optionally one status only. */
  list(filter?: { readonly status?: AccessRequestStatus }): Promise<readonly AccessRequest[]>;
  /** Answers, refuses or withdraws an open request (`access_request.answer|refuse|withdraw`): NOT_FOUND, CONFLICT when closed. */
  close(id: string, closing: AccessRequestClosing): Promise<AccessRequest>;
  /** Records the evidence export made for an open request (`access_request.export`). */
  attachExport(id: string, attach: { readonly exportId: string; readonly subjectKept: boolean; readonly by: string }): Promise<AccessRequest>;
}

const isoTime = z.iso.datetime({ offset: true });
const text = (what: string, max: number) => z.string().trim().min(1, `give the ${what}`).max(max, `${what}: at most ${max} characters`);

/** The fields of a request; `newAccessRequestSchema` adds the range checks. */
export const accessRequestFieldsSchema = z
  .object({
    receivedAt: isoTime.describe('When the DPO received the request (starts the one-month deadline)'),
    requesterRef: text('requester reference (letter number or initials, not an identity document)', 100),
    contact: z.string().trim().max(500, 'contact: at most 500 characters').nullable().optional().describe('How to answer: postal or e-mail address'),
    camera: z.string().min(1, 'give the camera id').max(200),
    from: isoTime.describe('Start of the footage asked for'),
    to: isoTime.describe('End of the footage asked for (at most 1 hour after `from`)'),
    description: text('description (how the requester can be recognised in the footage)', 2000),
  })
  .strict();

/** Refuses a reversed, empty or longer-than-an-hour range. */
export function checkAccessRange(r: { readonly from: string; readonly to: string }, ctx: z.RefinementCtx): void {
  const span = Date.parse(r.to) - Date.parse(r.from);
  if (!(span > 0)) ctx.addIssue({ code: 'custom', path: ['to'], message: 'the time range is empty or reversed: "to" must be after "from"' });
  else if (span > MAX_ACCESS_RANGE_MS) ctx.addIssue({ code: 'custom', path: ['to'], message: 'the time range is longer than 1 hour: ask the requester to narrow it, or record one request per hour' });
}

export const newAccessRequestSchema = accessRequestFieldsSchema.superRefine(checkAccessRange);

export const accessRequestClosingSchema = z
  .object({
    status: z.enum(['answered', 'refused', 'withdrawn'], 'status must be answered, refused or withdrawn'),
    note: z.string().trim().max(2000, 'note: at most 2000 characters').nullable().optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.status === 'refused' && !c.note) ctx.addIssue({ code: 'custom', path: ['note'], message: 'say why the request is refused: the requester must be told the reason' });
  });

/** One calendar month after `iso` (UTC), on the last day of the month when that day does not exist (31 Jan -> 28/29 Feb). */
export function oneMonthAfter(iso: string): string {
  const d = new Date(iso);
  const day = d.getUTCDate();
  const next = new Date(d);
  next.setUTCDate(1);
  next.setUTCMonth(d.getUTCMonth() + 1);
  const lastDay = new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 0)).getUTCDate();
  next.setUTCDate(Math.min(day, lastDay));
  return next.toISOString();
}

function statusOf(row: Selectable<AccessRequestsTable>): AccessRequestStatus {
  const s = row.status;
  if ((ACCESS_REQUEST_STATUSES as readonly string[]).includes(s)) return s as AccessRequestStatus;
  throw new StoreError('CORRUPT', `access request ${row.id}: unknown status "${s}"`);
}

const toRequest = (row: Selectable<AccessRequestsTable>, nowMs: number): AccessRequest => {
  const status = statusOf(row);
  return {
    id: row.id,
    receivedAt: row.received_at,
    requesterRef: row.requester_ref,
    contact: row.contact,
    camera: row.camera_id,
    from: row.from_at,
    to: row.to_at,
    description: row.description,
    status,
    dueAt: row.due_at,
    answeredAt: row.answered_at,
    answerNote: row.answer_note,
    exportId: row.export_id,
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    overdue: status === 'open' && Date.parse(row.due_at) <= nowMs,
  };
};

function invalid(error: z.ZodError): StoreError {
  const problems = error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message));
  return new StoreError('INVALID', `access request: ${problems.join('; ')}`);
}

const CLOSING_ACTION: Record<AccessRequestOutcome, string> = { answered: 'access_request.answer', refused: 'access_request.refuse', withdrawn: 'access_request.withdraw' };

export function createAccessRequestRepository(db: Kysely<Database>, options: { readonly now?: Clock; readonly newId?: () => string } = {}): AccessRequestRepository {
  const clock = options.now ?? systemClock;
  const newId = options.newId ?? randomUUID;

  /** Reads the row in `trx` and refuses unless it exists and is still open. */
  const openRow = async (trx: Kysely<Database>, id: string, doing: string): Promise<Selectable<AccessRequestsTable>> => {
    // Two DPO sessions closing the same request: the second sees it closed (CONFLICT).
    await lockWithin(trx, `access_request:${id}`);
    const row = await trx.selectFrom('access_requests').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new StoreError('NOT_FOUND', `access request ${id} not found`);
    if (row.status !== 'open') throw new StoreError('CONFLICT', `access request ${id} is already ${row.status} (${row.answered_at ?? '?'}): it cannot be ${doing}`);
    return row;
  };

  return {
    async create(input) {
      const { by, ...fields } = input;
      const parsed = newAccessRequestSchema.safeParse(fields);
      if (!parsed.success) throw invalid(parsed.error);
      const r = parsed.data;
      const receivedAt = normaliseIso(r.receivedAt, 'receivedAt');
      if (Date.parse(receivedAt) > clock() + 60_000) throw new StoreError('INVALID', 'access request: receivedAt: the date of receipt is in the future');
      const now = isoNow(clock);
      const row: AccessRequestsTable = {
        id: newId(),
        received_at: receivedAt,
        requester_ref: r.requesterRef,
        contact: r.contact ? r.contact : null,
        camera_id: r.camera,
        from_at: normaliseIso(r.from, 'from'),
        to_at: normaliseIso(r.to, 'to'),
        description: r.description,
        status: 'open',
        due_at: oneMonthAfter(receivedAt),
        answered_at: null,
        answer_note: null,
        export_id: null,
        created_at: now,
        created_by: by,
        updated_at: now,
      };
      // The request and its audit entry commit together: no request exists unaudited.
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('access_requests').values(row).execute();
        await appendAuditWithin(
          trx,
          { actor: by, action: 'access_request.create', target: row.id, details: { camera: row.camera_id, from: row.from_at, to: row.to_at, received_at: row.received_at, due_at: row.due_at } },
          clock,
        );
      });
      return toRequest(row, clock());
    },

    async get(id) {
      const row = await db.selectFrom('access_requests').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toRequest(row, clock()) : null;
    },

    async list(filter = {}) {
      let query = db.selectFrom('access_requests').selectAll();
      if (filter.status !== undefined) query = query.where('status', '=', filter.status);
      const rows = await query.orderBy('received_at', 'desc').orderBy('id').execute();
      const now = clock();
      const items = rows.map((r) => toRequest(r, now));
      // What needs doing first: open requests by deadline, then the closed ones as received.
      const open = items.filter((r) => r.status === 'open').sort((a, b) => (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : 0));
      return [...open, ...items.filter((r) => r.status !== 'open')];
    },

    async close(id, closing) {
      const parsed = accessRequestClosingSchema.safeParse({ status: closing.status, note: closing.note ?? null });
      if (!parsed.success) throw invalid(parsed.error);
      const { status, note } = parsed.data;
      const at = isoNow(clock);
      return db.transaction().execute(async (trx) => {
        const row = await openRow(trx, id, status);
        const updated = { ...row, status, answered_at: at, answer_note: note ? note : null, updated_at: at };
        await trx.updateTable('access_requests').set({ status, answered_at: at, answer_note: updated.answer_note, updated_at: at }).where('id', '=', id).execute();
        // The note may name the requester: the audit entry only says whether there was one.
        await appendAuditWithin(
          trx,
          { actor: closing.by, action: CLOSING_ACTION[status], target: id, details: { camera: row.camera_id, due_at: row.due_at, late: Date.parse(at) > Date.parse(row.due_at), export_id: row.export_id, note: updated.answer_note !== null } },
          clock,
        );
        return toRequest(updated, clock());
      });
    },

    async attachExport(id, attach) {
      const at = isoNow(clock);
      return db.transaction().execute(async (trx) => {
        const row = await openRow(trx, id, 'exported');
        await trx.updateTable('access_requests').set({ export_id: attach.exportId, updated_at: at }).where('id', '=', id).execute();
        await appendAuditWithin(
          trx,
          { actor: attach.by, action: 'access_request.export', target: id, details: { camera: row.camera_id, from: row.from_at, to: row.to_at, export_id: attach.exportId, subject_kept: attach.subjectKept } },
          clock,
        );
        return toRequest({ ...row, export_id: attach.exportId, updated_at: at }, clock());
      });
    },
  };
}
