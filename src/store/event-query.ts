import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { EventType } from '../contracts/event.js';
import { StoreError } from './errors.js';
import type { Database } from './schema.js';
import { normaliseIso } from './time.js';

export const EVENT_LIST_STATUSES = ['open', 'closed', 'unacknowledged', 'acknowledged', 'qualified'] as const;
export type EventListStatus = (typeof EVENT_LIST_STATUSES)[number];

export const SHADOW_FILTERS = ['exclude', 'include', 'only'] as const;
export type ShadowFilter = (typeof SHADOW_FILTERS)[number];

export const DEFAULT_EVENT_PAGE_SIZE = 50;
export const MAX_EVENT_PAGE_SIZE = 500;

/**
 * Which events to list. Times filter `start_time`: `from` inclusive, `to`
 * exclusive. Page either with `cursor` (the previous page's `nextCursor`: stable
 * while new events arrive) or with `offset`; not both.
 */
export interface EventFilter {
  readonly camera?: string;
  readonly type?: EventType;
  readonly status?: EventListStatus;
  readonly from?: string;
  readonly to?: string;
  /** Events of rules in shadow mode: left out (default), included, or the only ones listed. */
  readonly shadow?: ShadowFilter;
  /** 1..MAX_EVENT_PAGE_SIZE, default DEFAULT_EVENT_PAGE_SIZE. */
  readonly limit?: number;
  readonly cursor?: string;
  readonly offset?: number;
}

type EventsEb = ExpressionBuilder<Database, 'events'>;

/** The filter's conditions (without paging), for both the page and the total. */
export function filterConditions(eb: EventsEb, filter: EventFilter): Expression<SqlBool> {
  const conditions: Expression<SqlBool>[] = [];
  if (filter.camera !== undefined) conditions.push(eb('camera', '=', filter.camera));
  if (filter.type !== undefined) conditions.push(eb('type', '=', filter.type));
  if (filter.shadow !== 'include') conditions.push(eb('shadow', '=', filter.shadow === 'only' ? 1 : 0));
  if (filter.from !== undefined) conditions.push(eb('start_at', '>=', normaliseIso(filter.from, 'from')));
  if (filter.to !== undefined) conditions.push(eb('start_at', '<', normaliseIso(filter.to, 'to')));
  switch (filter.status) {
    case undefined:
      break;
    case 'open':
    case 'closed':
      conditions.push(eb('status', '=', filter.status));
      break;
    case 'unacknowledged':
      conditions.push(eb('acknowledged_at', 'is', null));
      break;
    case 'acknowledged':
      conditions.push(eb('acknowledged_at', 'is not', null));
      break;
    case 'qualified':
      conditions.push(eb('qualification', 'is not', null));
      break;
    default:
      throw new StoreError('INVALID', `unknown event status "${String(filter.status satisfies never)}": use ${EVENT_LIST_STATUSES.join(', ')}`);
  }
  return eb.and(conditions);
}

/** Position of a row in the queue order: (severity_rank desc, start_at desc, id asc). */
export interface QueueKey {
  readonly rank: number;
  readonly startAt: string;
  readonly id: string;
}

/** Rows strictly after `key` in the queue order. */
export function afterKey(eb: EventsEb, key: QueueKey): Expression<SqlBool> {
  return eb.or([
    eb('severity_rank', '<', key.rank),
    eb.and([eb('severity_rank', '=', key.rank), eb('start_at', '<', key.startAt)]),
    eb.and([eb('severity_rank', '=', key.rank), eb('start_at', '=', key.startAt), eb('id', '>', key.id)]),
  ]);
}

/** Opaque cursor: base64url of the last row's queue key. */
export function encodeCursor(key: QueueKey): string {
  return Buffer.from(JSON.stringify([key.rank, key.startAt, key.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): QueueKey {
  const invalid = 'invalid cursor: pass the nextCursor of a previous page unchanged';
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (err) {
    throw new StoreError('INVALID', invalid, { cause: err });
  }
  if (Array.isArray(value) && value.length === 3) {
    const [rank, startAt, id] = value as unknown[];
    if (typeof rank === 'number' && typeof startAt === 'string' && typeof id === 'string') return { rank, startAt, id };
  }
  throw new StoreError('INVALID', invalid);
}

/** Checks limit and offset; returns the page size. */
export function pageSize(filter: EventFilter): number {
  const limit = filter.limit ?? DEFAULT_EVENT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_EVENT_PAGE_SIZE) {
    throw new StoreError('INVALID', `limit must be an integer from 1 to ${MAX_EVENT_PAGE_SIZE} (got ${limit})`);
  }
  if (filter.offset !== undefined && (!Number.isInteger(filter.offset) || filter.offset < 0)) {
    throw new StoreError('INVALID', `offset must be an integer >= 0 (got ${filter.offset})`);
  }
  if (filter.offset !== undefined && filter.cursor !== undefined) {
    throw new StoreError('INVALID', 'give either cursor or offset, not both');
  }
  return limit;
}
