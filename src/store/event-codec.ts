import { EVENT_TYPES, SEVERITIES, type Severity, type VigieEvent } from '../contracts/event.js';
import { QUALIFICATIONS, vigieEventSchema, type Qualification } from '../contracts/event-schema.js';
import { StoreError } from './errors.js';
import { oneOf, readJson } from './json.js';
import type { EventsTable } from './schema.js';
import { normaliseIso } from './time.js';

export const EVENT_STATUSES = ['open', 'closed'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

export { QUALIFICATIONS, type Qualification };

/** Sort key of the alert queue: higher first. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { high: 3, medium: 2, low: 1 };

/** An event as stored: the pipeline's event plus its status and how operators handled it. */
export interface StoredEvent {
  readonly event: VigieEvent;
  /** 'open' while `event.end` is null. */
  readonly status: EventStatus;
  /** When the store first received the event (ISO UTC). */
  readonly recordedAt: string;
  /** When the event or its handling last changed (ISO UTC). */
  readonly updatedAt: string;
  readonly acknowledgedAt: string | null;
  readonly acknowledgedBy: string | null;
  readonly qualification: Qualification | null;
  readonly qualifiedAt: string | null;
  readonly qualifiedBy: string | null;
  readonly dispatchedAt: string | null;
  readonly dispatchedBy: string | null;
}

/** The pipeline-owned columns of an event row (everything but handling and store times). */
export type EventContentColumns = Pick<
  EventsTable,
  | 'id' | 'camera' | 'rule' | 'type' | 'severity' | 'severity_rank' | 'start_s' | 'end_s' | 'start_time' | 'start_at'
  | 'track_ids' | 'classes' | 'box' | 'score' | 'snapshot' | 'clip_from' | 'clip_to' | 'details' | 'status' | 'shadow'
>;

export const EVENT_CONTENT_COLUMNS = [
  'id', 'camera', 'rule', 'type', 'severity', 'severity_rank', 'start_s', 'end_s', 'start_time', 'start_at',
  'track_ids', 'classes', 'box', 'score', 'snapshot', 'clip_from', 'clip_to', 'details', 'status', 'shadow',
] as const satisfies readonly (keyof EventContentColumns)[];

/** Validates an event and turns it into row columns; throws INVALID naming the field. */
export function eventToColumns(input: VigieEvent): EventContentColumns {
  const parsed = vigieEventSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StoreError('INVALID', `event ${JSON.stringify((input as { id?: unknown }).id ?? null)} cannot be stored: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  const e = parsed.data;
  return {
    id: e.id,
    camera: e.camera,
    rule: e.rule,
    type: e.type,
    severity: e.severity,
    severity_rank: SEVERITY_RANK[e.severity],
    start_s: e.start,
    end_s: e.end,
    start_time: e.start_time,
    start_at: normaliseIso(e.start_time, `event "${e.id}" start_time`),
    track_ids: JSON.stringify(e.track_ids),
    classes: JSON.stringify(e.classes),
    box: JSON.stringify(e.box),
    score: e.score,
    snapshot: e.snapshot,
    clip_from: e.clip?.from ?? null,
    clip_to: e.clip?.to ?? null,
    details: JSON.stringify(e.details),
    status: e.end === null ? 'open' : 'closed',
    shadow: isShadowEvent(e) ? 1 : 0,
  };
}

/** Events of a rule in shadow mode carry `details.shadow: true` (src/events/lifecycle.ts). */
export const isShadowEvent = (e: Pick<VigieEvent, 'details'>): boolean => e.details.shadow === true;

/** Turns a stored row back into the domain type, validating every column; throws CORRUPT naming the event. */
export function rowToStoredEvent(row: EventsTable): StoredEvent {
  const where = (column: string) => `event "${row.id}" ${column}`;
  const event: VigieEvent = {
    id: row.id,
    camera: row.camera,
    rule: row.rule,
    type: oneOf(EVENT_TYPES, row.type, where('type')),
    severity: oneOf(SEVERITIES, row.severity, where('severity')),
    start: row.start_s,
    end: row.end_s,
    start_time: row.start_time,
    track_ids: readJson(row.track_ids, vigieEventSchema.shape.track_ids, where('track_ids')),
    classes: readJson(row.classes, vigieEventSchema.shape.classes, where('classes')),
    box: readJson(row.box, vigieEventSchema.shape.box, where('box')),
    score: row.score,
    snapshot: row.snapshot,
    clip: row.clip_from !== null && row.clip_to !== null ? { from: row.clip_from, to: row.clip_to } : null,
    details: readJson(row.details, vigieEventSchema.shape.details, where('details')),
  };
  return {
    event,
    status: oneOf(EVENT_STATUSES, row.status, where('status')),
    recordedAt: row.recorded_at,
    updatedAt: row.updated_at,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
    qualification: row.qualification === null ? null : oneOf(QUALIFICATIONS, row.qualification, where('qualification')),
    qualifiedAt: row.qualified_at,
    qualifiedBy: row.qualified_by,
    dispatchedAt: row.dispatched_at,
    dispatchedBy: row.dispatched_by,
  };
}
