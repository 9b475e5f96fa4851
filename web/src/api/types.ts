/**
 * Shapes of the HTTP API (docs/API.md). Event and configuration types come from
 * the server's own contracts (type-only imports), so they are never copied by hand.
 */
import type { EventType, Severity, VigieEvent } from '../../../src/contracts/event.js';
import type { CameraConfig, LineConfig, RuleConfig, ScheduleSlot, VigieConfig, Weekday, ZoneConfig } from '../../../src/config/schema.js';
import type { ruleSchema } from '../../../src/config/schema.js';
import type { Permission, Role } from '../../../src/auth/roles.js';
import type { OfflineReason } from '../../../src/pipeline/health.js';
import type { z } from 'zod';

export type { CameraConfig, EventType, LineConfig, Permission, Role, RuleConfig, ScheduleSlot, Severity, VigieConfig, VigieEvent, Weekday, ZoneConfig };
export type RuleType = RuleConfig['type'];
/** A rule as written by hand or by the console: fields with a default may be left out (the server fills them in on save). */
export type RuleInput = z.input<typeof ruleSchema>;
export type RuleMode = 'active' | 'shadow';

export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
}

/** Answer of `POST /api/auth/login` and `GET /api/auth/me`. */
export interface Session {
  user: SessionUser;
  permissions: Permission[];
  csrfToken: string;
  expiresAt: string;
}

export type Qualification = 'true_alert' | 'false_alarm' | 'duplicate';

export interface EventItem {
  event: VigieEvent;
  status: 'open' | 'closed';
  recordedAt: string;
  updatedAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  qualification: Qualification | null;
  qualifiedAt: string | null;
  qualifiedBy: string | null;
  dispatchedAt: string | null;
  dispatchedBy: string | null;
}

export type ActionKind = 'ack' | 'qualify' | 'dispatch' | 'note';

export interface EventAction {
  id: string;
  eventId: string;
  kind: ActionKind;
  value: string | null;
  note: string | null;
  userId: string;
  username: string;
  createdAt: string;
}

export type ActionBody =
  | { kind: 'ack' }
  | { kind: 'qualify'; value: Qualification }
  | { kind: 'dispatch'; note?: string }
  | { kind: 'note'; note: string };

export type StatusFilter = 'open' | 'closed' | 'unacknowledged' | 'acknowledged' | 'qualified';

export interface EventFilters {
  camera?: string;
  type?: EventType;
  status?: StatusFilter;
  limit?: number;
}

export interface EventsPage {
  items: EventItem[];
  total: number;
  nextCursor: string | null;
}

export interface EventDetail {
  item: EventItem;
  actions: EventAction[];
}

export type CameraState = 'starting' | 'running' | 'degraded' | 'offline' | 'disabled';

export interface CameraHealth {
  camera: string;
  state: CameraState;
  since: string | null;
  lastFrameAt: string | null;
  analysisFps: number | null;
  targetFps: number | null;
  framesDropped: number;
  restarts: number;
  lastError: string | null;
  offlineReason?: OfflineReason | null;
}

export interface CameraEntry {
  camera: CameraConfig;
  health: CameraHealth;
}

/** Body of `POST /api/cameras`: id and source are required, the server fills the other defaults. */
export type CameraInput = Pick<CameraConfig, 'id' | 'source'> & Partial<Omit<CameraConfig, 'id' | 'source'>>;
export type DetectConfig = CameraConfig['detect'];
export type DetectBackend = DetectConfig['backend'];
export const BACKEND_LIST = ['model', 'motion', 'hybrid'] as const satisfies readonly DetectBackend[];

export interface CamerasResponse {
  cameras: CameraEntry[];
}

export interface ConfigResponse {
  version: number;
  config: VigieConfig;
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
}

export type LiveMessage =
  | { type: 'event'; change: 'opened' | 'updated' | 'closed' | 'action'; item: EventItem }
  | { type: 'health'; health: CameraHealth };

/** Lists kept in the same order as their union types, checked at compile time. */
export const ROLE_LIST = ['operator', 'supervisor', 'dpo', 'admin'] as const satisfies readonly Role[];
export const EVENT_TYPE_LIST = [
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
] as const satisfies readonly EventType[];
/** Why a camera_offline event was raised (its `details.reason`). */
export const OFFLINE_REASON_LIST = ['unreachable', 'no_frames', 'frozen', 'crashed', 'ended'] as const satisfies readonly OfflineReason[];
export type { OfflineReason };
/** Types an alert can have: the rules' and Vigie's own (a camera offline). */
export const ALERT_TYPE_LIST = [...EVENT_TYPE_LIST, 'camera_offline'] as const satisfies readonly EventType[];
/** Every rule type the zone editor can create: the event types plus `counting` (statistics only). */
export const RULE_TYPE_LIST = [...EVENT_TYPE_LIST, 'counting'] as const satisfies readonly RuleType[];
export const WEEKDAY_LIST = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const satisfies readonly Weekday[];
export const SEVERITY_LIST = ['high', 'medium', 'low'] as const satisfies readonly Severity[];
export const STATUS_FILTERS = ['unacknowledged', 'acknowledged', 'qualified', 'open', 'closed'] as const satisfies readonly StatusFilter[];

type Missing<All, Listed> = Exclude<All, Listed> extends never ? true : never;
// These fail to compile when the server adds a role, event type or severity that the console does not list yet.
export const LISTS_COMPLETE: [
  Missing<Role, (typeof ROLE_LIST)[number]>,
  Missing<EventType, (typeof ALERT_TYPE_LIST)[number]>,
  Missing<Severity, (typeof SEVERITY_LIST)[number]>,
  Missing<DetectBackend, (typeof BACKEND_LIST)[number]>,
  Missing<RuleType, (typeof RULE_TYPE_LIST)[number]>,
  Missing<Weekday, (typeof WEEKDAY_LIST)[number]>,
  Missing<OfflineReason, (typeof OFFLINE_REASON_LIST)[number]>,
] = [true, true, true, true, true, true, true];

/** An event recorded by a rule in shadow mode: measured, never shown to operators. */
export function isShadowItem(item: EventItem): boolean {
  return item.event.details?.shadow === true;
}

/** One 5-minute bucket of `GET /api/cameras/:id/counts`. */
export interface CountBucket {
  /** ISO 8601 start of the 5-minute bucket. */
  start: string;
  rule: string;
  /** crossing: line crossings in the bucket (value); occupancy: mean tracks inside the zone (value) and the most at once (peak); occurrence: situations opened by a statistics-only rule (value). */
  kind: 'crossing' | 'occupancy' | 'occurrence';
  /** Line (crossing), zone (occupancy), or the rule's zone, line or event type (occurrence). */
  target: string;
  cls: string;
  direction: 'a_to_b' | 'b_to_a' | null;
  value: number;
  peak: number;
}

export interface CountsResponse {
  camera: string;
  bucket_s: number;
  buckets: CountBucket[];
}
