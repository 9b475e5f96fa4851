import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNats, createEventPublisher, ensureEventStream, EVENT_STREAM } from '../../src/bus/nats/index.js';
import type { EventMessage, EventPublisher } from '../../src/bus/types.js';
import { lifecycleMessages } from '../helpers/bus-messages.js';
import { startPrivateNats, type PrivateNats } from '../helpers/bus-nats-server.js';
import { connectConsole, createOperator, createTestSchema, startApiNodeProcess, tempDir, type ApiNodeProcess } from '../helpers/cluster-api-nodes.js';

const until = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};
const keys = (messages: readonly EventMessage[]): string[] => messages.map((m) => `${m.event.id}:${m.change}`).sort();
const only = (prefix: string, seen: readonly string[]): string[] => seen.filter((s) => s.startsWith(`${prefix}-`)).sort();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Publishes at a steady pace (a burst as workers make it), calling `at` after each count reached. */
async function paced(publisher: EventPublisher, messages: readonly EventMessage[], everyMs: number, at: Map<number, () => Promise<void>> = new Map()): Promise<void> {
  const acks: Promise<void>[] = [];
  for (let i = 0; i < messages.length; i++) {
    acks.push(publisher.publish(messages[i] as EventMessage));
    await at.get(i)?.();
    await sleep(everyMs);
  }
  await Promise.all(acks);
}

// Two API nodes (`vigie start --role api`, separate processes) behind the same stream and PostgreSQL schema,
// each with an operator console: every change stored once, shown once on every console, through crashes and NATS restarts.
describe('API nodes on the JetStream event stream', () => {
  let nats: PrivateNats;
  let nc: NatsConnection;
  let publisher: EventPublisher;
  let leases: KV;
  let db: Awaited<ReturnType<typeof createTestSchema>>;
  const dirs = [tempDir('vigie-api-a-'), tempDir('vigie-api-b-')];
  let a: ApiNodeProcess;
  let b: ApiNodeProcess;
  let consoleA: Awaited<ReturnType<typeof connectConsole>>;
  let consoleB: Awaited<ReturnType<typeof connectConsole>>;
  const startB = (port?: number): Promise<ApiNodeProcess> => startApiNodeProcess({ nats: nats.url, db: db.url, nodeId: 'b', dataDir: dirs[1]?.path ?? '', ...(port ? { port } : {}) });

  beforeAll(async () => {
    db = await createTestSchema('cluster_api');
    nats = await startPrivateNats();
    nc = await connectNats(nats.url, 'cluster-test', { reconnectWaitMs: 200 });
    await ensureEventStream(nc);
    // The lease bucket exists before the nodes start (workers create it), so their lease views follow it at once.
    leases = await new Kvm(nc).create('vigie_leases');
    publisher = createEventPublisher(nc, { retryMaxMs: 500, ackTimeoutMs: 2000 });
    // One after the other: the first creates the schema and the admin account.
    a = await startApiNodeProcess({ nats: nats.url, db: db.url, nodeId: 'a', dataDir: dirs[0]?.path ?? '' });
    b = await startB();
    await createOperator(a.url);
    [consoleA, consoleB] = await Promise.all([connectConsole(a.url), connectConsole(b.url)]);
  }, 90_000);
  afterAll(async () => {
    consoleA?.close();
    consoleB?.close();
    await publisher?.close(1000);
    await Promise.all([a?.kill('SIGTERM'), b?.kill('SIGTERM')]);
    await nc?.close();
    await nats?.dispose();
    await db?.drop();
    for (const d of dirs) d.remove();
  }, 30_000);

  it('stores each change once and shows it once on every console', async () => {
    const messages = lifecycleMessages('p1', 100);
    await Promise.all(messages.map((m) => publisher.publish(m)));
    await until('both consoles', () => only('p1', consoleA.seen).length >= 200 && only('p1', consoleB.seen).length >= 200);
    await sleep(500); // a duplicate would arrive now
    expect(only('p1', consoleA.seen)).toEqual(keys(messages));
    expect(only('p1', consoleB.seen)).toEqual(keys(messages));
    expect(await db.rowCount('p1-')).toEqual({ rows: 100, distinct: 100, closed: 100 });
  });

  it('resumes a node killed mid-burst: one row per event, no duplicate on the surviving console', async () => {
    const messages = lifecycleMessages('p2', 150);
    const port = Number(new URL(b.url).port);
    consoleB.close();
    await paced(publisher, messages, 3, new Map([[100, () => b.kill('SIGKILL')]]));
    b = await startB(port);
    consoleB = await connectConsole(b.url);
    await until('the surviving console', () => only('p2', consoleA.seen).length >= 300);
    await until('all rows', async () => (await db.rowCount('p2-')).closed === 150);
    // The restarted node went through its own durable: nothing pending, nothing left unacked.
    const jsm = await jetstreamManager(nc);
    await until('node b to catch up', async () => {
      const info = await jsm.consumers.info(EVENT_STREAM, 'api-b');
      return info.num_pending === 0 && info.num_ack_pending === 0;
    });
    await sleep(1000);
    expect(only('p2', consoleA.seen)).toEqual(keys(messages));
    expect(await db.rowCount('p2-')).toEqual({ rows: 150, distinct: 150, closed: 150 });
    // The restarted node's new console: what it shows, it shows once.
    expect(new Set(only('p2', consoleB.seen)).size).toBe(only('p2', consoleB.seen).length);
  });

  it('loses and duplicates nothing when NATS restarts during a burst', async () => {
    const messages = lifecycleMessages('p3', 150);
    await paced(publisher, messages, 3, new Map([[100, async () => {
      await nats.stop();
      await sleep(1000);
      await nats.start();
    }]]));
    await until('both consoles', () => only('p3', consoleA.seen).length >= 300 && only('p3', consoleB.seen).length >= 300, 45_000);
    await sleep(500);
    expect(only('p3', consoleA.seen)).toEqual(keys(messages));
    expect(only('p3', consoleB.seen)).toEqual(keys(messages));
    expect(await db.rowCount('p3-')).toEqual({ rows: 150, distinct: 150, closed: 150 });
  });

  it('drops the changes of a worker that lost its camera (fencing by lease epoch)', async () => {
    await leases.put('camera.cam-f', JSON.stringify({ worker: 'w2', epoch: 5 }));
    await sleep(500); // the nodes' lease watchers see the new lease
    const stale = lifecycleMessages('p4old', 5, 'cam-f', { camera: 'cam-f', worker: 'w1', epoch: 3 });
    const current = lifecycleMessages('p4new', 5, 'cam-f', { camera: 'cam-f', worker: 'w2', epoch: 5 });
    for (const m of [...stale, ...current]) await publisher.publish(m);
    await until('the current lease holder', () => only('p4new', consoleA.seen).length >= 10 && only('p4new', consoleB.seen).length >= 10);
    await sleep(500);
    expect(only('p4old', [...consoleA.seen, ...consoleB.seen])).toEqual([]);
    expect(await db.rowCount('p4old-')).toEqual({ rows: 0, distinct: 0, closed: 0 });
    expect(await db.rowCount('p4new-')).toEqual({ rows: 5, distinct: 5, closed: 5 });
    const metrics = await (await fetch(`${a.url}/metrics`)).text();
    expect(metrics).toMatch(/^vigie_stream_changes_total\{outcome="fenced"\} 10$/m);
  });
});
