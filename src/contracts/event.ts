import type { ObjectClass } from './classes.js';
import type { NormBoxLTWH } from './geometry.js';

export const EVENT_TYPES = [
  'intrusion',
  'line_crossing',
  'wrong_way',
  'gathering',
  'crowd_movement',
  'loitering',
  'vehicle_prowling',
  'vehicle_departure',
  'stopped_vehicle',
  'speeding',
  'red_light',
  'person_down',
  'abandoned_object',
  'illegal_dumping',
  'bin_overflow',
  'fire',
  'smoke',
  'camera_tamper',
  'camera_offline',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * Events Vigie raises about itself, not from a rule: a camera that stopped
 * sending usable video. They carry `rule: SYSTEM_RULE_ID`, no track and no
 * snapshot, and stay out of the trial's alert statistics (availability covers them).
 */
export const SYSTEM_EVENT_TYPES = ['camera_offline'] as const satisfies readonly EventType[];
export type SystemEventType = (typeof SYSTEM_EVENT_TYPES)[number];
export const SYSTEM_RULE_ID = 'system';

export const SEVERITIES = ['low', 'medium', 'high'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * An event, in the shape shared by the API, the bus and `vigie analyze`
 * (ARCHITECTURE 5.3). Only these fields ever leave the pipeline: no appearance,
 * no identity.
 */
export interface VigieEvent {
  readonly id: string;
  readonly camera: string;
  readonly rule: string;
  readonly type: EventType;
  readonly severity: Severity;
  /** Seconds from the start of the source or stream. */
  readonly start: number;
  /** Seconds from the start of the source; null while the event is open. */
  readonly end: number | null;
  /** ISO 8601 UTC time of `start`. */
  readonly start_time: string;
  readonly track_ids: readonly number[];
  readonly classes: readonly ObjectClass[];
  /** Normalised [left, top, width, height] of the triggering object(s). */
  readonly box: NormBoxLTWH;
  readonly score: number;
  /** Snapshot reference (later: a URL of the stored JPEG); null when none was made. */
  readonly snapshot: string | null;
  readonly clip: { readonly from: string; readonly to: string } | null;
  readonly details: Readonly<Record<string, string | number | boolean | null>>;
}
