import { z } from 'zod';
import { OBJECT_CLASSES, type ObjectClass } from './classes.js';
import { EVENT_TYPES, SEVERITIES } from './event.js';

// Schemas of what crosses the HTTP API and the live WebSocket: the server
// validates with them and builds its OpenAPI document from them; the console
// imports the inferred types, so neither side copies the other by hand.

const isoTime = z.iso.datetime({ offset: false }).describe('ISO 8601 UTC time, e.g. 2026-11-28T21:04:05.123Z');

/** An event exactly as ARCHITECTURE 5.3 defines it: no other field may leave the pipeline. */
export const vigieEventSchema = z
  .object({
    id: z.string(),
    camera: z.string(),
    rule: z.string(),
    type: z.enum(EVENT_TYPES),
    severity: z.enum(SEVERITIES),
    start: z.number(),
    end: z.number().nullable(),
    start_time: isoTime,
    track_ids: z.array(z.number().int()),
    classes: z.array(z.enum(OBJECT_CLASSES as unknown as [ObjectClass, ...ObjectClass[]])),
    box: z.tuple([z.number(), z.number(), z.number(), z.number()]),
    score: z.number(),
    snapshot: z.string().nullable(),
    clip: z.object({ from: isoTime, to: isoTime }).strict().nullable(),
    details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  })
  .strict();

export const QUALIFICATIONS = ['true_alert', 'false_alarm', 'duplicate'] as const;
export type Qualification = (typeof QUALIFICATIONS)[number];

/** An event as operators handle it: the event plus its handling state. */
export const eventRecordSchema = z
  .object({
    event: vigieEventSchema,
    status: z.enum(['open', 'closed']),
    acknowledged_at: isoTime.nullable(),
    acknowledged_by: z.string().nullable(),
    qualification: z.enum(QUALIFICATIONS).nullable(),
    dispatched_at: isoTime.nullable(),
  })
  .strict();
export type EventRecord = z.infer<typeof eventRecordSchema>;

export const EVENT_STATUS_FILTERS = ['open', 'closed', 'unacknowledged', 'acknowledged', 'qualified'] as const;

export const eventListQuerySchema = z
  .object({
    camera: z.string().optional(),
    type: z.enum(EVENT_TYPES).optional(),
    status: z.enum(EVENT_STATUS_FILTERS).optional(),
    from: isoTime.optional().describe('events that started at or after this time'),
    to: isoTime.optional().describe('events that started before this time'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();
export type EventListQuery = z.infer<typeof eventListQuerySchema>;

export const eventListSchema = z.object({ items: z.array(eventRecordSchema), total: z.number().int() }).strict();

/** What an operator does with an event. */
export const eventActionRequestSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ack') }).strict(),
  z.object({ kind: z.literal('qualify'), value: z.enum(QUALIFICATIONS) }).strict(),
  z.object({ kind: z.literal('dispatch'), note: z.string().max(2000).optional() }).strict(),
  z.object({ kind: z.literal('note'), note: z.string().min(1, 'write the note').max(2000) }).strict(),
]);
export type EventActionRequest = z.infer<typeof eventActionRequestSchema>;

export const CAMERA_STATES = ['starting', 'running', 'degraded', 'offline', 'disabled'] as const;

export const cameraHealthSchema = z
  .object({
    camera: z.string(),
    state: z.enum(CAMERA_STATES),
    since: isoTime,
    last_frame_at: isoTime.nullable(),
    analysis_fps: z.number(),
    target_fps: z.number(),
    frames_dropped: z.number().int(),
    restarts: z.number().int(),
    last_error: z.string().nullable(),
  })
  .strict();
export type CameraHealthDto = z.infer<typeof cameraHealthSchema>;

export const healthSchema = z.object({ status: z.enum(['ok', 'degraded']), version: z.string(), cameras: z.array(cameraHealthSchema) }).strict();

export const loginRequestSchema = z
  .object({ username: z.string().min(1, 'give the username').max(100), password: z.string().min(1, 'give the password').max(1000) })
  .strict();

/** A message pushed on the live WebSocket. */
export const liveMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('event'), change: z.enum(['opened', 'updated', 'closed', 'action']), record: eventRecordSchema }).strict(),
  z.object({ type: z.literal('health'), health: cameraHealthSchema }).strict(),
]);
export type LiveMessage = z.infer<typeof liveMessageSchema>;
