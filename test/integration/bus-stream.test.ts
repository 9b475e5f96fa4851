import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectNats,
  createEventConsumer,
  createEventPublisher,
  ensureEventStream,
  notifyConfigChanged,
  onConfigChanged,
  publishHealth,
  subscribeHealth,
  watchLeases,
} from '../../src/bus/nats/index.js';
import { eventMessageId, type DeliveredEvent, type EventMessage, type HealthMessage } from '../../src/bus/types.js';
import { openedMessages } from '../helpers/bus-messages.js';
import { startPrivateNats, type PrivateNats } from '../helpers/bus-nats-server.js';

const until = async (check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
};

/** Every message of a stream, in stream order. */
async function streamContents(nc: NatsConnection, stream: string): Promise<EventMessage[]> {
  const jsm = await jetstreamManager(nc);
  const { state } = await jsm.streams.info(stream);
  const out: EventMessage[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const m = await jsm.streams.getMessage(stream, { seq });
    if (m) out.push(m.json<EventMessage>());
  }
  return out;
}

// The event stream against a private nats-server this file kills and restarts.
describe('JetStream event stream', () => {
  let nats: PrivateNats;
  let nc: NatsConnection;
  let n = 0;
  const unique = (): { name: string; subjectPrefix: string } => {
    n++;
    return { name: `T${n}`, subjectPrefix: `t${n}.events` };
  };

  beforeAll(async () => {
    nats = await startPrivateNats();
    nc = await connectNats(nats.url, 'bus-test', { reconnectWaitMs: 200 });
  });
  afterAll(async () => {
    await nc?.close();
    await nats?.dispose();
  });

  it('fails the first connection with a one-line hint', async () => {
    await expect(connectNats('nats://127.0.0.1:1', 'x', { timeoutMs: 1000 })).rejects.toThrow(/cannot reach NATS at nats:\/\/127\.0\.0\.1:1: is it running\? check --nats/);
  });

  it('creates the stream idempotently with file storage, dedup window and age limit', async () => {
    const stream = unique();
    const [a, b] = await Promise.all([ensureEventStream(nc, stream), ensureEventStream(nc, stream)]);
    expect(a.subjects).toEqual([`${stream.subjectPrefix}.>`]);
    expect(b.storage).toBe('file');
    expect(b.duplicate_window).toBe(120_000_000_000);
    const updated = await ensureEventStream(nc, { ...stream, maxAgeMs: 3_600_000 });
    expect(updated.max_age).toBe(3_600_000_000_000);
  });

  it('stores a republished change once (message id dedup)', async () => {
    const stream = unique();
    await ensureEventStream(nc, stream);
    const publisher = createEventPublisher(nc, stream);
    const [m] = openedMessages('dup', 1);
    await publisher.publish(m as EventMessage);
    await publisher.publish(m as EventMessage);
    await publisher.publish({ ...(m as EventMessage), seq: 2, change: 'closed' });
    await publisher.close();
    const stored = await streamContents(nc, stream.name);
    expect(stored.map((s) => `${s.change}:${eventMessageId(s)}`)).toEqual(['opened:dup-0:1', 'closed:dup-0:2']);
  });

  it('keeps every change of a burst, once and in order, across a NATS crash (kill -9) and restart', async () => {
    const stream = unique();
    await ensureEventStream(nc, stream);
    let retries = 0;
    const publisher = createEventPublisher(nc, { ...stream, ackTimeoutMs: 1000, retryMaxMs: 500, onRetry: () => retries++ });
    const messages = openedMessages('burst', 400);
    let acked = 0;
    const done = Promise.all(messages.map((m) => publisher.publish(m).then(() => acked++)));
    await until(() => acked >= 100);
    // kill -9: what the stream acknowledged was written to its file (the OS has it), so it survives.
    await nats.stop('SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    expect(publisher.pending()).toBeGreaterThan(0);
    await nats.start();
    await done;
    expect(publisher.pending()).toBe(0);
    await publisher.close();
    expect(retries).toBeGreaterThan(0);
    const stored = await streamContents(nc, stream.name);
    expect(stored.map((s) => s.event.id)).toEqual(messages.map((m) => m.event.id));
  });

  it('consumes every change across a NATS restart, and creates the consumer again when the server lost it', async () => {
    const stream = unique();
    await ensureEventStream(nc, stream);
    const publisher = createEventPublisher(nc, stream);
    const consumer = createEventConsumer(nc, { durable: 'api-a', stream, batch: 20, ackWaitMs: 2000 });
    const seen: string[] = [];
    consumer.start((batch) => {
      for (const d of batch) {
        seen.push(d.messageId);
        d.ack();
      }
      return Promise.resolve();
    });
    const first = openedMessages('c1', 50);
    await Promise.all(first.map((m) => publisher.publish(m)));
    await until(() => seen.length >= 50);
    await nats.stop();
    await nats.start();
    const second = openedMessages('c2', 50);
    await Promise.all(second.map((m) => publisher.publish(m)));
    await until(() => seen.length >= 100);
    // The consumer vanishes from the server (deleted by hand): it is made again and resumes (from the start: DeliverAll).
    const jsm = await jetstreamManager(nc);
    await jsm.consumers.delete(stream.name, 'api-a');
    const third = openedMessages('c3', 10);
    await Promise.all(third.map((m) => publisher.publish(m)));
    await until(() => third.every((m) => seen.includes(eventMessageId(m))), 30_000);
    await consumer.stop();
    await publisher.close();
    expect(new Set(seen.slice(0, 100))).toEqual(new Set([...first, ...second].map(eventMessageId)));
  });

  it('shares one durable between processes and gives each durable everything; unacked changes come again', async () => {
    const stream = unique();
    await ensureEventStream(nc, stream);
    const nc2 = await connectNats(nats.url, 'bus-test-2');
    const got = { shared1: [] as string[], shared2: [] as string[], own: [] as string[] };
    const acking = (into: string[]) => (batch: readonly DeliveredEvent[]) => {
      for (const d of batch) {
        into.push(d.messageId);
        d.ack();
      }
      return Promise.resolve();
    };
    const shared1 = createEventConsumer(nc, { durable: 'shared', stream, batch: 5 });
    const shared2 = createEventConsumer(nc2, { durable: 'shared', stream, batch: 5 });
    const own = createEventConsumer(nc2, { durable: 'own', stream });
    // A consumer that never acks: its changes are redelivered, counted as such.
    const deliveries = new Map<string, number>();
    const lazy = createEventConsumer(nc, { durable: 'lazy', stream, ackWaitMs: 1000 });
    lazy.start((batch) => {
      for (const d of batch) {
        deliveries.set(d.messageId, d.deliveries);
        if (d.deliveries >= 2) d.ack();
      }
      return Promise.resolve();
    });
    shared1.start(acking(got.shared1));
    shared2.start(acking(got.shared2));
    own.start(acking(got.own));
    const publisher = createEventPublisher(nc, stream);
    const messages = openedMessages('share', 200);
    await Promise.all(messages.map((m) => publisher.publish(m)));
    await until(() => got.shared1.length + got.shared2.length >= 200 && got.own.length >= 200);
    await until(() => deliveries.size === 200 && [...deliveries.values()].every((d) => d >= 2));
    await Promise.all([shared1.stop(), shared2.stop(), own.stop(), lazy.stop(), publisher.close()]);
    await nc2.close();
    const all = messages.map(eventMessageId).sort();
    expect([...got.shared1, ...got.shared2].sort()).toEqual(all);
    expect(got.shared1.length).toBeGreaterThan(0);
    expect(got.shared2.length).toBeGreaterThan(0);
    expect([...got.own].sort()).toEqual(all);
  });

  it('terminates a malformed message instead of redelivering it', async () => {
    const stream = unique();
    await ensureEventStream(nc, stream);
    const invalid: string[] = [];
    const consumer = createEventConsumer(nc, { durable: 'strict', stream, onInvalid: (reason) => invalid.push(reason) });
    const handled: string[] = [];
    consumer.start((batch) => {
      for (const d of batch) {
        handled.push(d.messageId);
        d.ack();
      }
      return Promise.resolve();
    });
    const js = jetstream(nc);
    await js.publish(`${stream.subjectPrefix}.cam.intrusion`, '{"change":"opened"}');
    const [good] = openedMessages('ok', 1);
    await createEventPublisher(nc, stream).publish(good as EventMessage);
    await until(() => handled.length === 1 && invalid.length === 1);
    await consumer.stop();
    expect(invalid[0]).toMatch(/event/);
  });

  it('carries health and configuration notices on core subjects', async () => {
    const health: HealthMessage[] = [];
    const versions: number[] = [];
    const subs = [subscribeHealth(nc, (m) => health.push(m)), onConfigChanged(nc, (v) => versions.push(v))];
    await nc.flush();
    const message: HealthMessage = {
      worker: 'w1',
      sentAtMs: 1,
      health: { camera: 'cam.1', state: 'running', since: '2026-11-28T21:00:00.000Z', lastFrameAt: null, analysisFps: 5, targetFps: 5, framesDropped: 0, restarts: 0, lastError: null, offlineReason: null },
    };
    publishHealth(nc, message);
    nc.publish('vigie.health.bad', 'not json');
    notifyConfigChanged(nc, 7);
    await until(() => health.length === 1 && versions.length === 1);
    for (const s of subs) s.unsubscribe();
    expect(health[0]).toEqual(message);
    expect(versions).toEqual([7]);
  });

  it('follows the camera leases of the KV bucket for fencing', async () => {
    const view = watchLeases(nc, { bucket: 'test_leases' });
    const kv = await new Kvm(nc).create('test_leases');
    await kv.put('camera.cam-1', JSON.stringify({ worker: 'w1', epoch: 4 }));
    await until(() => view.epochOf('cam-1') === 4);
    await kv.put('camera.cam-1', JSON.stringify({ worker: 'w2', epoch: 9, claimedAtMs: 5_000 }));
    await kv.delete('camera.cam-1');
    await until(() => view.epochOf('cam-1') === 9);
    // w1's message stored after w2's claim is fenced; one stored before it was sent under a valid lease.
    expect(view.isFenced({ camera: 'cam-1', worker: 'w1', epoch: 4 }, 6_000)).toBe(true);
    expect(view.isFenced({ camera: 'cam-1', worker: 'w1', epoch: 4 }, 4_000)).toBe(false);
    expect(view.isFenced({ camera: 'cam-1', worker: 'w2', epoch: 9 }, 6_000)).toBe(false);
    expect(view.isFenced({ camera: 'cam-2', worker: 'w1', epoch: 1 }, 6_000)).toBe(false);
    await view.stop();
  });
});
