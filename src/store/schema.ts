import type { Generated } from 'kysely';

/**
 * Row types of every table, as Kysely sees them (snake_case, the database's own
 * shapes). Only repositories use these: callers get the domain types the
 * repositories map them to. Portable column types only: text, integer (booleans
 * as 0/1), double precision; times are ISO 8601 UTC text (fixed width, so text
 * order is time order); JSON documents are text.
 */
export interface Database {
  config_versions: ConfigVersionsTable;
  cameras: CamerasTable;
  zones: ZonesTable;
  lines: LinesTable;
  masks: MasksTable;
  rules: RulesTable;
  events: EventsTable;
  event_actions: EventActionsTable;
  users: UsersTable;
  sessions: SessionsTable;
  counts: CountsTable;
  segments: SegmentsTable;
  recording_gaps: RecordingGapsTable;
  legal_holds: LegalHoldsTable;
  audit_log: AuditLogTable;
  access_requests: AccessRequestsTable;
  camera_uptime: CameraUptimeTable;
  incidents: IncidentsTable;
  pending_deletes: PendingDeletesTable;
  webhook_deliveries: WebhookDeliveriesTable;
}

export interface ConfigVersionsTable {
  version: number;
  created_at: string;
  created_by: string | null;
  comment: string | null;
  /** The whole validated VigieConfig as JSON. */
  document: string;
}

/** Derived from the current config version (rewritten on each save). */
export interface CamerasTable {
  id: string;
  config_version: number;
  position: number;
  name: string | null;
  enabled: number;
  source: string;
  loop: number;
  /** DetectConfig as JSON. */
  detect: string;
}

export interface ZonesTable {
  camera_id: string;
  id: string;
  config_version: number;
  position: number;
  name: string | null;
  /** NormPoint[] as JSON. */
  polygon: string;
  /** [dx, dy] as JSON, or null. */
  direction: string | null;
}

export interface LinesTable {
  camera_id: string;
  id: string;
  config_version: number;
  position: number;
  name: string | null;
  /** [a, b] as JSON. */
  points: string;
}

export interface MasksTable {
  camera_id: string;
  /** Index of the mask in the camera's `masks` list (masks have no id). */
  position: number;
  config_version: number;
  polygon: string;
}

export interface RulesTable {
  camera_id: string;
  id: string;
  config_version: number;
  position: number;
  type: string;
  enabled: number;
  severity: string;
  zone_id: string | null;
  line_id: string | null;
  /** The whole RuleConfig as JSON. */
  definition: string;
}

export interface EventsTable {
  id: string;
  camera: string;
  rule: string;
  type: string;
  severity: string;
  /** 3 high, 2 medium, 1 low: the alert queue sorts on it. */
  severity_rank: number;
  start_s: number;
  end_s: number | null;
  /** `start_time` exactly as the event gave it. */
  start_time: string;
  /** `start_time` normalised to toISOString() form: ordering and time filters use it. */
  start_at: string;
  track_ids: string;
  classes: string;
  box: string;
  score: number;
  snapshot: string | null;
  clip_from: string | null;
  clip_to: string | null;
  details: string;
  /** 'open' while `end_s` is null, else 'closed'. */
  status: string;
  /** 1 for events of a rule in shadow mode (`details.shadow`): stored, never queued for operators. */
  shadow: number;
  recorded_at: string;
  updated_at: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  qualification: string | null;
  qualified_at: string | null;
  qualified_by: string | null;
  dispatched_at: string | null;
  dispatched_by: string | null;
}

export interface EventActionsTable {
  id: Generated<number>;
  event_id: string;
  kind: string;
  value: string | null;
  note: string | null;
  user_id: string;
  created_at: string;
}

export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  role: string;
  password_hash: string;
  disabled: number;
  created_at: string;
  updated_at: string;
}

export interface SessionsTable {
  /** SHA-256 (hex) of the session token; the token itself is never stored. */
  id: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
  csrf_token: string;
  ip: string | null;
  user_agent: string | null;
}

/** Counts of `counting` rules per 5-minute bucket (no track ids: counts only). */
export interface CountsTable {
  camera_id: string;
  rule_id: string;
  /** Bucket start, ISO 8601 UTC (toISOString form). */
  bucket_start: string;
  bucket_s: number;
  kind: string;
  /** Line id (crossing) or zone id (occupancy). */
  target: string;
  cls: string;
  /** 'a_to_b' | 'b_to_a' for crossings, '' for occupancy. */
  direction: string;
  /** Crossings, or mean tracks inside over `frames`. */
  value: number;
  /** Crossings, or most tracks inside at once. */
  peak: number;
  /** Analysed frames the row covers (weights occupancy means when parts of a bucket merge). */
  frames: number;
}

/** A deletion of a footage file under way: written before the unlink, removed with the rows that pointed at the file. */
export interface PendingDeletesTable {
  id: Generated<number>;
  /** 'segment' or 'snapshot'. */
  kind: string;
  /** The segment id, or the event id of a snapshot. */
  ref_id: string;
  /** Relative to the recordings folder (segments) or the snapshots folder (snapshots). */
  path: string;
  reason: string;
  created_at: string;
}

/** One recorded segment file (`src/recording`): times of its first and last frame, its size and SHA-256. */
export interface SegmentsTable {
  id: string;
  camera_id: string;
  start_at: string;
  end_at: string;
  duration_s: number;
  bytes: number;
  sha256: string;
  /** Relative to the recordings folder. */
  path: string;
  created_at: string;
}

/** A span a camera should have recorded but did not (stream down, disk full, Vigie stopped). */
export interface RecordingGapsTable {
  id: Generated<number>;
  camera_id: string;
  start_at: string;
  end_at: string;
  reason: string;
}

/** A judicial requisition: footage of these cameras in [from_at, to_at) survives retention until released. */
export interface LegalHoldsTable {
  id: string;
  case_ref: string;
  authority: string;
  /** Camera ids as a JSON array. */
  cameras: string;
  from_at: string;
  to_at: string;
  /** End of the hold; null = until released. */
  until_at: string | null;
  note: string | null;
  created_at: string;
  created_by: string;
  released_at: string | null;
  released_by: string | null;
  release_reason: string | null;
}

/** Append-only audit trail; each row's hash covers the previous row's hash (a broken chain shows tampering). */
export interface AuditLogTable {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  /** JSON object of scalars. */
  details: string;
  prev_hash: string;
  hash: string;
}

/** A GDPR right-of-access request (docs/ACCESS-REQUESTS.md): what was asked, by when, and the answer. */
export interface AccessRequestsTable {
  id: string;
  received_at: string;
  /** A letter number or initials, not an identity. */
  requester_ref: string;
  contact: string | null;
  camera_id: string;
  from_at: string;
  to_at: string;
  /** How the requester says they can be recognised in the footage. */
  description: string;
  /** open | answered | refused | withdrawn */
  status: string;
  /** received_at + 1 month (GDPR art. 12(3)). */
  due_at: string;
  answered_at: string | null;
  answer_note: string | null;
  /** Evidence bundle id of the export sent. */
  export_id: string | null;
  created_at: string;
  created_by: string;
  updated_at: string;
}

/** A span during which a camera's pipeline was running and receiving frames (trial availability). */
export interface CameraUptimeTable {
  id: string;
  camera: string;
  from_at: string;
  /** Time of the last frame written; extended while frames flow. */
  to_at: string;
}

/** An incident logged by an operator (docs/REPORTS.md), whether or not Vigie detected it. */
export interface IncidentsTable {
  id: string;
  occurred_at: string;
  /** A configured camera id; null when `place` names a spot Vigie does not analyse. */
  camera: string | null;
  place: string | null;
  /** An event type, or `other`. */
  type: string;
  /** Free text: what happened, never who (no names nor descriptions of people). */
  description: string;
  /** The Vigie event that detected it, if any. */
  event_id: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

/** The webhook outbox (migration 0009, src/store/webhook-repository.ts). */
export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  event_id: string;
  change_key: string;
  change: string;
  camera: string;
  event_type: string;
  payload: string;
  status: string;
  attempts: number;
  max_attempts: number;
  next_attempt_at: string;
  claimed_until: string | null;
  claim_token: string | null;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
}
