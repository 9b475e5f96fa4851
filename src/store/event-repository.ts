import type { Kysely, Selectable, Updateable } from 'kysely';
import type { VigieEvent } from '../contracts/event.js';
import {
  EVENT_CONTENT_COLUMNS, QUALIFICATIONS, eventToColumns, rowToStoredEvent,
  type EventContentColumns, type Qualification, type StoredEvent,
} from './event-codec.js';
import { afterKey, decodeCursor, encodeCursor, filterConditions, pageSize, type EventFilter } from './event-query.js';
import { StoreError, isForeignKeyViolation } from './errors.js';
import { lockWithin } from './locks.js';
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

/** One change for `upsertMany`. */
export interface EventWrite {
  readonly event: VigieEvent;
  /** Whether the change may overwrite the row as stored (absent: always); not asked for a new event. */
  readonly applies?: (stored: StoredEvent) => boolean;
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
  /**
   * Stores several changes in one transaction, in order (an API node's batch from
   * the stream: one commit instead of one per change). A write whose `applies`
   * says no leaves the row as it is (`unchanged`). Results are in `writes` order.
   */
  upsertMany(writes: readonly EventWrite[]): Promise<readonly UpsertResult[]>;
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

  const upsertMany = async (writes: readonly EventWrite[]): Promise<readonly UpsertResult[]> => {
    if (writes.length === 0) return [];
    const ids = [...new Set(writes.map((w) => w.event.id))].sort();
    return db.transaction().execute(async (trx) => {
      // Several API nodes may store the same event at once (redelivery): the locks
      // make the second wait and then see the first's row, so it updates or finds it
      // unchanged instead of failing on the primary key or losing a change. Taken in
      // id order, so two batches sharing events cannot deadlock.
      for (const id of ids) await lockWithin(trx, eventLockKey(id));
      const rows = new Map<string, EventsTable>();
      for (let i = 0; i < ids.length; i += BATCH_ROWS) {
        const found = await trx.selectFrom('events').selectAll().where('id', 'in', ids.slice(i, i + BATCH_ROWS)).execute();
        for (const row of found) rows.set(row.id, row);
      }
      const existed = new Set(rows.keys());
      const dirty = new Set<string>();
      const at = isoNow(now);
      const results = writes.map((write): UpsertResult => {
        const columns = eventToColumns(write.event);
        const current = rows.get(columns.id);
        if (!current) {
          const row: EventsTable = { ...columns, recorded_at: at, updated_at: at, ...NO_HANDLING };
          rows.set(columns.id, row);
          dirty.add(columns.id);
          return { change: 'created', stored: rowToStoredEvent(row) };
        }
        const stored = rowToStoredEvent(current);
        if (sameContent(current, columns) || (write.applies && !write.applies(stored))) return { change: 'unchanged', stored };
        const row: EventsTable = { ...current, ...columns, updated_at: at };
        rows.set(columns.id, row);
        dirty.add(columns.id);
        return { change: 'updated', stored: rowToStoredEvent(row) };
      });
      const created = [...dirty].filter((id) => !existed.has(id)).map((id) => rows.get(id) as EventsTable);
      for (let i = 0; i < created.length; i += BATCH_ROWS) await trx.insertInto('events').values(created.slice(i, i + BATCH_ROWS)).execute();
      for (const id of dirty) {
        if (!existed.has(id)) continue;
        const row = rows.get(id) as EventsTable;
        const content = Object.fromEntries(EVENT_CONTENT_COLUMNS.map((key) => [key, row[key]]));
        await trx.updateTable('events').set({ ...content, updated_at: row.updated_at }).where('id', '=', id).execute();
      }
      return results;
    });
  };

  return {
    async upsert(event) {
      const [result] = await upsertMany([{ event }]);
      return result as UpsertResult;
    },

    upsertMany,

    async get(id) {
      const row = await db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? rowToStoredEvent(row) : null;
    },

    async list(filter = {}) {
      const limit = pageSize(filter);
      const after = filter.cursor === undefined ? undefined : decodeCursor(filter.cursor);
      // One snapshot for the total and the page: PostgreSQL's default READ COMMITTED
      // would let events stored in between count in one and not the other
      // (SQLite ignores the level: its transactions are snapshots already).
      return db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
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
        // The patch depends on the row read (first acknowledgement kept): no other writer in between.
        await lockWithin(trx, eventLockKey(eventId));
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

const eventLockKey = (id: string): string => `event:${id}`;

/** Rows per statement: well under SQLite's and PostgreSQL's limits on bound parameters (about 30 per event row). */
const BATCH_ROWS = 200;

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
