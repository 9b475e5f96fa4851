/**
 * The `camera_offline` system event (pure): opened when a camera's health turns
 * `offline`, closed when frames flow again (`running` or `degraded`), when the
 * camera is disabled, or when its supervisor stops. It goes through the same
 * path as rule events (stored, pushed to operators, audited by their actions),
 * so a camera that goes dark at 3 a.m. is an alert, not a grey badge.
 */
import { SYSTEM_RULE_ID, type VigieEvent } from '../contracts/event.js';
import type { EventChange } from '../events/lifecycle.js';
import { TIME_DECIMALS, roundTo } from '../events/format.js';
import type { CameraHealth } from './health.js';

export interface OfflineEventContext {
  readonly newId: () => string;
  /** Wall time (ms) the supervisor started: `start`/`end` are seconds from it, like a stream's time. */
  readonly originMs: number;
}

export interface OfflineEventStep {
  /** The open offline event after this health report, null when the camera is not offline. */
  readonly open: VigieEvent | null;
  readonly change: EventChange | null;
}

const seconds = (ms: number, ctx: OfflineEventContext): number => roundTo(Math.max(0, ms - ctx.originMs) / 1000, TIME_DECIMALS);

/** The offline event (if any) after one health report of the camera. */
export function offlineEventStep(open: VigieEvent | null, health: CameraHealth, ctx: OfflineEventContext): OfflineEventStep {
  if (health.state === 'offline' && open === null) {
    // The camera went away at its last frame, when there was one since the start.
    const sinceMs = Math.min(Date.parse(health.since), health.lastFrameAt === null ? Number.POSITIVE_INFINITY : Date.parse(health.lastFrameAt));
    const event: VigieEvent = {
      id: ctx.newId(),
      camera: health.camera,
      rule: SYSTEM_RULE_ID,
      type: 'camera_offline',
      severity: 'high',
      start: seconds(sinceMs, ctx),
      end: null,
      start_time: new Date(sinceMs).toISOString(),
      track_ids: [],
      classes: [],
      box: [0, 0, 1, 1],
      score: 1,
      snapshot: null,
      clip: null,
      details: { reason: health.offlineReason ?? 'no_frames', last_error: health.lastError, last_frame_at: health.lastFrameAt },
    };
    return { open: event, change: { kind: 'opened', event } };
  }
  if (open !== null && (health.state === 'running' || health.state === 'degraded' || health.state === 'disabled')) {
    return { open: null, change: closeOfflineEvent(open, Date.parse(health.since), health.state === 'disabled' ? 'disabled' : 'back_online', ctx) };
  }
  return { open, change: null };
}

/** Closes an open offline event at `atMs`; `closedBy` says why (the camera came back, was disabled, or Vigie stopped). */
export function closeOfflineEvent(open: VigieEvent, atMs: number, closedBy: 'back_online' | 'disabled' | 'shutdown', ctx: OfflineEventContext): EventChange {
  const end = Math.max(open.start, seconds(atMs, ctx));
  return {
    kind: 'closed',
    event: { ...open, end, details: { ...open.details, closed_by: closedBy, offline_s: roundTo(end - open.start, TIME_DECIMALS) } },
  };
}
