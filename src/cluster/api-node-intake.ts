/**
 * How an API node takes event changes from the stream: store, ack, then push.
 * A change is acked only after its row is committed, so a crash before the commit
 * means a redelivery, and the store's upsert (keyed on the event id) makes the
 * redelivery harmless. Every node pushes every change to its own consoles, once
 * per message id; changes from a fenced worker (it lost the camera) are dropped.
 */
import { TAKEOVER_CLOSE_SEQ, type CameraLease, type DeliveredEvent, type EventMessage } from '../bus/types.js';
import type { IntegrationSink } from '../integrations/types.js';
import type { LiveHub } from '../server/live-hub.js';
import { isShadowEvent, type StoredEvent } from '../store/event-codec.js';
import type { EventRepository, EventWrite, UpsertResult } from '../store/event-repository.js';

/** Message ids remembered as already pushed: far more than a redelivery window holds at 1,000 changes/s. */
const RECENT_IDS = 50_000;

export interface IntakeCounters {
  /** Changes stored and acked (redeliveries included). */
  consumed: number;
  /** Changes dropped because their worker's lease was older than the camera's current one. */
  fenced: number;
  /** Changes delivered more than once (a node crashed or was slow to ack). */
  redelivered: number;
  /** Changes whose write failed; they come again after a pause. */
  failed: number;
}

export interface IntakeDeps {
  readonly events: Pick<EventRepository, 'upsertMany'>;
  readonly isFenced: (lease: CameraLease, storedAtMs: number) => boolean;
  readonly onChange?: (message: EventMessage) => void;
  readonly print: (line: string) => void;
}

/**
 * Whether a change may overwrite the stored row. Changes of one event reach a node
 * in order, but another node replaying old messages (after a restart) must not
 * move an event back: an `opened` never rewrites an existing row, nothing but
 * `closed` rewrites a closed one, and a takeover close only closes an open one.
 */
export function changeApplies(stored: StoredEvent | null, message: Pick<EventMessage, 'change' | 'seq'>): boolean {
  if (!stored) return true;
  if (message.change === 'opened') return false;
  if (message.seq === TAKEOVER_CLOSE_SEQ) return stored.event.end === null;
  return message.change === 'closed' || stored.event.end === null;
}

export interface Intake {
  readonly handle: (batch: readonly DeliveredEvent[]) => Promise<void>;
  readonly counters: IntakeCounters;
}

const writeOf = (d: DeliveredEvent): EventWrite => ({ event: d.message.event, applies: (stored) => changeApplies(stored, d.message) });

/** Keeps the last `max` ids, forgetting the oldest first. */
export function createRecentIds(max = RECENT_IDS): { has(id: string): boolean; add(id: string): void } {
  const ids = new Set<string>();
  return {
    has: (id) => ids.has(id),
    add(id) {
      ids.add(id);
      if (ids.size > max) ids.delete(ids.values().next().value as string);
    },
  };
}

/** Pause before a change whose write failed comes again (the database restarting, a lock). */
const RETRY_DELAY_MS = 1000;

/**
 * Handles a batch: every change stored in one transaction (one commit per batch,
 * not per change: what lets one node take 1,000 changes/s), acked after the
 * commit, then handed to `after`. When the batch cannot be stored, its changes
 * are stored one by one so that one the store refuses holds back only its own
 * event: that change and the event's later ones in the batch are handed back (nak),
 * so none is stored before it.
 */
async function handleBatch(
  batch: readonly DeliveredEvent[],
  counters: IntakeCounters,
  deps: IntakeDeps,
  after: (d: DeliveredEvent, item: StoredEvent) => void,
  beforeAck?: (d: DeliveredEvent, item: StoredEvent) => Promise<void>,
): Promise<void> {
  const accepted: DeliveredEvent[] = [];
  for (const d of batch) {
    if (d.deliveries > 1) counters.redelivered++;
    if (deps.isFenced(d.message.lease, d.storedAtMs)) {
      counters.fenced++;
      d.ack();
      continue;
    }
    accepted.push(d);
  }
  if (accepted.length === 0) return;
  const done = async (d: DeliveredEvent, item: StoredEvent): Promise<void> => {
    await beforeAck?.(d, item);
    d.ack();
    counters.consumed++;
    after(d, item);
  };
  let results: readonly UpsertResult[];
  try {
    results = await deps.events.upsertMany(accepted.map(writeOf));
  } catch {
    await handleOneByOne(accepted, counters, deps, done);
    return;
  }
  await Promise.all(accepted.map((d, i) => done(d, (results[i] as UpsertResult).stored)));
}

async function handleOneByOne(accepted: readonly DeliveredEvent[], counters: IntakeCounters, deps: IntakeDeps, done: (d: DeliveredEvent, item: StoredEvent) => Promise<void>): Promise<void> {
  const failedEvents = new Set<string>();
  for (const d of accepted) {
    const eventId = d.message.event.id;
    if (failedEvents.has(eventId)) {
      counters.failed++;
      d.nak(RETRY_DELAY_MS);
      continue;
    }
    try {
      const [result] = await deps.events.upsertMany([writeOf(d)]);
      await done(d, (result as UpsertResult).stored);
    } catch (err) {
      failedEvents.add(eventId);
      counters.failed++;
      deps.print(`event ${eventId} could not be stored, retried in ${RETRY_DELAY_MS} ms: ${err instanceof Error ? err.message : String(err)}`);
      d.nak(RETRY_DELAY_MS);
    }
  }
}

/** The node's own durable: every change, stored then pushed to this node's consoles. */
export function createLiveIntake(deps: IntakeDeps & { readonly live: LiveHub }): Intake {
  const counters: IntakeCounters = { consumed: 0, fenced: 0, redelivered: 0, failed: 0 };
  const pushed = createRecentIds();
  return {
    counters,
    handle: (batch) =>
      handleBatch(batch, counters, deps, (d, item) => {
        deps.onChange?.(d.message);
        if (pushed.has(d.messageId)) return;
        pushed.add(d.messageId);
        // Shadow events are stored to measure their rule, never pushed to operators.
        if (!isShadowEvent(d.message.event)) deps.live.broadcast({ type: 'event', change: d.message.change, item });
      }),
  };
}

/** The shared durable `vigie-integrations`: each change handed to the integrations by one node, after its commit. */
export function createIntegrationIntake(deps: IntakeDeps & { readonly sink: IntegrationSink }): Intake {
  const counters: IntakeCounters = { consumed: 0, fenced: 0, redelivered: 0, failed: 0 };
  return {
    counters,
    handle: (batch) =>
      // Acked once the change is in the outbox: a node that crashes before gets it again.
      handleBatch(batch, counters, deps, () => undefined, (d, item) => (isShadowEvent(d.message.event) ? Promise.resolve() : deps.sink.onEvent(d.message.change, item))),
  };
}
