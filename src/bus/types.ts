/**
 * Contracts of the scale-out bus (docs/SCALE-OUT.md): workers run cameras and
 * publish event changes to a JetStream stream; API nodes consume them, store them
 * in PostgreSQL and push them to their consoles. Engines stay behind these types:
 * `src/bus/nats/` implements them on NATS JetStream.
 */
import type { VigieEvent } from '../contracts/event.js';
import type { CameraHealth } from '../pipeline/health.js';

/** Which worker may run a camera, and since which claim (the fencing token). */
export interface CameraLease {
  readonly camera: string;
  readonly worker: string;
  /**
   * Revision of the key-value entry that created the claim. It only grows: a
   * message carrying an older epoch that the stream stored after a newer lease
   * was claimed comes from a worker that had lost the camera (fencing), and is
   * dropped. One stored before that claim was sent while its lease was valid
   * (the last changes of a camera handed over), and is kept.
   */
  readonly epoch: number;
}

/** One change of an event, as a worker publishes it (JSON on the stream). */
export interface EventMessage {
  readonly change: 'opened' | 'updated' | 'closed';
  /** The event in the contract shape; `snapshot` already points at the API route. */
  readonly event: VigieEvent;
  readonly lease: CameraLease;
  /** Wall clock of the worker when the change happened (end-to-end latency). */
  readonly emittedAtMs: number;
  /**
   * Changes of this event so far, 1 for `opened`: with the event id it makes the
   * message id JetStream deduplicates on (`<event id>:<seq>`), so a retried
   * publish is stored once.
   */
  readonly seq: number;
}

/**
 * `seq` of the `closed` change a worker publishes, on claiming a camera, for each
 * event the previous holder left open (killed before it could close it). API nodes
 * apply it only to an event still open: a real close always wins.
 */
export const TAKEOVER_CLOSE_SEQ = 1_000_000;

/** The JetStream message id of a change: a republished change is dropped by the stream's dedup window. */
export function eventMessageId(message: Pick<EventMessage, 'event' | 'seq'>): string {
  return `${message.event.id}:${message.seq}`;
}

export interface EventPublisher {
  /**
   * Publishes in call order; resolves once the stream acknowledged the message
   * (stored on disk). While NATS is unreachable it retries with backoff and keeps
   * later messages queued behind, so nothing is reordered or lost while the
   * process lives.
   */
  publish(message: EventMessage): Promise<void>;
  /** Messages waiting for their acknowledgement. */
  pending(): number;
  /** Waits for the queue to drain (at most `timeoutMs`), then stops. */
  close(timeoutMs?: number): Promise<void>;
}

/** A message delivered to a consumer; ack only after its effect is durable. */
export interface DeliveredEvent {
  readonly message: EventMessage;
  readonly messageId: string;
  /** Times JetStream delivered it (1 the first time). */
  readonly deliveries: number;
  /** When the stream stored it (the NATS server's clock): fencing compares it with the claim time of newer leases. */
  readonly storedAtMs: number;
  ack(): void;
  /** Asks for redelivery after `delayMs` (a failed write). */
  nak(delayMs?: number): void;
}

export interface EventConsumer {
  /**
   * Pulls batches and hands them to `handle` one batch at a time, in stream
   * order. `handle` acks or naks every message; one that is neither is
   * redelivered after the consumer's ack wait.
   */
  start(handle: (batch: readonly DeliveredEvent[]) => Promise<void>): void;
  stop(): Promise<void>;
}

/** Camera health as a worker announces it (core NATS, not stored: the next one replaces it). */
export interface HealthMessage {
  readonly worker: string;
  readonly health: CameraHealth;
  readonly sentAtMs: number;
}
