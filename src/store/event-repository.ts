import type { Kysely, Selectable, Updateable } from 'kysely';
import type { VigieEvent } from '../contracts/event.js';
import {
  EVENT_CONTENT_COLUMNS, QUALIFICATIONS, eventToColumns, rowToStoredEvent,
  type EventContentColumns, type Qualification, type StoredEvent,
} from './event-codec.js';
import { afterKey, decodeCursor, encodeCursor, filterConditions, pageSize, type EventFilter } from './event-query.js';
import { StoreError, isForeignKeyViolation } from './errors.js';
import { oneOf } from './json.js';
import type { Database, EventActionsTable, EventsTable } from './schema.js';
import { isoNow, systemClock, type Clock } from './time.js';

export const EVENT_ACTION_KINDS = ['ack', 'qualify', 'dispatch', 'note'] as const;
export type EventActionKind = (typeof EVENT_ACTION_KINDS)[number];

/** Longest note and action value accepted, in characters. */
export const MAX_NOTE_CHARS = 4_000;
export const MAX_ACTION_VALUE_CHARS = 200;

/** What an operator does to an event. Every action also acknowledges an unacknowledged event, except a note. */
export type EventActionInput =
  | { readonly kind: 'ack'; readonly userId: string; readonly note?: string }
  | { readonly kind: 'qualify'; readonly value: Qualification; readonly userId: string; readonly note?: string }
  | { readonly kind: 'dispatch'; readonly value?: string; readonly userId: string; readonly note?: string }
  | { readonly kind: 'note'; readonly note: string; readonly userId: string };

/** One entry of an event's timeline. */
export interface EventAction {
  readonly id: number;
  readonly eventId: string;
  readonly kind: EventActionKind;
  readonly value: string | null;
  readonly note: string | null;
  readonly userId: string;
  readonly createdAt: string;
}

export interface UpsertResult {
  /** created: first time seen; updated: content changed; unchanged: a repeat (nothing to announce). */
  readonly change: 'created' | 'updated' | 'unchanged';
  readonly stored: StoredEvent;
}

export interface EventPage {
  readonly items: readonly StoredEvent[];
  /** Events matching the filter, all pages together. */
  readonly total: number;
  /** Cursor of the next page, or null on the last page. */
  readonly nextCursor: string | null;
}

/**
 * Durable events and their handling. Lists are in alert-queue order: severity
 * (high, medium, low), then newest `start_time` first, then id (a total order,
 * so pages never overlap).
 */
export interface EventRepository {
  /** Stores a change of an event (opened, updated, closed), idempotent on `id`; resolves once committed. */
  upsert(event: VigieEvent): Promise<UpsertResult>;
  get(id: string): Promise<StoredEvent | null>;
  list(filter?: EventFilter): Promise<EventPage>;
  /** Records the action and updates the event's handling in one transaction; NOT_FOUND for an unknown event or user. */
  applyAction(eventId: string, action: EventActionInput): Promise<{ readonly stored: StoredEvent; readonly action: EventAction }>;
  /** The event's timeline, oldest first. */
  actions(eventId: string): Promise<readonly EventAction[]>;
}

export interface EventRepositoryOptions {
  readonly now?: Clock;
}

export function createEventRepository(db: Kysely<Database>, options: EventRepositoryOptions = {}): EventRepository {
  const now = options.now ?? systemClock;

  return {
    async upsert(event) {
      const columns = eventToColumns(event);
      return db.transaction().execute(async (trx) => {
        const existing = await trx.selectFrom('events').selectAll().where('id', '=', columns.id).executeTakeFirst();
        const at = isoNow(now);
        if (!existing) {
          const row = await trx
            .insertInto('events')
            .values({ ...columns, recorded_at: at, updated_at: at, ...NO_HANDLING })
            .returningAll()
            .executeTakeFirstOrThrow();
          return { change: 'created' as const, stored: rowToStoredEvent(row) };
        }
        if (sameContent(existing, columns)) return { change: 'unchanged' as const, stored: rowToStoredEvent(existing) };
        const row = await trx
          .updateTable('events')
          .set({ ...columns, updated_at: at })
          .where('id', '=', columns.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        return { change: 'updated' as const, stored: rowToStoredEvent(row) };
      });
    },

    async get(id) {
      const row = await db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? rowToStoredEvent(row) : null;
    },

    async list(filter = {}) {
      const limit = pageSize(filter);
      const after = filter.cursor === undefined ? undefined : decodeCursor(filter.cursor);
      return db.transaction().execute(async (trx) => {
        const counted = await trx
          .selectFrom('events')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where((eb) => filterConditions(eb, filter))
          .executeTakeFirstOrThrow();
        let query = trx
          .selectFrom('events')
          .selectAll()
          .where((eb) => filterConditions(eb, filter))
          .orderBy('severity_rank', 'desc')
          .orderBy('start_at', 'desc')
          .orderBy('id', 'asc')
          .limit(limit + 1);
        if (after) query = query.where((eb) => afterKey(eb, after));
        if (filter.offset !== undefined) query = query.offset(filter.offset);
        const rows = await query.execute();
        const page = rows.slice(0, limit);
        const last = page[page.length - 1];
        return {
          items: page.map(rowToStoredEvent),
          total: Number(counted.n),
          nextCursor: rows.length > limit && last ? encodeCursor({ rank: last.severity_rank, startAt: last.start_at, id: last.id }) : null,
        };
      });
    },

    async applyAction(eventId, action) {
      checkAction(action);
      return db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('events').selectAll().where('id', '=', eventId).executeTakeFirst();
        if (!row) throw new StoreError('NOT_FOUND', `event "${eventId}" does not exist`);
        const at = isoNow(now);
        // The event is updated before the action is inserted, so a failing insert
        // (unknown user) proves that the transaction rolls the update back too.
        const updated = await trx
          .updateTable('events')
          .set({ ...handlingPatch(row, action, at), updated_at: at })
          .where('id', '=', eventId)
          .returningAll()
          .executeTakeFirstOrThrow();
        let inserted: Selectable<EventActionsTable>;
        try {
          inserted = await insertAction(trx, eventId, action, at);
        } catch (err) {
          if (isForeignKeyViolation(err)) throw new StoreError('NOT_FOUND', `user "${action.userId}" does not exist`, { cause: err });
          throw err;
        }
        return { stored: rowToStoredEvent(updated), action: rowToAction(inserted) };
      });
    },

    async actions(eventId) {
      const rows = await db
        .selectFrom('event_actions')
        .selectAll()
        .where('event_id', '=', eventId)
        .orderBy('created_at', 'asc')
        .orderBy('id', 'asc')
        .execute();
      return rows.map(rowToAction);
    },
  };
}

const NO_HANDLING = {
  acknowledged_at: null,
  acknowledged_by: null,
  qualification: null,
  qualified_at: null,
  qualified_by: null,
  dispatched_at: null,
  dispatched_by: null,
} as const;

function sameContent(row: EventsTable, columns: EventContentColumns): boolean {
  return EVENT_CONTENT_COLUMNS.every((key) => row[key] === columns[key]);
}

/**
 * The handling columns an action changes (pure). The first acknowledgement and
 * the first dispatch are kept (time-to-acknowledge statistics rely on them); a
 * later qualification replaces an earlier one.
 */
export function handlingPatch(row: EventsTable, action: EventActionInput, at: string): Updateable<EventsTable> {
  const ack = row.acknowledged_at === null ? { acknowledged_at: at, acknowledged_by: action.userId } : {};
  switch (action.kind) {
    case 'ack':
      return ack;
    case 'qualify':
      return { ...ack, qualification: action.value, qualified_at: at, qualified_by: action.userId };
    case 'dispatch':
      return row.dispatched_at === null ? { ...ack, dispatched_at: at, dispatched_by: action.userId } : ack;
    case 'note':
      return {};
  }
}

/** Runtime check of an action (callers may pass unvalidated input); throws INVALID naming the field. */
function checkAction(action: EventActionInput): void {
  const kind = oneOfOrInvalid(EVENT_ACTION_KINDS, action.kind, 'kind');
  if (typeof action.userId !== 'string' || action.userId === '') throw new StoreError('INVALID', 'userId is required');
  if (action.note !== undefined && (typeof action.note !== 'string' || action.note.length > MAX_NOTE_CHARS)) {
    throw new StoreError('INVALID', `note must be text of at most ${MAX_NOTE_CHARS} characters`);
  }
  if (kind === 'note' && (action.note ?? '').trim() === '') throw new StoreError('INVALID', 'note: a note action needs a non-empty note');
  if (kind === 'qualify') oneOfOrInvalid(QUALIFICATIONS, (action as { value?: unknown }).value, 'value');
  if (kind === 'dispatch') {
    const value = (action as { value?: unknown }).value;
    if (value !== undefined && (typeof value !== 'string' || value.length > MAX_ACTION_VALUE_CHARS)) {
      throw new StoreError('INVALID', `value must be text of at most ${MAX_ACTION_VALUE_CHARS} characters`);
    }
  }
}

function oneOfOrInvalid<T extends string>(allowed: readonly T[], value: unknown, field: string): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new StoreError('INVALID', `${field} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value) ?? 'nothing'})`);
}

function insertAction(trx: Kysely<Database>, eventId: string, action: EventActionInput, at: string): Promise<Selectable<EventActionsTable>> {
  return trx
    .insertInto('event_actions')
    .values({
      event_id: eventId,
      kind: action.kind,
      value: 'value' in action && action.value !== undefined ? action.value : null,
      note: action.note ?? null,
      user_id: action.userId,
      created_at: at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

function rowToAction(row: Selectable<EventActionsTable>): EventAction {
  return {
    id: row.id,
    eventId: row.event_id,
    kind: oneOf(EVENT_ACTION_KINDS, row.kind, `event action ${row.id} kind`),
    value: row.value,
    note: row.note,
    userId: row.user_id,
    createdAt: row.created_at,
  };
}
