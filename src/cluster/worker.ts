/**
 * `vigie worker` (docs/SCALE-OUT.md, "Workers and leases"): runs the pipelines of
 * the cameras it leases and publishes their event changes to the JetStream
 * stream; API nodes store and push them. It reads the configuration in force from
 * the database, and writes counts and camera uptime there itself. Snapshots go to
 * `<data>/snapshots`, which API nodes serve: the data folder is shared storage.
 *
 * Every round (about a second, with jitter) it reads the live workers and the
 * leases, plans with `planLeases`, gives up what the plan releases (the camera is
 * stopped first, so its open events are closed under its lease) and starts what it
 * claimed. A lease lost (fencing) stops its camera at once, and a change of a
 * camera whose lease is no longer confirmed is dropped, never published.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { connectNats } from '../bus/nats/connection.js';
import { onConfigChanged, publishHealth } from '../bus/nats/notices.js';
import { createEventPublisher } from '../bus/nats/publisher.js';
import { ensureEventStream } from '../bus/nats/stream.js';
import { TAKEOVER_CLOSE_SEQ, type CameraLease, type EventMessage, type EventPublisher } from '../bus/types.js';
import { emptyConfig, type CameraConfig, type VigieConfig } from '../config/schema.js';
import type { EventChange } from '../events/lifecycle.js';
import { sameJson } from '../pipeline/camera-changes.js';
import { DETECTION_FLOOR_SCORE, type LiveDetector } from '../pipeline/camera-pipeline.js';
import type { CameraHealth } from '../pipeline/health.js';
import { createSupervisorSet, type SupervisorSet, type SupervisorSetDeps } from '../pipeline/supervisor-set.js';
import { createEventWrites } from '../server/event-writes.js';
import { StartError } from '../server/runtime.js';
import { SecretKeyError } from '../security/secret-box.js';
import { openSecretBox, SECRETS_KEY_ENV, secretKeyPath } from '../security/secret-key.js';
import { createConfigRepository, createRepositories, openDatabase, type Repositories, type StoreDatabase } from '../store/index.js';
import { createUptimeRecorder } from '../store/uptime-repository.js';
import { createEnginePool } from '../vision/detect/engine.js';
import type { DetectorPool } from '../vision/detect/pool.js';
import { planLeases } from './balance.js';
import { DEFAULT_LEASE_TTL_MS, openLeaseBucket, readLeases, readWorkers, type LeaseBucket } from './lease-bucket.js';
import { createLeaseKeeper, type LeaseKeeper } from './lease-keeper.js';

/** Health is announced on every state change, and at least this often. */
const HEALTH_INTERVAL_MS = 5_000;
/** The configuration is read again this often, besides on every "configuration changed" notice. */
const CONFIG_RELOAD_MS = 30_000;
/** Balancing rounds: this often, up to 20 % sooner or later at random (two workers rarely plan at the same instant). */
const ROUND_MS = 1_000;
/** How long a stop waits for the stream to acknowledge the last changes. */
const DRAIN_TIMEOUT_MS = 5_000;

/** Resolves once the publisher has nothing left to send, or after `timeoutMs`. */
async function publishedAll(publisher: EventPublisher, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (publisher.pending() > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
}

export interface WorkerOptions {
  readonly natsUrl: string;
  readonly dbUrl: string;
  readonly dataDir: string;
  readonly workerId: string;
  /** Most cameras this worker runs; null: unlimited. */
  readonly capacity: number | null;
  readonly leaseTtlMs?: number;
  readonly print: (line: string) => void;
  /** Lease bucket (default vigie_leases; tests). */
  readonly leaseBucket?: string;
  readonly roundMs?: number;
}

export interface RunningWorker {
  /** Cameras leased and running now. */
  cameras(): string[];
  /** Stops the cameras (their open events closed and published), drains the publisher, releases the leases. */
  close(): Promise<void>;
}

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const { print, workerId } = options;
  const dataDir = resolve(options.dataDir);
  const resources: (() => Promise<void>)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const close of resources.reverse()) await close().catch((err: unknown) => print(`stop: ${String(err)}`));
  };
  try {
    const store = await openDatabase({ dataDir, url: options.dbUrl });
    resources.push(() => store.close());
    const repos = await openWorkerRepositories(store, dataDir);
    const nc = await connectNats(options.natsUrl, `vigie-worker-${workerId}`, { onLog: print });
    resources.push(() => nc.drain().catch(() => nc.close()));
    await ensureEventStream(nc);
    const ttlMs = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    const bucket = await openLeaseBucket(nc, { ...(options.leaseBucket ? { name: options.leaseBucket } : {}), ttlMs });
    const snapshotDir = join(dataDir, 'snapshots');
    await mkdir(snapshotDir, { recursive: true });
    const node = createWorkerNode({ ...options, nc, bucket, repos, snapshotDir, ttlMs });
    resources.push(() => node.stop());
    await node.start();
    print(`worker ${workerId} is running (leases expire ${ttlMs / 1000} s after the last heartbeat). Ctrl-C stops.`);
    return { cameras: () => node.cameras(), close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/**
 * The repositories, camera credentials opened with the API nodes' secrets key. A
 * worker never creates that key nor seals anything: a key of its own would make
 * the credentials it sealed unreadable to every other node.
 */
async function openWorkerRepositories(store: StoreDatabase, dataDir: string): Promise<Repositories> {
  const path = secretKeyPath(dataDir, process.env);
  if (!existsSync(path)) {
    throw new StartError(`the secrets key ${path} does not exist: start an API node first (it creates it), and give workers the API nodes' data folder (--data) or set ${SECRETS_KEY_ENV}`);
  }
  try {
    const { box } = openSecretBox({ dataDir, env: process.env, sealedDataExists: true });
    const repos: Repositories = { ...createRepositories(store.db), config: createConfigRepository(store.db, { secrets: box }) };
    await repos.config.current(); // a wrong key is reported now, not at the first camera
    return repos;
  } catch (err) {
    throw err instanceof SecretKeyError ? new StartError(err.message) : err;
  }
}

interface NodeDeps extends WorkerOptions {
  readonly nc: NatsConnection;
  readonly bucket: LeaseBucket;
  readonly repos: Repositories;
  readonly snapshotDir: string;
  readonly ttlMs: number;
}

function createWorkerNode(deps: NodeDeps): { start(): Promise<void>; stop(): Promise<void>; cameras(): string[] } {
  const { print, workerId, nc, bucket, repos } = deps;
  const roundMs = deps.roundMs ?? ROUND_MS;
  let config: VigieConfig = emptyConfig();
  let pool: DetectorPool | null = null;
  let stopping = false;
  /** Cameras the supervisor set runs: leased, and started. */
  const running = new Set<string>();
  const cameraConfig = new Map<string, CameraConfig>();
  const seqs = new Map<string, number>();
  const lastHealth = new Map<string, { state: string; at: number }>();

  const publisher: EventPublisher = createEventPublisher(nc, { onLog: print });
  const eventWrites = createEventWrites({ snapshotDir: deps.snapshotDir, print });
  const uptime = createUptimeRecorder(repos.uptime, { onError: (err) => print(`camera uptime could not be stored: ${String(err)}`) });

  // The pool starts with the first leased camera that needs the model: a worker with motion cameras only has none.
  const detector: LiveDetector = {
    get name() {
      return pool?.name ?? 'detector (not started)';
    },
    get flexibleInput() {
      return pool?.flexibleInput;
    },
    tryDetect: (frame) => pool?.tryDetect(frame) ?? null,
    tryDetectAll: (frames) => pool?.tryDetectAll(frames) ?? null,
  };
  let poolStarting: Promise<void> | null = null;
  const ensurePool = (cameras: readonly CameraConfig[]): Promise<void> => {
    if (!cameras.some((c) => c.enabled && c.detect.backend !== 'motion')) return Promise.resolve();
    poolStarting ??= (async () => {
      print('starting the detector pool (a leased camera needs the model)');
      pool = await createEnginePool(config.detector, { minScore: DETECTION_FLOOR_SCORE, live: true });
    })().catch((err: unknown) => {
      poolStarting = null; // tried again at the next apply
      throw err;
    });
    return poolStarting;
  };

  const keeper: LeaseKeeper = createLeaseKeeper({
    kv: bucket.kv,
    worker: workerId,
    ttlMs: deps.ttlMs,
    capacity: deps.capacity,
    onLog: print,
    onLost: (camera, reason) => {
      print(`lost the lease of camera ${camera} (${reason === 'taken' ? 'another worker holds it' : 'not renewed in time'}): stopping it`);
      running.delete(camera);
      // Not behind a round that may be waiting on NATS: the camera stops now.
      if (!stopping) applyRunning().catch((err: unknown) => print(`camera ${camera} could not be stopped: ${String(err)}`));
    },
  });

  const publish = (change: EventChange): void => {
    const { event } = change;
    // Captured now: a change made while the lease was held is published under it, even if the lease is released meanwhile.
    const lease = keeper.lease(event.camera);
    if (!lease) return; // fenced: another worker runs this camera, or may
    const seq = (seqs.get(event.id) ?? 0) + 1;
    if (change.kind === 'closed') seqs.delete(event.id);
    else seqs.set(event.id, seq);
    const emittedAtMs = Date.now();
    eventWrites.change(
      change,
      (stored) => {
        const message: EventMessage = { change: change.kind, event: stored, lease, emittedAtMs, seq };
        // Not awaited: the publisher keeps order and retries; the queue only orders snapshots before their events.
        publisher.publish(message).catch((err: unknown) => print(`event ${event.id} could not be published: ${String(err)}`));
        return Promise.resolve();
      },
      'published',
    );
  };

  /**
   * Events a previous holder left open (it was killed or lost the lease before it
   * could close them) are closed under the new lease, so the queue does not keep
   * alerts that nothing will ever end. Their true end is unknown: it is set to
   * their start, and `details.closed_by` says why. A real close of the previous
   * holder still on its way wins (API nodes apply this one only to an open event).
   */
  const closeAbandoned = async (camera: string, lease: CameraLease): Promise<void> => {
    for (let cursor: string | undefined, first = true; first || cursor; first = false) {
      const page = await repos.events.list({ camera, status: 'open', ...(cursor ? { cursor } : {}) });
      for (const item of page.items) {
        const event = { ...item.event, end: item.event.end ?? item.event.start, details: { ...item.event.details, closed_by: 'lease_takeover' } };
        publisher.publish({ change: 'closed', event, lease, emittedAtMs: Date.now(), seq: TAKEOVER_CLOSE_SEQ }).catch((err: unknown) => print(`event ${event.id} could not be closed: ${String(err)}`));
      }
      cursor = page.nextCursor ?? undefined;
    }
  };

  const announce = (health: CameraHealth): void => {
    if (!keeper.lease(health.camera)) return; // not ours to report any more
    const previous = lastHealth.get(health.camera);
    const at = Date.now();
    if (previous && previous.state === health.state && at - previous.at < HEALTH_INTERVAL_MS) return;
    lastHealth.set(health.camera, { state: health.state, at });
    publishHealth(nc, { worker: workerId, health, sentAtMs: at });
  };

  const supervisorDeps: SupervisorSetDeps = {
    detector,
    onEvent: publish,
    onFlow: uptime.onFlow,
    onHealth: announce,
    onCounts: (counts, cameraId) => {
      if (counts.length > 0) eventWrites.task(() => repos.counts.add(cameraId, counts), `counts of camera ${cameraId} could not be stored`);
    },
    onLog: print,
    onFrame: (result, image) => eventWrites.renderSnapshots(result, image, cameraConfig.get(result.frame.cameraId)),
  };
  // Created at start, with the configuration's time zone (rule schedules follow it).
  let supervisors: SupervisorSet | null = null;

  /** Runs the set on the leased cameras of the configuration in force. */
  const applyRunning = async (): Promise<void> => {
    const cameras = config.cameras.filter((c) => running.has(c.id));
    await ensurePool(cameras);
    cameraConfig.clear();
    for (const c of cameras) cameraConfig.set(c.id, c);
    await supervisors?.apply({ ...config, cameras });
  };

  // Rounds, reloads and lease losses change the running set one at a time.
  let queue: Promise<void> = Promise.resolve();
  const serial = (task: () => Promise<void>): Promise<void> => {
    const next = queue.then(task);
    queue = next.catch((err: unknown) => print(`worker: ${String(err)}`));
    return queue;
  };

  const round = async (): Promise<void> => {
    if (stopping) return;
    const wanted = config.cameras.filter((c) => c.enabled).map((c) => c.id);
    const [workers, leases] = await Promise.all([readWorkers(bucket), readLeases(bucket.kv, [...new Set([...wanted, ...keeper.cameras()])])]);
    const plan = planLeases({
      cameras: wanted,
      leases: new Map([...leases].map(([camera, lease]) => [camera, lease.worker])),
      workers: workers.map((w) => ({ worker: w.worker, capacity: w.capacity })),
      me: workerId,
    });
    if (plan.release.length > 0) {
      // Stopped first: their open events are closed and published under the lease.
      for (const camera of plan.release) running.delete(camera);
      await applyRunning();
      // Their closes stored before the next holder's claim: a message stored after it would be fenced.
      await eventWrites.drained();
      await publishedAll(publisher, DRAIN_TIMEOUT_MS);
      for (const camera of plan.release) {
        await keeper.release(camera);
        print(`released camera ${camera} (rebalancing)`);
      }
    }
    let claimed = false;
    for (const camera of plan.claim) {
      const lease = await keeper.claim(camera);
      if (!lease) continue; // another worker was quicker: harmless
      await closeAbandoned(camera, lease);
      running.add(camera);
      lastHealth.delete(camera); // its first health is announced at once
      claimed = true;
      print(`running camera ${camera} (lease epoch ${lease.epoch})`);
    }
    if (claimed) await applyRunning();
  };

  const reload = async (): Promise<void> => {
    const next = (await repos.config.current())?.config ?? emptyConfig();
    if (sameJson(next, config)) return;
    config = next;
    await applyRunning();
  };

  // A round that fails (NATS or the database unreachable) is retried at the next one; said once per streak.
  let roundsFailing = false;
  const guardedRound = async (): Promise<void> => {
    try {
      await round();
      if (roundsFailing) print('balancing rounds work again');
      roundsFailing = false;
    } catch (err) {
      if (!roundsFailing) print(`balancing round failed, retrying every second: ${String(err)}`);
      roundsFailing = true;
    }
  };
  let roundTimer: NodeJS.Timeout | null = null;
  const scheduleRound = (): void => {
    if (stopping) return;
    roundTimer = setTimeout(() => void serial(guardedRound).then(scheduleRound), roundMs * (0.8 + 0.4 * Math.random()));
  };
  let reloadTimer: NodeJS.Timeout | null = null;
  let configSub: Subscription | null = null;

  return {
    async start() {
      config = (await repos.config.current())?.config ?? emptyConfig();
      await keeper.start();
      supervisors = createSupervisorSet({ ...config, cameras: [] }, supervisorDeps);
      supervisors.start();
      configSub = onConfigChanged(nc, () => void serial(reload));
      reloadTimer = setInterval(() => void serial(reload), CONFIG_RELOAD_MS);
      // The first round waits one round: workers started together see each other before claiming.
      scheduleRound();
    },
    cameras: () => [...running],
    async stop() {
      stopping = true;
      if (roundTimer) clearTimeout(roundTimer);
      if (reloadTimer) clearInterval(reloadTimer);
      configSub?.unsubscribe();
      // A round stuck on an unreachable NATS must not hold the stop up: the cameras stop regardless.
      let waited: NodeJS.Timeout | undefined;
      await Promise.race([queue, new Promise<void>((r) => (waited = setTimeout(r, DRAIN_TIMEOUT_MS)))]);
      clearTimeout(waited);
      // Cameras first (their open events are closed under their leases), then the stream, then the leases.
      await supervisors?.stop();
      running.clear();
      await eventWrites.drained();
      await publisher.close(DRAIN_TIMEOUT_MS).catch((err: unknown) => print(String(err)));
      await keeper.stop();
      await uptime.flush();
      await pool?.close();
    },
  };
}
