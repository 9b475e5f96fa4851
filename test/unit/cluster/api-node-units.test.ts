import { describe, expect, it } from 'vitest';
import { TAKEOVER_CLOSE_SEQ, type DeliveredEvent, type EventMessage, type HealthMessage } from '../../../src/bus/types.js';
import { createRemoteCameras, REMOTE_HEALTH_STALE_MS } from '../../../src/cluster/api-node-cameras.js';
import { isFencedBy } from '../../../src/bus/nats/lease-view.js';
import { changeApplies, createIntegrationIntake, createLiveIntake, createRecentIds } from '../../../src/cluster/api-node-intake.js';
import { parseConfigYaml } from '../../../src/config/load.js';
import type { CameraHealth } from '../../../src/pipeline/health.js';
import type { LiveMessage } from '../../../src/server/live-hub.js';
import type { StoredEvent } from '../../../src/store/event-codec.js';
import type { EventWrite } from '../../../src/store/event-repository.js';
import { lifecycleMessages } from '../../helpers/bus-messages.js';

// The API node's pure parts, without NATS: what it stores, pushes and shows.
const stored = (closed: boolean): StoredEvent => ({ event: { end: closed ? 5 : null } }) as unknown as StoredEvent;

describe('API node intake', () => {
  it('never moves an event back when an old change is replayed', () => {
    expect(changeApplies(null, { change: 'updated', seq: 2 })).toBe(true);
    expect(changeApplies(stored(false), { change: 'opened', seq: 1 })).toBe(false);
    expect(changeApplies(stored(false), { change: 'updated', seq: 2 })).toBe(true);
    expect(changeApplies(stored(true), { change: 'updated', seq: 2 })).toBe(false);
    expect(changeApplies(stored(true), { change: 'closed', seq: 3 })).toBe(true);
    // a new holder's close of an event the old one left open never overrides a real close
    expect(changeApplies(stored(false), { change: 'closed', seq: TAKEOVER_CLOSE_SEQ })).toBe(true);
    expect(changeApplies(stored(true), { change: 'closed', seq: TAKEOVER_CLOSE_SEQ })).toBe(false);
  });

  it('forgets the oldest ids first', () => {
    const ids = createRecentIds(2);
    ids.add('a');
    ids.add('b');
    ids.add('c');
    expect([ids.has('a'), ids.has('b'), ids.has('c')]).toEqual([false, true, true]);
  });

  it('acks after the write, pushes each message id once, and hands back the rest of an event after a failed write', async () => {
    const rows = new Map<string, StoredEvent>();
    // The store refuses any write of event u-0 while poisoned (a row it cannot take).
    let poisoned = true;
    const events = {
      upsertMany: (writes: readonly EventWrite[]) => {
        if (poisoned && writes.some((w) => w.event.id === 'u-0')) return Promise.reject(new Error('database refused u-0'));
        return Promise.resolve(
          writes.map((w) => {
            const current = rows.get(w.event.id);
            if (current && w.applies && !w.applies(current)) return { change: 'unchanged' as const, stored: current };
            const item = { event: w.event } as unknown as StoredEvent;
            rows.set(w.event.id, item);
            return { change: 'created' as const, stored: item };
          }),
        );
      },
    };
    const pushed: LiveMessage[] = [];
    const intake = createLiveIntake({ events, isFenced: (l) => l.epoch < 2, print: () => undefined, live: { broadcast: (m: LiveMessage) => pushed.push(m) } as never });
    const outcome = new Map<string, string>();
    const deliver = (m: EventMessage, deliveries = 1): DeliveredEvent => ({
      message: m,
      messageId: `${m.event.id}:${m.seq}`,
      deliveries,
      storedAtMs: 0,
      ack: () => outcome.set(`${m.event.id}:${m.seq}`, 'ack'),
      nak: () => outcome.set(`${m.event.id}:${m.seq}`, 'nak'),
    });
    const [o1, c1, o2, c2] = lifecycleMessages('u', 2, 'cam-1', { camera: 'cam-1', worker: 'w', epoch: 2 });
    const [fenced] = lifecycleMessages('f', 1, 'cam-1', { camera: 'cam-1', worker: 'old', epoch: 1 });
    // The batch fails as a whole; one by one, only u-0's changes are handed back: u-0 closed must not be stored before u-0 opened.
    await intake.handle([o1, c1, o2, c2, fenced].map((m) => deliver(m as EventMessage)));
    expect(Object.fromEntries(outcome)).toEqual({ 'u-0:1': 'nak', 'u-0:2': 'nak', 'u-1:1': 'ack', 'u-1:2': 'ack', 'f-0:1': 'ack' });
    poisoned = false;
    await intake.handle([o1, c1, c2].map((m) => deliver(m as EventMessage, 2)));
    expect(pushed.map((m) => (m.type === 'event' ? `${m.item.event.id}:${m.change}` : '')).sort()).toEqual(['u-0:closed', 'u-0:opened', 'u-1:closed', 'u-1:opened']);
    expect(rows.has('f-0')).toBe(false);
    expect(intake.counters).toEqual({ consumed: 5, fenced: 1, redelivered: 3, failed: 2 });
  });
});

describe('integrations intake', () => {
  it('acks a change only once the integrations have it in their outbox', async () => {
    const store = { upsertMany: (writes: readonly EventWrite[]) => Promise.resolve(writes.map((w) => ({ change: 'created' as const, stored: { event: w.event } as unknown as StoredEvent }))) };
    let queued: () => void = () => undefined;
    const offered: string[] = [];
    const sink = {
      onEvent: (change: string, item: StoredEvent) => {
        offered.push(`${item.event.id}:${change}`);
        return new Promise<void>((resolve) => (queued = resolve));
      },
      onHealth: () => undefined,
      close: () => Promise.resolve(),
    };
    const intake = createIntegrationIntake({ events: store, isFenced: () => false, print: () => undefined, sink });
    const [opened] = lifecycleMessages('i', 1, 'cam-1', { camera: 'cam-1', worker: 'w', epoch: 1 });
    let acked = false;
    const handled = intake.handle([{ message: opened as EventMessage, messageId: 'i-0:1', deliveries: 1, storedAtMs: 0, ack: () => (acked = true), nak: () => undefined }]);
    await new Promise((r) => setTimeout(r, 20));
    expect(offered).toEqual(['i-0:opened']);
    expect(acked).toBe(false); // a crash now: redelivered, and the outbox queues it once
    queued();
    await handled;
    expect(acked).toBe(true);
  });
});

describe('fencing by lease', () => {
  const lease = (epoch: number) => ({ camera: 'c', worker: `w${epoch}`, epoch });
  it('drops what a holder sent after the next claim, keeps what it sent before', () => {
    const claims = [{ epoch: 3, claimedAtMs: 1_000 }, { epoch: 7, claimedAtMs: 5_000 }, { epoch: 12, claimedAtMs: 9_000 }];
    expect(isFencedBy(claims, lease(3), 4_999)).toBe(false); // handed over: its last changes count
    expect(isFencedBy(claims, lease(3), 5_000)).toBe(true);
    expect(isFencedBy(claims, lease(7), 8_000)).toBe(false); // compared with the claim right after its own (12)
    expect(isFencedBy(claims, lease(7), 9_500)).toBe(true);
    expect(isFencedBy(claims, lease(12), 99_000)).toBe(false); // the current holder
    expect(isFencedBy([{ epoch: 7, claimedAtMs: null }], lease(3), 0)).toBe(true); // claim time unknown: epoch alone
    expect(isFencedBy([], lease(3), 0)).toBe(false);
  });
});

describe('remote cameras (API node)', () => {
  const config = parseConfigYaml(`
cameras:
  - { id: north, source: rtsp://cam/north, detect: { fps: 5 } }
  - { id: south, source: rtsp://cam/south, enabled: false }
`);
  const report = (camera: string): HealthMessage => ({
    worker: 'w1',
    sentAtMs: 0,
    health: { camera, state: 'running', since: '2026-11-28T21:00:00.000Z', lastFrameAt: '2026-11-28T21:00:01.000Z', analysisFps: 5, targetFps: 5, framesDropped: 0, restarts: 0, lastError: null, offlineReason: null },
  });

  it('shows what workers report, offline after 15 s of silence, disabled cameras as disabled', async () => {
    let now = 1_000_000;
    const pushed: CameraHealth[] = [];
    const saved: number[] = [];
    const cameras = createRemoteCameras({ config, push: (h) => pushed.push(h), configSaved: () => {
        saved.push(1);
        return Promise.resolve();
      }, now: () => now });
    expect(cameras.health().map((h) => [h.camera, h.state])).toEqual([['north', 'offline'], ['south', 'disabled']]);
    cameras.onHealth(report('north'));
    cameras.onHealth(report('elsewhere')); // not in this configuration
    expect(cameras.health()[0]?.state).toBe('running');
    now += REMOTE_HEALTH_STALE_MS + 1;
    cameras.sweep();
    expect(cameras.health()[0]).toMatchObject({ camera: 'north', state: 'offline', offlineReason: 'unreachable', analysisFps: 0 });
    expect(pushed.map((h) => `${h.camera}:${h.state}`)).toContain('north:offline');
    expect(pushed.some((h) => h.camera === 'elsewhere')).toBe(false);
    expect(cameras.latest('north')).toBeNull();
    await cameras.apply(config);
    expect(saved).toEqual([1]);
  });
});
