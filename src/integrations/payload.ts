import { createHash } from 'node:crypto';
import type { VigieEvent } from '../contracts/event.js';
import { SEVERITY_RANK, type StoredEvent } from '../store/event-codec.js';
import type { EventChangeKind, WebhookConfig } from './config.js';

/**
 * What leaves Vigie about an event, on MQTT and in webhooks: the change, the
 * event's status and the event in the contract shape (ARCHITECTURE 5.3), copied
 * field by field so that nothing else (handling, users) ever goes out. The
 * snapshot is the API path of the JPEG, never the picture.
 */
export interface EventPayload {
  readonly change: EventChangeKind;
  readonly status: StoredEvent['status'];
  readonly event: VigieEvent;
}

export function eventPayload(change: EventChangeKind, item: StoredEvent): EventPayload {
  const e = item.event;
  const event: VigieEvent = {
    id: e.id,
    camera: e.camera,
    rule: e.rule,
    type: e.type,
    severity: e.severity,
    start: e.start,
    end: e.end,
    start_time: e.start_time,
    track_ids: e.track_ids,
    classes: e.classes,
    box: e.box,
    score: e.score,
    snapshot: e.snapshot,
    clip: e.clip ? { from: e.clip.from, to: e.clip.to } : null,
    details: e.details,
  };
  return { change, status: item.status, event };
}

/**
 * The outbox key of a change: an event opens and closes once, so those are
 * their own key; an update is keyed by a hash of the event as it became, so
 * the same update offered twice (two API nodes, a redelivery) is one delivery.
 */
export function changeKey(payload: EventPayload): string {
  if (payload.change !== 'updated') return payload.change;
  return `updated:${createHash('sha256').update(JSON.stringify(payload.event)).digest('hex').slice(0, 32)}`;
}

/** Whether a webhook wants this change: its change kinds, event types and lowest severity. */
export function webhookWants(webhook: Pick<WebhookConfig, 'changes' | 'types' | 'min_severity'>, change: EventChangeKind, event: Pick<VigieEvent, 'type' | 'severity'>): boolean {
  if (!webhook.changes.includes(change)) return false;
  if (webhook.types && !webhook.types.includes(event.type)) return false;
  return webhook.min_severity === undefined || SEVERITY_RANK[event.severity] >= SEVERITY_RANK[webhook.min_severity];
}
