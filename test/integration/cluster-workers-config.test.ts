/**
 * One worker in this process (private nats-server, SQLite in a temp folder): it
 * follows configuration changes announced on NATS, and what it publishes carries
 * its lease and a per-event sequence, with the snapshot written before the event.
 */
import { makeMovingSquareClip } from '../helpers/media-fixtures.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNats } from '../../src/bus/nats/connection.js';
import { decodeEventMessage } from '../../src/bus/nats/message.js';
import { notifyConfigChanged } from '../../src/bus/nats/notices.js';
import { EVENT_STREAM } from '../../src/bus/nats/stream.js';
import type { EventMessage } from '../../src/bus/types.js';
import { openLeaseBucket, readCameraLease } from '../../src/cluster/lease-bucket.js';
import { startWorker, type RunningWorker } from '../../src/cluster/worker.js';
import { parseConfig } from '../../src/config/load.js';
import type { VigieConfig } from '../../src/config/schema.js';
import { openRepositories } from '../../src/server/runtime.js';
import { openDatabase, type Repositories, type StoreDatabase } from '../../src/store/index.js';
import { startPrivateNats, type PrivateNats } from '../helpers/bus-nats-server.js';
import { tempDir } from '../helpers/cluster-api-nodes.js';

const TTL_MS = 6000;

let nats: PrivateNats;
let nc: NatsConnection;
let kv: KV;
let tmp: ReturnType<typeof tempDir>;
let store: StoreDatabase;
let repos: Repositories;
let worker: RunningWorker | null = null;
let source = '';
const log: string[] = [];

const until = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${log.join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

function config(cameras: readonly { id: string; enabled?: boolean }[]): VigieConfig {
  return parseConfig({
    cameras: cameras.map(({ id, enabled = true }) => ({
      id, source, loop: true, enabled,
      detect: { fps: 2, width: 320, backend: 'motion' },
      zones: [{ id: 'tout', polygon: [[0, 0], [1, 0], [1, 1], [0, 1]] }],
      rules: [{
        id: 'presence', type: 'intrusion', zone: 'tout', classes: ['any'], min_duration_s: 0.5, purpose: 'worker test',
        legal_basis: { kind: 'authorised_alert', reference: 'test', authority: 'test', valid_until: '2099-12-31' },
      }],
    })),
  });
}

async function save(next: VigieConfig): Promise<void> {
  const version = await repos.config.save(next, { userId: null, comment: 'worker test' });
  notifyConfigChanged(nc, version);
}

async function streamMessages(): Promise<EventMessage[]> {
  const jsm = await jetstreamManager(nc);
  const { state } = await jsm.streams.info(EVENT_STREAM);
  const out: EventMessage[] = [];
  for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
    const m = await jsm.streams.getMessage(EVENT_STREAM, { seq });
    const decoded = m ? decodeEventMessage(m.data) : 'missing';
    if (typeof decoded === 'string') throw new Error(`stream message ${seq}: ${decoded}`);
    out.push(decoded);
  }
  return out;
}

beforeAll(async () => {
  nats = await startPrivateNats();
  nc = await connectNats(nats.url, 'worker-config-test');
  tmp = tempDir('vigie-worker-config-');
  source = await makeMovingSquareClip(tmp.path, { width: 320, height: 180, rate: 4, side: 30, x: 10, y: 70, speed: 70 });
  const dataDir = join(tmp.path, 'data');
  store = await openDatabase({ dataDir });
  repos = await openRepositories(store, dataDir, () => undefined);
  await repos.config.save(config([{ id: 'cam-a' }]), { userId: null, comment: 'worker test' });
  worker = await startWorker({ natsUrl: nats.url, dbUrl: `sqlite:${join(dataDir, 'vigie.db')}`, dataDir, workerId: 'solo', capacity: null, leaseTtlMs: TTL_MS, print: (line) => log.push(line) });
  kv = (await openLeaseBucket(nc, { ttlMs: TTL_MS })).kv;
}, 60_000);

afterAll(async () => {
  // Bounded: a stop that hangs must not leave the private nats-server behind.
  await Promise.race([worker?.close(), new Promise((r) => setTimeout(r, 15_000))]);
  await store?.close();
  await nc?.close();
  await nats?.dispose();
  tmp?.remove();
}, 30_000);

describe('vigie worker: configuration and published changes', () => {
  it('leases and runs the configured camera; publishes its changes under its lease, numbered per event, snapshot first', async () => {
    await until('cam-a leased', async () => (await readCameraLease(kv, 'cam-a'))?.worker === 'solo');
    const lease = await readCameraLease(kv, 'cam-a');
    await until('an event of cam-a on the stream', async () => (await streamMessages()).length > 0);
    const messages = await streamMessages();
    const opened = messages.find((m) => m.change === 'opened');
    expect(opened).toBeDefined();
    expect(opened!.lease).toEqual(lease);
    expect(opened!.seq).toBe(1);
    expect(opened!.event.snapshot).toBe(`/api/events/${opened!.event.id}/snapshot.jpg`);
    // The snapshot is durable before its event is published.
    expect(existsSync(join(tmp.path, 'data', 'snapshots', `${opened!.event.id}.jpg`))).toBe(true);
    const seqs = messages.filter((m) => m.event.id === opened!.event.id).map((m) => m.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  }, 30_000);

  it('runs a camera added to the configuration, announced on NATS', async () => {
    await save(config([{ id: 'cam-a' }, { id: 'cam-b' }]));
    await until('cam-b leased and running', async () => (await readCameraLease(kv, 'cam-b'))?.worker === 'solo' && worker!.cameras().includes('cam-b'));
  }, 30_000);

  it('gives up a camera disabled in the configuration: its lease is released and its open event closed under it', async () => {
    const leaseA = await readCameraLease(kv, 'cam-a');
    await save(config([{ id: 'cam-a', enabled: false }, { id: 'cam-b' }]));
    await until('cam-a released', async () => (await readCameraLease(kv, 'cam-a')) === null && !worker!.cameras().includes('cam-a'));
    await until('the closing of cam-a\'s events published', async () => {
      const messages = (await streamMessages()).filter((m) => m.event.camera === 'cam-a');
      const ids = new Set(messages.map((m) => m.event.id));
      return [...ids].every((id) => messages.some((m) => m.event.id === id && m.change === 'closed'));
    });
    const closes = (await streamMessages()).filter((m) => m.event.camera === 'cam-a' && m.change === 'closed');
    expect(closes.every((m) => m.lease.epoch === leaseA!.epoch)).toBe(true);
    expect(worker!.cameras()).toEqual(['cam-b']);
  }, 30_000);
});
