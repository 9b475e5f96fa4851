/**
 * The database reads of a trial report: plain rows for `statistics.ts`.
 * Portable SQL through Kysely (comparisons on ISO text, `in` lists, a join):
 * no engine-specific date function; the date math is done in TypeScript.
 */
import type { Kysely } from 'kysely';
import type { RuleConfig, VigieConfig } from '../config/schema.js';
import { SYSTEM_EVENT_TYPES } from '../contracts/event.js';
import { legalStatus } from '../rules/legal-basis.js';
import type { Database } from '../store/schema.js';
import type { ReportCamera, ReportRows } from './statistics.js';
import type { ReportQuery } from './types.js';

export interface ReportReader {
  /** The rows of `query`'s period and cameras; `config` is the configuration in force (null: none saved yet). */
  rows(query: ReportQuery, config: VigieConfig | null, nowMs: number): Promise<ReportRows>;
  /** Every camera id that has events, including cameras since removed from the configuration. */
  eventCameras(): Promise<readonly string[]>;
}

/** `counting` rules have no mode: they raise no event. */
const modeOf = (rule: RuleConfig): 'active' | 'shadow' | null => ('mode' in rule ? rule.mode : null);

/** The cameras of the configuration as the report needs them (pure). */
export function reportCameras(config: VigieConfig | null, nowMs: number): ReportCamera[] {
  if (!config) return [];
  return config.cameras.map((camera) => ({
    id: camera.id,
    recorded: camera.recording.enabled,
    aiTypes: [
      ...new Set(
        camera.rules.filter((r) => r.enabled && modeOf(r) === 'active' && legalStatus(r, nowMs, config.timezone).state !== 'statistics').map((r) => r.type),
      ),
    ],
    shadowRules: camera.rules.filter((r) => r.enabled && modeOf(r) === 'shadow').map((r) => ({ rule: r.id, type: r.type })),
  }));
}

export function createReportReader(db: Kysely<Database>): ReportReader {
  return {
    async eventCameras() {
      const rows = await db.selectFrom('events').select('camera').distinct().orderBy('camera').execute();
      return rows.map((r) => r.camera);
    },
    async rows(query, config, nowMs) {
      const from = new Date(query.from).toISOString();
      const to = new Date(query.to).toISOString();
      const cameras = query.cameras === null ? null : [...query.cameras];
      if (cameras !== null && cameras.length === 0) throw new RangeError('a report needs at least one camera, or null for all');

      let events = db
        .selectFrom('events')
        .select(['id', 'camera', 'rule', 'type', 'start_at', 'shadow', 'qualification', 'acknowledged_at', 'dispatched_at'])
        .where('start_at', '>=', from)
        .where('start_at', '<', to)
        // A camera going offline is not an alert of the analysis: availability measures it.
        .where('type', 'not in', SYSTEM_EVENT_TYPES);
      if (cameras) events = events.where('camera', 'in', cameras);
      let actions = db
        .selectFrom('event_actions')
        .innerJoin('events', 'events.id', 'event_actions.event_id')
        .select(['event_actions.event_id', 'event_actions.kind', 'event_actions.user_id', 'event_actions.created_at'])
        .where('events.start_at', '>=', from)
        .where('events.start_at', '<', to)
        .where('events.shadow', '=', 0)
        .where('events.type', 'not in', SYSTEM_EVENT_TYPES);
      if (cameras) actions = actions.where('events.camera', 'in', cameras);
      let uptime = db.selectFrom('camera_uptime').select(['camera', 'from_at', 'to_at']).where('from_at', '<', to).where('to_at', '>', from);
      if (cameras) uptime = uptime.where('camera', 'in', cameras);
      let segments = db.selectFrom('segments').select(['camera_id', 'start_at', 'end_at']).where('start_at', '<', to).where('end_at', '>', from);
      if (cameras) segments = segments.where('camera_id', 'in', cameras);
      let incidents = db.selectFrom('incidents').select(['occurred_at', 'camera', 'type', 'event_id']).where('occurred_at', '>=', from).where('occurred_at', '<', to);
      // With a camera list, incidents at places without a camera are outside the report.
      if (cameras) incidents = incidents.where('camera', 'in', cameras);

      const [eventRows, actionRows, users, uptimeRows, firstSpan, segmentRows, incidentRows] = await Promise.all([
        events.orderBy('start_at').orderBy('id').execute(),
        actions.orderBy('event_actions.created_at').execute(),
        db.selectFrom('users').select(['id', 'username']).execute(),
        uptime.orderBy('from_at').execute(),
        db.selectFrom('camera_uptime').select('from_at').where('from_at', '<', to).limit(1).executeTakeFirst(),
        segments.orderBy('start_at').execute(),
        incidents.orderBy('occurred_at').execute(),
      ]);
      return {
        events: eventRows.map((e) => ({
          id: e.id,
          camera: e.camera,
          rule: e.rule,
          type: e.type,
          startAt: e.start_at,
          shadow: e.shadow === 1,
          qualification: e.qualification,
          acknowledgedAt: e.acknowledged_at,
          dispatchedAt: e.dispatched_at,
        })),
        actions: actionRows.map((a) => ({ eventId: a.event_id, kind: a.kind, userId: a.user_id, createdAt: a.created_at })),
        users,
        uptime: uptimeRows.map((u) => ({ camera: u.camera, from: u.from_at, to: u.to_at })),
        uptimeTracked: firstSpan !== undefined,
        segments: segmentRows.map((s) => ({ camera: s.camera_id, start: s.start_at, end: s.end_at })),
        incidents: incidentRows.map((i) => ({ occurredAt: i.occurred_at, camera: i.camera, type: i.type, eventId: i.event_id })),
        cameras: reportCameras(config, nowMs),
      };
    },
  };
}
