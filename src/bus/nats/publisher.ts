/**
 * The workers' side of the event stream: every change is published with its
 * message id and counts as sent only once the stream acknowledged it. A failed
 * publish (NATS down, no ack in time) is retried forever with capped backoff;
 * later changes wait behind it, so the stream receives each camera's changes in
 * order. A retry of a publish that was in fact stored is dropped by the stream's
 * duplicate window (same message id), so it is stored once.
 */
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { eventMessageId, type EventMessage, type EventPublisher } from '../types.js';
import { EVENT_SUBJECT_PREFIX, eventSubject } from './stream.js';
import { createWakeableSleep } from '../../time/wakeable-sleep.js';

export interface EventPublisherOptions {
  /** Subject prefix of the stream; default `vigie.events`. */
  readonly subjectPrefix?: string;
  /** Wait for one acknowledgement (ms); default 5000. */
  readonly ackTimeoutMs?: number;
  /** First and longest wait between two attempts (ms); default 100 and 5000. */
  readonly retryMinMs?: number;
  readonly retryMaxMs?: number;
  /** Told once per failure streak (one line), and when it ends. */
  readonly onLog?: (line: string) => void;
  /** Counts attempts that failed (metrics, tests). */
  readonly onRetry?: (error: unknown) => void;
}

interface Queued {
  readonly message: EventMessage;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

export class PublisherClosedError extends Error {
  constructor(count: number) {
    super(`the event publisher closed with ${count} change(s) not acknowledged by the stream`);
    this.name = 'PublisherClosedError';
  }
}

export function createEventPublisher(nc: NatsConnection, options: EventPublisherOptions = {}): EventPublisher {
  const js: JetStreamClient = jetstream(nc);
  const prefix = options.subjectPrefix ?? EVENT_SUBJECT_PREFIX;
  const timeout = options.ackTimeoutMs ?? 5000;
  const minWait = options.retryMinMs ?? 100;
  const maxWait = options.retryMaxMs ?? 5000;
  const queue: Queued[] = [];
  let draining: Promise<void> | null = null;
  let closed = false;
  const pause = createWakeableSleep();

  // stop()/close() cuts a backoff short.
  const sleep = (ms: number): Promise<void> => pause.sleep(ms);

  const send = async (m: EventMessage): Promise<void> => {
    await js.publish(eventSubject(m.event.camera, m.event.type, prefix), JSON.stringify(m), { msgID: eventMessageId(m), timeout });
  };

  const drain = async (): Promise<void> => {
    let wait = minWait;
    let failing = false;
    while (queue.length > 0 && !closed) {
      const head = queue[0] as Queued;
      try {
        await send(head.message);
        queue.shift();
        head.resolve();
        wait = minWait;
        if (failing) options.onLog?.(`event stream: publishing again (${queue.length} change(s) waiting)`);
        failing = false;
      } catch (err) {
        options.onRetry?.(err);
        if (!failing) options.onLog?.(`event stream: publish failed, retrying with backoff (${err instanceof Error ? err.message : String(err)})`);
        failing = true;
        await sleep(wait);
        wait = Math.min(maxWait, wait * 2);
      }
    }
  };

  const kick = (): void => {
    draining ??= drain().finally(() => {
      draining = null;
      if (queue.length > 0 && !closed) kick();
    });
  };

  return {
    publish(message) {
      if (closed) return Promise.reject(new PublisherClosedError(1));
      return new Promise<void>((resolve, reject) => {
        queue.push({ message, resolve, reject });
        kick();
      });
    },
    pending: () => queue.length,
    async close(timeoutMs = 5000) {
      if (!closed && queue.length > 0) {
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
        const empty = (async () => {
          while (queue.length > 0 && draining) await draining;
        })();
        await Promise.race([empty, deadline]);
        clearTimeout(timer);
      }
      closed = true;
      pause.wake();
      await draining;
      const left = queue.splice(0);
      for (const q of left) q.reject(new PublisherClosedError(left.length));
    },
  };
}
