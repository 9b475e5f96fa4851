import { z } from 'zod';
import { isObjectClass } from './classes.js';
import { EVENT_TYPES, SEVERITIES } from './event.js';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const isoTime = z.iso.datetime({ offset: true }).describe('ISO 8601 time, e.g. 2026-11-28T21:04:05.123Z');

/**
 * The event contract (ARCHITECTURE 5.3) as a schema: exactly these fields, finite
 * numbers. The store refuses anything else, and tests check that nothing the
 * pipeline, the API or the bus emits carries a field outside it (no biometrics
 * can slip in through `details` either: values are plain scalars).
 */
export const vigieEventSchema = z
  .object({
    id: z.string().min(1),
    camera: z.string().min(1),
    rule: z.string().min(1),
    type: z.enum(EVENT_TYPES),
    severity: z.enum(SEVERITIES),
    start: finite,
    end: finite.nullable(),
    start_time: isoTime,
    track_ids: z.array(z.number().int()),
    classes: z.array(z.string().refine(isObjectClass, 'unknown object class')),
    box: z.tuple([finite, finite, finite, finite]),
    score: finite,
    snapshot: z.string().nullable(),
    clip: z.object({ from: isoTime, to: isoTime }).strict().nullable(),
    details: z.record(z.string(), z.union([z.string(), finite, z.boolean(), z.null()])),
  })
  .strict();

/** How an operator qualifies an event. */
export const QUALIFICATIONS = ['true_alert', 'false_alarm', 'duplicate'] as const;
export type Qualification = (typeof QUALIFICATIONS)[number];
