import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ensureFirstAdmin } from '../auth/first-admin.js';
import { createPasswordHasher, type Argon2Params } from '../auth/passwords.js';
import { createAccountLockout } from '../auth/account-lockout.js';
import { createLoginRateLimiter } from '../auth/rate-limit.js';
import { createSessionService } from '../auth/sessions.js';
import { emptyConfig, type VigieConfig } from '../config/schema.js';
import { systemRealPath } from '../config/real-path.js';
import { allowedDirsFromEnv, apiConfigProblems, trustedFileSources, type FileSourcePolicy } from '../config/source-policy.js';
import type { RgbFrame } from '../contracts/frame.js';
import type { TrackSnapshot } from '../contracts/track.js';
import type { EventChange } from '../events/lifecycle.js';
import { sameJson } from '../pipeline/camera-changes.js';
import { DETECTION_FLOOR_SCORE, type FrameResult } from '../pipeline/camera-pipeline.js';
import type { CameraHealth } from '../pipeline/health.js';
import { createSupervisorSet } from '../pipeline/supervisor-set.js';
import { createUptimeRecorder } from '../store/uptime-repository.js';
import { createRecorderManager, reconcileRecordings, statfsFreeSpace } from '../recording/index.js';
import { createPreviewHub, type PreviewHub } from '../render/mjpeg.js';
import type { CountRecord } from '../rules/types.js';
import { createEventWrites } from './event-writes.js';
import { createRetentionService, createSnapshotCatalog, scheduleRetention } from '../recording/retention-run.js';
import { systemClock as systemTimeClock } from '../time/clock.js';
import { guardRetentionAgainstClockJumps } from '../time/retention-clock-guard.js';
import { createEvidenceService } from '../evidence/service.js';
import { createSegmentIndex } from '../recording/segment-index.js';
import { createConfigRepository, createRepositories, openDatabase, type Repositories, type StoreDatabase } from '../store/index.js';
import { SecretKeyError } from '../security/secret-box.js';
import { openSecretBox } from '../security/secret-key.js';
import { isShadowEvent } from '../store/event-codec.js';
import { createEnginePool } from '../vision/detect/engine.js';
import type { DetectorPool, DetectorPoolStats } from '../vision/detect/pool.js';
import { countRetentionRuns, createVigieMetrics, databasePing, metricsTokenFromEnv, segmentTotalsOf } from '../metrics/index.js';
import { createIntegrations, type Integrations } from '../integrations/index.js';
import { defaultNodeId, startApiNode } from '../cluster/api-node.js';
import { createHttpServer } from './app.js';
import type { CameraRuntime, ServerDeps } from './deps.js';
import { createLiveHub } from './live-hub.js';

export const VIGIE_VERSION = '0.1.0';

/** Vigie cannot start for a reason the person at the terminal can fix (printed on one line). */
export class StartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartError';
  }
}
/** Health is pushed to consoles on every state change, and at least this often. */
const HEALTH_PUSH_INTERVAL_MS = 5000;
const HOUR_MS = 3_600_000;

export interface StartOptions {
  readonly dataDir: string;
  readonly dbUrl?: string;
  /** A YAML config to import: it becomes a new version when it differs from the stored one. */
  readonly config?: VigieConfig;
  readonly configOrigin?: string;
  readonly port: number;
  readonly host: string;
  /** Start the detector worker pool (needed by `model` and `hybrid` cameras). Default true. */
  readonly detectorPool?: boolean;
  /** Cheaper argon2 parameters (tests only). */
  readonly argon2?: Argon2Params;
  readonly print: (line: string) => void;
  /** PEM certificate and key: serve HTTPS (session cookies always Secure, HSTS). */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer };
  /** Where Fastify's request log goes; none without. */
  readonly httpLog?: NodeJS.WritableStream;
  readonly onEvent?: (change: EventChange) => void;
  /** Every frame's result once the cameras have handled it (measurement, `vigie bench`); must not throw. */
  readonly onFrame?: (result: FrameResult) => void;
  /** Token another host must send to read GET /metrics; default env VIGIE_METRICS_TOKEN (docs/MONITORING.md). */
  readonly metricsToken?: string;
  /**
   * Folders whose files the API may set as camera sources (`--allow-file-sources`, added to
   * VIGIE_ALLOW_FILE_SOURCES); file sources of `config` are always allowed (docs/SECURITY.md).
   */
  readonly allowFileSources?: readonly string[];
  /**
   * `all` (default): one box runs everything. `api`: an API node of a scale-out installation
   * (docs/SCALE-OUT.md): no camera here, events come from the NATS stream `nats` points at.
   */
  readonly role?: 'all' | 'api';
  /** NATS URL(s), comma-separated (role `api`). */
  readonly nats?: string;
  /** Names this API node's durable consumer; default `<hostname>-<port>`. */
  readonly nodeId?: string;
}

export interface RunningVigie {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly repos: Repositories;
  readonly cameras: CameraRuntime;
  /** MQTT and webhooks (docs/INTEGRATIONS.md). */
  readonly integrations: Integrations;
  /** The shared detector pool's counters (calls completed, dropped); null when no pool runs. */
  detectorStats(): DetectorPoolStats | null;
  close(): Promise<void>;
}

/**
 * `vigie start`: storage, users, cameras and the HTTP server, wired together.
 * An event is committed to the database before it is pushed to any console.
 */
export async function startVigie(options: StartOptions): Promise<RunningVigie> {
  if (options.role === 'api' && !options.nats) throw new StartError('--role api needs --nats URL (the NATS server the workers publish to)');
  const dataDir = resolve(options.dataDir);
  const store = await openDatabase({ dataDir, ...(options.dbUrl ? { url: options.dbUrl } : {}) });
  const repos = await openRepositories(store, dataDir, options.print);
  const resources: (() => Promise<void>)[] = [() => store.close()];
  const closeAll = async (): Promise<void> => {
    for (const close of resources.reverse()) await close();
  };
  try {
    const config = await loadConfig(repos, options);
    // An API node runs no camera, detector nor recorder (docs/SCALE-OUT.md): workers do, and src/cluster/api-node.ts brings their events and health here.
    const apiRole = options.role === 'api';
    const localConfig: VigieConfig = apiRole ? { ...config, cameras: [] } : config;
    const fileSources = await fileSourcePolicy(repos, options);
    const untrusted = apiConfigProblems(config, fileSources, systemRealPath);
    if (untrusted.length > 0) {
      throw new StartError(`the stored configuration has file sources set through the API that are no longer allowed: ${untrusted.join('; ')} (or import a config file with --config)`);
    }
    const hasher = createPasswordHasher(options.argon2);
    const sessions = createSessionService({ store: repos.sessions, users: repos.users, hasher, limiter: createLoginRateLimiter({ now: Date.now }), lockout: createAccountLockout({ now: Date.now }), now: Date.now });
    await ensureFirstAdmin({ users: repos.users, hasher, envPassword: process.env.VIGIE_ADMIN_PASSWORD, print: options.print });
    const purge = setInterval(() => void sessions.purgeExpired().catch((err: unknown) => options.print(`session purge failed: ${String(err)}`)), HOUR_MS);
    purge.unref();
    resources.push(() => Promise.resolve(clearInterval(purge)));

    const snapshotDir = join(dataDir, 'snapshots');
    await mkdir(snapshotDir, { recursive: true });
    const pool: DetectorPool | null = options.detectorPool === false || apiRole ? null : await createEnginePool(config.detector, { minScore: DETECTION_FLOOR_SCORE, live: true });
    if (pool) resources.push(() => pool.close());

    // Recording: reconcile the index with the folder before any recorder writes, then start them.
    const recordingsDir = join(dataDir, 'recordings');
    await mkdir(recordingsDir, { recursive: true });
    const segmentIndex = createSegmentIndex(store.db);
    const reconciled = await reconcileRecordings({ recordingsDir, index: segmentIndex, snapshots: { dir: snapshotDir, catalog: createSnapshotCatalog(store.db) }, audit: repos.audit, clock: Date.now });
    if (reconciled.actions.length > 0) {
      const counts = new Map<string, number>();
      for (const a of reconciled.actions) counts.set(a.kind, (counts.get(a.kind) ?? 0) + 1);
      options.print(`recordings reconciled with the index: ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')} (details in the audit log)`);
    }
    const recorders = createRecorderManager({ recordingsDir, index: segmentIndex, clock: Date.now, freeSpace: statfsFreeSpace, onLog: options.print });
    await recorders.start(localConfig, reconciled.interrupted);
    resources.push(() => recorders.stop());

    const live = createLiveHub();
    // MQTT and signed webhooks (docs/INTEGRATIONS.md): fed each committed, non-shadow change and each health push.
    const integrations = createIntegrations({ config: config.integrations, db: store.db, print: options.print });
    resources.push(() => integrations.close());
    // Metrics (docs/MONITORING.md): read from these ports at scrape time; frames, events and detections counted as they happen.
    let minFreeMb = config.recording.min_free_mb;
    const metrics = createVigieMetrics(
      {
        cameras: () => cameras.health(),
        sourceStats: (id) => supervisors.get(id)?.sourceStats() ?? null,
        dropCounts: (id) => supervisors.get(id)?.dropCounts() ?? null,
        detector: () => pool?.stats() ?? null,
        recorders: () => recorders.status(),
        liveClients: () => live.size(),
        liveSlowClientsDisconnected: () => live.slowClientsDisconnected(),
        folders: [{ name: 'recordings', path: recordingsDir }, { name: 'data', path: dataDir }],
        freeSpace: statfsFreeSpace,
        segmentTotals: segmentTotalsOf(store.db),
        databaseFile: store.engine === 'sqlite' ? store.location : null,
        eventStream: () => apiNode?.counters() ?? null,
      },
      { version: VIGIE_VERSION },
    );
    pool?.onDetection((ms) => metrics.observeDetection(ms));
    const previews = new Map<string, PreviewHub>();
    const latest = new Map<string, { image: RgbFrame; tracks: readonly TrackSnapshot[] }>();
    const cameraConfig = new Map(config.cameras.map((c) => [c.id, c]));
    const lastPush = new Map<string, { state: string; at: number }>();
    // One queue for every write: events are stored in the order they happened, each before it is announced,
    // an opened event's row once its snapshot is durable (docs/STORAGE.md).
    const eventWrites = createEventWrites({ snapshotDir, print: options.print });

    const persist = (change: EventChange): void => {
      metrics.recordEventChange(change);
      eventWrites.change(change, async (event) => {
        const { change: stored, stored: item } = await repos.events.upsert(event);
        // Shadow events are stored to measure their rule, never pushed to operators.
        if (stored !== 'unchanged' && !isShadowEvent(event)) {
          live.broadcast({ type: 'event', change: change.kind, item });
          // In the outbox before the next change is stored: a crash can lose at most the change in hand.
          await integrations.onEvent(change.kind, item);
        }
        options.onEvent?.(change);
      });
    };
    // Counts of `counting` rules: each closed bucket (and each partial one a run flushes) is written once;
    // the store adds parts of the same bucket together, so a restart inside a bucket loses nothing.
    const persistCounts = (cameraId: string, counts: readonly CountRecord[]): void => {
      if (counts.length === 0) return;
      eventWrites.task(() => repos.counts.add(cameraId, counts), `counts of camera ${cameraId} could not be stored`);
    };
    const pushHealth = (health: CameraHealth): void => {
      integrations.onHealth(health);
      const previous = lastPush.get(health.camera);
      const at = Date.now();
      if (previous && previous.state === health.state && at - previous.at < HEALTH_PUSH_INTERVAL_MS) return;
      lastPush.set(health.camera, { state: health.state, at });
      live.broadcast({ type: 'health', health });
    };
    const previewOf = (cameraId: string): PreviewHub | null => {
      const camera = cameraConfig.get(cameraId);
      if (!camera) return null;
      let hub = previews.get(cameraId);
      if (!hub) {
        hub = createPreviewHub({ camera });
        previews.set(cameraId, hub);
      }
      return hub;
    };

    // When each camera was analysed (trial availability, docs/REPORTS.md).
    const uptime = createUptimeRecorder(repos.uptime, { onError: (err) => options.print(`camera uptime could not be stored: ${String(err)}`) });
    const supervisors = createSupervisorSet(localConfig, {
      detector: pool,
      onEvent: persist,
      onFlow: uptime.onFlow,
      onHealth: pushHealth,
      onCounts: (counts, cameraId) => persistCounts(cameraId, counts),
      onLog: options.print,
      onFrame: (result, image) => {
        const cameraId = result.frame.cameraId;
        metrics.recordFrame(cameraId, result);
        // Frame buffers are never reused by the frame source, so keeping the last one is safe.
        latest.set(cameraId, { image, tracks: result.tracks.tracks });
        void previews.get(cameraId)?.publish(image, result.tracks.tracks);
        eventWrites.renderSnapshots(result, image, cameraConfig.get(cameraId));
        options.onFrame?.(result);
      },
    });
    const apiNode = apiRole
      ? await startApiNode({ natsUrl: options.nats ?? '', nodeId: options.nodeId ?? defaultNodeId(options.port), repos, live, config, integrations, onConfigReloaded: (next) => integrations.apply(next.integrations), print: options.print, onChange: (m) => metrics.recordEventChange({ kind: m.change, event: m.event }) })
      : null;
    if (apiNode) resources.push(() => apiNode.close());
    const cameras: CameraRuntime = apiNode ? {
      ...apiNode.cameras,
      async apply(next) {
        await apiNode.cameras.apply(next);
        await integrations.apply(next.integrations);
        minFreeMb = next.recording.min_free_mb;
      },
    } : {
      health: () => supervisors.health(),
      latest: (id) => latest.get(id) ?? null,
      preview: previewOf,
      async apply(next) {
        await supervisors.apply(next);
        await recorders.apply(next);
        await integrations.apply(next.integrations);
        minFreeMb = next.recording.min_free_mb;
        cameraConfig.clear();
        for (const c of next.cameras) {
          cameraConfig.set(c.id, c);
          previews.get(c.id)?.setCamera(c);
        }
      },
    };
    supervisors.start();
    resources.push(async () => {
      await supervisors.stop();
      await eventWrites.drained();
      await uptime.flush();
    });

    // Retention under the law: at start, then hourly; one run at a time (shared with POST /api/retention/run).
    // (recordingsDir is created above, with the recorders.)
    // A wall clock that jumps forward must not expire all footage: the hourly run checks it (src/time/retention-clock-guard.ts).
    const guardedRetention = guardRetentionAgainstClockJumps(
      countRetentionRuns(createRetentionService({
        segments: segmentIndex,
        holds: repos.holds,
        snapshots: createSnapshotCatalog(store.db),
        audit: repos.audit,
        config: async () => (await repos.config.current())?.config ?? emptyConfig(),
        recordingsDir,
        snapshotDir,
      }), metrics),
      { clock: systemTimeClock, audit: repos.audit, print: options.print },
    );
    const retention = guardedRetention.service;
    const retentionSchedule = scheduleRetention(
      async () => {
        const summary = await guardedRetention.runScheduled();
        if (!summary) return;
        if (summary.alert) options.print(`retention: ${summary.alert.message}`);
        for (const error of summary.errors) options.print(`retention: ${error}`);
      },
      { intervalMs: HOUR_MS, onError: (err: unknown) => options.print(`retention run failed: ${String(err)}`) },
    );
    resources.push(() => retentionSchedule.stop());

    // --- Audit anchors (issue 7): sign the latest audit entry's hash with the instance key, at start and hourly. ---
    const { startAuditAnchoring } = await import('../audit/anchor.js');
    const auditAnchors = startAuditAnchoring({ audit: repos.audit, dataDir, intervalMs: HOUR_MS, print: options.print });
    resources.push(() => auditAnchors.stop());
    // --- end of audit anchors ---

    // Monthly trial report (docs/REPORTS.md): at start, then hourly, the previous month once it is over and not yet written.
    const { scheduleMonthlyReports } = await import('../reports/monthly.js');
    const reportsDir = join(dataDir, 'reports');
    const monthlyReports = scheduleMonthlyReports({ repos, reportsDir, print: options.print, intervalMs: HOUR_MS });
    resources.push(() => monthlyReports.stop());

    const evidence = createEvidenceService({
      dataDir,
      db: store.db,
      repos,
      config: async () => (await repos.config.current())?.config ?? null,
      vigieVersion: VIGIE_VERSION,
      // One worker: an anonymised export must not starve the live cameras of detector time.
      anonymize: { workers: 1 },
    });
    // Blurred footage cache: renders older than an hour, or whose segments retention removed, are deleted (docs/RECORDING.md).
    const footageSweep = scheduleRetention(() => evidence.sweepFootage(), { intervalMs: 10 * 60_000, onError: (err: unknown) => options.print(`footage cache sweep failed: ${String(err)}`) });
    resources.push(() => footageSweep.stop());
    const deps: ServerDeps = {
      repos,
      sessions,
      hasher,
      cameras,
      live,
      snapshotDir,
      snapshotPending: (eventId) => eventWrites.pendingSnapshot(eventId),
      retention,
      evidence,
      version: VIGIE_VERSION,
      allowInsecureLocalhost: options.tls === undefined,
      now: Date.now,
      recordings: { index: segmentIndex, recordingsDir, status: () => recorders.status() },
      reportsDir,
      fileSources,
      metrics: { contentType: metrics.contentType, render: () => metrics.render(), token: options.metricsToken ?? metricsTokenFromEnv(process.env) },
      integrations,
      healthProbes: {
        pingDatabase: databasePing(store.db),
        recordingsFreeBytes: () => statfsFreeSpace(recordingsDir),
        minFreeMb: () => minFreeMb,
        detector: () => pool?.stats() ?? null,
      },
    };
    const app = await createHttpServer(deps, { ...(options.tls ? { tls: options.tls } : {}), ...(options.httpLog ? { logger: { stream: options.httpLog } } : {}) });
    resources.push(async () => {
      live.closeAll();
      // A blurred render can take minutes: stop it first, or app.close() would wait for its request.
      await evidence.close();
      await app.close();
    });
    const address = await app.listen({ port: options.port, host: options.host }).catch((err: unknown) => {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' || code === 'EACCES') throw new StartError(`cannot listen on ${options.host}:${options.port} (${code === 'EADDRINUSE' ? 'port already in use' : 'permission denied'}): choose another with --port`);
      throw err;
    });
    return { url: address.replace('127.0.0.1', 'localhost'), app, repos, cameras, integrations, detectorStats: () => pool?.stats() ?? null, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/**
 * The repositories, with camera credentials sealed by the secrets key (kept outside
 * the database, docs/SECURITY.md); sources stored in clear by an older Vigie are sealed now.
 */
export async function openRepositories(store: StoreDatabase, dataDir: string, print: (line: string) => void): Promise<Repositories> {
  try {
    const sealedDataExists = await createConfigRepository(store.db).hasSealedSecrets();
    const { box, created } = openSecretBox({ dataDir, env: process.env, sealedDataExists });
    if (created) print(`created the secrets key ${box.keyFile}: back it up apart from the database, the camera credentials cannot be read without it`);
    const repos: Repositories = { ...createRepositories(store.db), config: createConfigRepository(store.db, { secrets: box }) };
    const sealed = await repos.config.sealPlainSecrets();
    if (sealed > 0) print(`camera credentials of ${sealed} stored configuration version(s) are now encrypted with ${box.keyFile}`);
    await repos.config.current(); // a wrong key is reported now, not at the first API call
    return repos;
  } catch (err) {
    await store.close();
    throw err instanceof SecretKeyError ? new StartError(err.message) : err;
  }
}

/**
 * Which file sources the API may set: inside the folders the IT admin allowed, or, per camera, the one
 * of the config file given now or last imported (a version saved by no user). A file source saved
 * through the API is never in that set, so a restart cannot make it trusted.
 */
async function fileSourcePolicy(repos: Repositories, options: StartOptions): Promise<FileSourcePolicy> {
  const allowedDirs = [...(options.allowFileSources ?? []), ...allowedDirsFromEnv(process.env.VIGIE_ALLOW_FILE_SOURCES)];
  if (options.config) return { allowedDirs, trusted: trustedFileSources(options.config) };
  const imported = (await repos.config.history(Number.MAX_SAFE_INTEGER)).find((v) => v.createdBy === null);
  return { allowedDirs, trusted: trustedFileSources(imported ? (await repos.config.get(imported.version))?.config : null) };
}

/** The database is the source of truth; a config file given at start is imported as a new version when it differs. */
async function loadConfig(repos: Repositories, options: StartOptions): Promise<VigieConfig> {
  const current = await repos.config.current();
  if (options.config && !sameJson(current?.config, options.config)) {
    const version = await repos.config.save(options.config, { userId: null, comment: `imported from ${options.configOrigin ?? 'a file'}` });
    options.print(`configuration ${options.configOrigin ?? ''} imported as version ${version}`);
    return options.config;
  }
  return current?.config ?? emptyConfig();
}
