/**
 * The API nodes' side of the event stream: a durable pull consumer with explicit
 * acks. Each API node has its own durable (`api-<node id>`, every node gets every
 * change); a durable shared by several processes splits the messages between them
 * (`vigie-integrations`). The consumer lives on the server: a node that crashed
 * resumes where it stopped, and what it had not acked comes again after `ackWaitMs`.
 */
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, JetStreamApiError, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { eventMessageId, type DeliveredEvent, type EventConsumer } from '../types.js';
import { decodeEventMessage } from './message.js';
import { EVENT_STREAM, ensureEventStream, type EventStreamOptions } from './stream.js';

export interface EventConsumerOptions {
  /** Durable consumer name: the same name in several processes shares the work. */
  readonly durable: string;
  /**
   * Time a delivered message may stay unacked before it is redelivered (ms); default 10 s:
   * a batch commits in well under a second, and a crashed node's batch should come back soon.
   */
  readonly ackWaitMs?: number;
  /** Messages handed to the handler at most at once; default 100. */
  readonly batch?: number;
  /** Unacked messages the server lets this consumer hold, all processes together; default 10 × batch. */
  readonly maxAckPending?: number;
  /** The stream's settings, to create it again if the server lost it; default VIGIE_EVENTS. */
  readonly stream?: EventStreamOptions;
  readonly onLog?: (line: string) => void;
  /** A message that is not a valid event change: it is terminated (never redelivered), told here. */
  readonly onInvalid?: (reason: string, streamSeq: number) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function createEventConsumer(nc: NatsConnection, options: EventConsumerOptions): EventConsumer {
  const streamName = options.stream?.name ?? EVENT_STREAM;
  const batch = options.batch ?? 100;
  const ackWaitMs = options.ackWaitMs ?? 10_000;
  const config = {
    durable_name: options.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(ackWaitMs),
    max_ack_pending: options.maxAckPending ?? batch * 10,
    max_deliver: -1,
  };
  let stopped = false;
  let messages: ConsumerMessages | null = null;
  let running: Promise<void> | null = null;
  const buffer: JsMsg[] = [];
  let flushing: Promise<void> | null = null;

  /** Creates the consumer (and the stream) when missing; an existing one keeps its position. */
  const ensureConsumer = async (): Promise<void> => {
    await ensureEventStream(nc, options.stream);
    const jsm = await jetstreamManager(nc);
    try {
      await jsm.consumers.add(streamName, config);
    } catch (err) {
      // It exists with other settings (another ack wait, an older Vigie): update them, keep its position.
      if (!(err instanceof JetStreamApiError)) throw err;
      const { durable_name: _name, deliver_policy: _policy, ...update } = config;
      await jsm.consumers.update(streamName, options.durable, update);
    }
  };

  const toDelivered = (m: JsMsg): DeliveredEvent | null => {
    const message = decodeEventMessage(m.data);
    if (typeof message === 'string') {
      options.onInvalid?.(message, m.seq);
      m.term(message.slice(0, 200));
      return null;
    }
    return {
      message,
      messageId: m.headers?.get('Nats-Msg-Id') || eventMessageId(message),
      deliveries: m.info.deliveryCount,
      storedAtMs: Math.floor(m.info.timestampNanos / 1e6),
      ack: () => m.ack(),
      nak: (delayMs) => m.nak(delayMs),
    };
  };

  const flush = (handle: (batch: readonly DeliveredEvent[]) => Promise<void>): void => {
    flushing ??= (async () => {
      while (buffer.length > 0 && !stopped) {
        const taken = buffer.splice(0, batch).map(toDelivered).filter((d): d is DeliveredEvent => d !== null);
        if (taken.length === 0) continue;
        try {
          await handle(taken);
        } catch (err) {
          // The handler failed as a whole: whatever it did not ack comes again after the ack wait.
          options.onLog?.(`event consumer ${options.durable}: batch failed, redelivered later (${err instanceof Error ? err.message : String(err)})`);
        }
      }
    })().finally(() => {
      flushing = null;
      // A message that arrived between the loop's end and now would wait for the next one.
      if (buffer.length > 0 && !stopped) flush(handle);
    });
  };

  /** One consume() session; ends when stopped or when the consumer must be created again. */
  const session = async (handle: (batch: readonly DeliveredEvent[]) => Promise<void>): Promise<void> => {
    const js = jetstream(nc);
    const consumer = await js.consumers.get(streamName, options.durable);
    messages = await consumer.consume({
      max_messages: batch * 2,
      expires: 5000,
      callback: (m) => {
        buffer.push(m);
        flush(handle);
      },
    });
    const current = messages;
    void (async () => {
      for await (const s of current.status()) {
        // The server lost the consumer or the stream (storage wiped, deleted by hand): create them again.
        if (s.type === 'consumer_not_found' || s.type === 'consumer_deleted' || s.type === 'stream_not_found') {
          options.onLog?.(`event consumer ${options.durable}: ${s.type.replace(/_/g, ' ')}, creating it again`);
          void current.close();
          return;
        }
      }
    })();
    await current.closed();
  };

  return {
    start(handle) {
      running ??= (async () => {
        let wait = 500;
        while (!stopped) {
          try {
            await ensureConsumer();
            wait = 500;
            await session(handle);
          } catch (err) {
            if (stopped) break;
            options.onLog?.(`event consumer ${options.durable}: ${err instanceof Error ? err.message : String(err)}; retrying in ${wait} ms`);
            await sleep(wait);
            wait = Math.min(5000, wait * 2);
          }
        }
      })();
    },
    async stop() {
      stopped = true;
      await messages?.close();
      await running;
      await flushing;
      // Messages received but not handed over are redelivered after the ack wait (to this durable's next reader).
      buffer.length = 0;
    },
  };
}
