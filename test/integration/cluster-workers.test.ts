/**
 * Three `vigie worker` processes share six cameras through the lease bucket of a
 * private nats-server, on a PostgreSQL schema of their own. A worker killed with
 * SIGKILL has its cameras running elsewhere within seconds; a worker paused
 * (SIGSTOP) for less than the lease TTL keeps them; paused for longer, it loses
 * them, and once resumed gives them up: no camera runs twice. Two API nodes
 * (`vigie start --role api`) store the events the workers publish: the events of
 * moved cameras arrive in PostgreSQL, one row each.
 */
import { makeMovingSquareClip } from '../helpers/media-fixtures.js';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { linkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import type { KV } from '@nats-io/kv';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNats } from '../../src/bus/nats/connection.js';
import { subscribeHealth } from '../../src/bus/nats/notices.js';
import type { CameraLease } from '../../src/bus/types.js';
import { DEFAULT_LEASE_TTL_MS, openLeaseBucket, readLeases } from '../../src/cluster/lease-bucket.js';
import { parseConfig } from '../../src/config/load.js';
import { openRepositories } from '../../src/server/runtime.js';
import { openDatabase } from '../../src/store/index.js';
import { startPrivateNats, type PrivateNats } from '../helpers/bus-nats-server.js';
import { createTestSchema, startApiNodeProcess, tempDir, type ApiNodeProcess } from '../helpers/cluster-api-nodes.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/vigie.js', import.meta.url));
const CAMERAS = ['cam1', 'cam2', 'cam3', 'cam4', 'cam5', 'cam6'];
const WORKERS = ['w1', 'w2', 'w3'];
const TTL_MS = DEFAULT_LEASE_TTL_MS;

interface WorkerProcess {
  readonly id: string;
  readonly proc: ChildProcess;
  log: string;
}

let nats: PrivateNats;
let schema: Awaited<ReturnType<typeof createTestSchema>>;
let tmp: ReturnType<typeof tempDir>;
let nc: NatsConnection;
let kv: KV;
let healthSub: Subscription;
let db: pg.Client;
const apiNodes: ApiNodeProcess[] = [];
const workers = new Map<string, WorkerProcess>();
/** Latest health announced per camera, with the worker that sent it. */
const health = new Map<string, { worker: string; state: string; sentAtMs: number }>();

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
async function until<T>(what: string, probe: () => Promise<T | null | false> | T | null | false, timeoutMs = 40_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${[...workers.values()].map((w) => `--- ${w.id}\n${w.log.slice(-1500)}`).join('\n')}`);
    await sleep(200);
  }
}

/** A small clip: a white square crossing a grey frame (cheap to decode, motion in every frame). */
const SQUARE_CLIP = { width: 320, height: 180, rate: 4, side: 30, x: 10, y: 70, speed: 70 } as const;
const clip = (dir: string): Promise<string> => makeMovingSquareClip(dir, SQUARE_CLIP);

function startWorker(id: string): WorkerProcess {
  const proc = spawn(process.execPath, [BIN, 'worker', '--nats', nats.url, '--db', schema.url, '--data', join(tmp.path, 'data'), '--worker-id', id], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const worker: WorkerProcess = { id, proc, log: '' };
  proc.stderr?.on('data', (d: Buffer) => (worker.log += d.toString()));
  workers.set(id, worker);
  return worker;
}

const leases = async (): Promise<Map<string, CameraLease>> => readLeases(kv, CAMERAS);
const holders = (l: Map<string, CameraLease>, worker: string): string[] => [...l.values()].filter((x) => x.worker === worker).map((x) => x.camera).sort();
const runningBy = (camera: string, worker: string, sinceMs = 0): boolean => {
  const h = health.get(camera);
  return h !== undefined && h.worker === worker && h.state === 'running' && h.sentAtMs >= sinceMs;
};

/** Which ffmpeg processes decode which camera, by the worker (pid) that spawned them. */
async function ffmpegByCamera(): Promise<Map<string, number[]>> {
  const { stdout } = await run('ps', ['-eo', 'pid=,ppid=,args=']);
  const out = new Map<string, number[]>();
  for (const line of stdout.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\S*ffmpeg\s.*)$/.exec(line);
    const camera = m?.[3] ? /\/(cam\d)\.mp4/.exec(m[3])?.[1] : undefined;
    if (!m || !camera || !m[3]?.includes(tmp.path)) continue;
    out.set(camera, [...(out.get(camera) ?? []), Number(m[2])]);
  }
  return out;
}
const pidOf = (worker: string): number => workers.get(worker)?.proc.pid ?? -1;

/** Event rows in PostgreSQL, by camera: ids and row count (the API nodes write them). */
async function storedEvents(): Promise<Map<string, { ids: Set<string>; rows: number }>> {
  const schemaName = new URL(schema.url).searchParams.get('schema');
  const r = await db.query<{ camera: string; id: string }>(`select camera, id from "${schemaName}".events`);
  const out = new Map<string, { ids: Set<string>; rows: number }>();
  for (const row of r.rows) {
    const entry = out.get(row.camera) ?? { ids: new Set<string>(), rows: 0 };
    entry.ids.add(row.id);
    entry.rows += 1;
    out.set(row.camera, entry);
  }
  return out;
}

beforeAll(async () => {
  nats = await startPrivateNats();
  schema = await createTestSchema('vigie_cw');
  tmp = tempDir('vigie-cluster-workers-');
  const source = await clip(tmp.path);
  const dataDir = join(tmp.path, 'data');
  const config = parseConfig({
    cameras: CAMERAS.map((id) => {
      // One file per camera (hard links): `ps` tells which ffmpeg decodes which camera.
      const path = join(tmp.path, `${id}.mp4`);
      linkSync(source, path);
      return {
        id, source: path, loop: true,
        detect: { fps: 2, width: 320, backend: 'motion' },
        zones: [{ id: 'tout', polygon: [[0, 0], [1, 0], [1, 1], [0, 1]] }],
        rules: [{
          id: 'presence', type: 'intrusion', zone: 'tout', classes: ['any'], min_duration_s: 0.5, purpose: 'cluster test',
          legal_basis: { kind: 'authorised_alert', reference: 'test', authority: 'test', valid_until: '2099-12-31' },
        }],
      };
    }),
  });
  const store = await openDatabase({ dataDir, url: schema.url });
  try {
    const repos = await openRepositories(store, dataDir, () => undefined);
    await repos.config.save(config, { userId: null, comment: 'cluster workers test' });
  } finally {
    await store.close();
  }
  nc = await connectNats(nats.url, 'cluster-workers-test');
  kv = (await openLeaseBucket(nc, { ttlMs: TTL_MS })).kv;
  healthSub = subscribeHealth(nc, (m) => health.set(m.health.camera, { worker: m.worker, state: m.health.state, sentAtMs: m.sentAtMs }));
  db = new pg.Client({ connectionString: schema.url.split('?')[0] });
  await db.connect();
  for (const id of WORKERS) startWorker(id);
  // While the workers start; one after the other: the first creates the admin account.
  for (const nodeId of ['api1', 'api2']) apiNodes.push(await startApiNodeProcess({ nats: nats.url, db: schema.url, nodeId, dataDir }));
  // Started (three tsx processes on a loaded machine take a while): the tests then time the cluster, not the start.
  await until('the workers to start', () => [...workers.values()].every((w) => w.log.includes('is running')), 90_000);
}, 180_000);

afterAll(async () => {
  const exits = [...workers.values()].map(async (w) => {
    if (w.proc.exitCode !== null || w.proc.signalCode !== null) return;
    const exited = new Promise<void>((r) => w.proc.once('exit', () => r()));
    w.proc.kill('SIGCONT');
    w.proc.kill('SIGTERM');
    await Promise.race([exited, sleep(15_000).then(() => w.proc.kill('SIGKILL'))]);
    await exited;
  });
  await Promise.all(exits);
  await Promise.all(apiNodes.map((n) => n.kill('SIGTERM')));
  await db?.end();
  healthSub?.unsubscribe();
  await nc?.close();
  await nats?.dispose();
  await schema?.drop();
  tmp?.remove();
}, 60_000);

describe('vigie worker: camera leases across three workers', () => {
  it('shares six cameras out two per worker, each running on its lease holder', async () => {
    await until('2 cameras per worker, all running', async () => {
      const l = await leases();
      return l.size === 6 && WORKERS.every((w) => holders(l, w).length === 2) && [...l.values()].every((x) => runningBy(x.camera, x.worker));
    }, 60_000);
  }, 70_000);

  it('kill -9 of a worker: its cameras run on the others after the lease expires', async () => {
    const before = await leases();
    const orphaned = holders(before, 'w3');
    expect(orphaned).toHaveLength(2);
    const eventsBefore = await until('events of every camera stored by the API nodes', async () => {
      const e = await storedEvents();
      return CAMERAS.every((c) => (e.get(c)?.rows ?? 0) > 0) ? e : null;
    }, 30_000);
    const schemaName = new URL(schema.url).searchParams.get('schema');
    const openOf = async (ids: readonly string[]) =>
      (await db.query<{ id: string }>(`select id from "${schemaName}".events where id = any($1) and end_s is null`, [ids])).rows.map((r) => r.id);
    const killedAt = Date.now();
    workers.get('w3')!.proc.kill('SIGKILL');
    // Events w3 had open when it died (stored; its closes never come).
    const leftOpen = await openOf(orphaned.flatMap((c) => [...(eventsBefore.get(c)?.ids ?? [])]));
    const after = await until('the cameras of w3 leased and running elsewhere', async () => {
      const l = await leases();
      const moved = orphaned.every((c) => {
        const lease = l.get(c);
        return lease !== undefined && lease.worker !== 'w3' && runningBy(c, lease.worker, killedAt);
      });
      return moved ? l : null;
    }, 30_000);
    const seconds = (Date.now() - killedAt) / 1000;
    console.log(`cluster-workers: the cameras of the killed worker ran elsewhere ${seconds.toFixed(1)} s after kill -9 (lease TTL ${TTL_MS / 1000} s)`);
    for (const camera of orphaned) expect(after.get(camera)!.epoch).toBeGreaterThan(before.get(camera)!.epoch);
    expect(holders(after, 'w1').length + holders(after, 'w2').length).toBe(6);
    // Their new workers' events reach PostgreSQL through the stream and the API nodes, one row per event.
    const eventsAfter = await until('events of the moved cameras stored', async () => {
      const e = await storedEvents();
      return orphaned.every((c) => [...(e.get(c)?.ids ?? [])].some((id) => !eventsBefore.get(c)?.ids.has(id))) ? e : null;
    }, 20_000);
    for (const [camera, { ids, rows }] of eventsAfter) expect(rows, camera).toBe(ids.size);
    // The new holders close what w3 left open, marked as such.
    console.log(`cluster-workers: ${leftOpen.length} event(s) left open by the killed worker`);
    await until('the events w3 left open closed by the new holders', async () => (await openOf(leftOpen)).length === 0, 20_000);
    if (leftOpen.length > 0) {
      const closedBy = await db.query<{ details: string }>(`select details from "${schemaName}".events where id = any($1)`, [leftOpen]);
      for (const row of closedBy.rows) expect(JSON.parse(row.details)).toMatchObject({ closed_by: 'lease_takeover' });
    }
  }, 60_000);

  it('SIGSTOP for less than the TTL: the paused worker keeps its cameras', async () => {
    const before = await until('w1 and w2 balanced', async () => {
      const l = await leases();
      return holders(l, 'w1').length === 3 && holders(l, 'w2').length === 3 ? l : null;
    }, 20_000);
    const w1 = workers.get('w1')!;
    w1.proc.kill('SIGSTOP');
    await sleep(TTL_MS / 3);
    w1.proc.kill('SIGCONT');
    await sleep(TTL_MS / 2);
    const after = await leases();
    for (const camera of holders(before, 'w1')) expect(after.get(camera)).toEqual(before.get(camera));
    expect(w1.log).not.toContain('lost the lease');
  }, 30_000);

  it('SIGSTOP for longer than the TTL: the cameras move; resumed, the worker gives them up and no camera runs twice', async () => {
    const before = await leases();
    const paused = holders(before, 'w1');
    const w1 = workers.get('w1')!;
    const pausedAt = Date.now();
    w1.proc.kill('SIGSTOP');
    await until('the cameras of the paused worker running on w2', async () => {
      const l = await leases();
      return paused.every((c) => l.get(c)?.worker === 'w2' && runningBy(c, 'w2', pausedAt));
    }, 30_000);
    w1.proc.kill('SIGCONT');
    await until('the resumed worker to drop its lost leases', () => paused.every((c) => w1.log.includes(`lost the lease of camera ${c}`)), 15_000);
    // Once settled (the resumed worker gets cameras back by rebalancing), each camera has one ffmpeg, its lease holder's.
    await until('one ffmpeg per camera, run by its lease holder', async () => {
      const [l, procs] = await Promise.all([leases(), ffmpegByCamera()]);
      return CAMERAS.every((c) => {
        const pids = procs.get(c) ?? [];
        const holder = l.get(c)?.worker;
        return holder !== undefined && pids.length === 1 && pids[0] === pidOf(holder);
      });
    }, 30_000);
  }, 60_000);

  it('SIGTERM: the worker releases its leases and exits 0; the other worker takes over', async () => {
    const w2 = workers.get('w2')!;
    const given = holders(await leases(), 'w2');
    const exited = new Promise<number | null>((r) => w2.proc.once('exit', (code) => r(code)));
    w2.proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    // Released, not left to expire: right after the exit no lease names w2.
    const l = await leases();
    expect(holders(l, 'w2')).toEqual([]);
    expect(w2.log).not.toMatch(/not released|could not be published/);
    await until('the cameras of w2 running on w1', async () => {
      const now = await leases();
      return given.every((c) => now.get(c)?.worker === 'w1' && runningBy(c, 'w1'));
    }, 30_000);
  }, 40_000);
});
