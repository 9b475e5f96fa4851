import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createAccountLockout } from '../../src/auth/account-lockout.js';
import { createPasswordHasher } from '../../src/auth/passwords.js';
import { createLoginRateLimiter } from '../../src/auth/rate-limit.js';
import { createSessionService } from '../../src/auth/sessions.js';
import { checkDetector, databasePing, overallStatus, type HealthChecks } from '../../src/metrics/index.js';
import type { CameraHealth } from '../../src/pipeline/health.js';
import { statfsFreeSpace } from '../../src/recording/index.js';
import { createHttpServer } from '../../src/server/app.js';
import type { CameraRuntime } from '../../src/server/deps.js';
import { createLiveHub } from '../../src/server/live-hub.js';
import { createRepositories, openDatabase, type StoreDatabase } from '../../src/store/index.js';
import { makeTempDir } from '../helpers/media-fixtures.js';

interface HealthAnswer {
  readonly status: string;
  readonly checks: Record<string, { readonly status: string; readonly message?: string }>;
  readonly cameras: readonly CameraHealth[];
}

const camera = (id: string, state: CameraHealth['state']): CameraHealth =>
  ({ camera: id, state, since: '2026-11-28T21:00:00.000Z', lastFrameAt: null, analysisFps: 0, targetFps: 5, framesDropped: 0, restarts: 0, lastError: null }) as CameraHealth;

/**
 * The HTTP server on a real SQLite database, with the cameras' health given by the
 * test (a camera offline for good takes 15 s of real time to reach on a live supervisor).
 */
describe('GET /api/health', () => {
  let store: StoreDatabase;
  let app: FastifyInstance;
  let cameras: CameraHealth[] = [];
  let minFreeMb = 0;
  let cleanup: () => Promise<void> = () => Promise.resolve();

  beforeEach(async () => {
    const temp = await makeTempDir();
    cleanup = temp.cleanup;
    store = await openDatabase({ dataDir: temp.dir });
    const repos = createRepositories(store.db);
    const hasher = createPasswordHasher({ memoryCostKiB: 1024, timeCost: 1, parallelism: 1 });
    const runtime: CameraRuntime = { health: () => cameras, latest: () => null, preview: () => null, apply: () => Promise.resolve() };
    app = await createHttpServer({
      repos,
      sessions: createSessionService({ store: repos.sessions, users: repos.users, hasher, limiter: createLoginRateLimiter({ now: Date.now }), lockout: createAccountLockout({ now: Date.now }), now: Date.now }),
      hasher,
      cameras: runtime,
      live: createLiveHub(),
      snapshotDir: temp.dir,
      version: 'test',
      allowInsecureLocalhost: true,
      now: Date.now,
      healthProbes: { pingDatabase: databasePing(store.db), recordingsFreeBytes: () => statfsFreeSpace(temp.dir), minFreeMb: () => minFreeMb, detector: () => null },
    });
    cameras = [camera('quai', 'running')];
    minFreeMb = 0;
  });
  afterEach(async () => {
    await app.close();
    await store.close();
    await cleanup();
  });

  const health = async (): Promise<{ statusCode: number; body: HealthAnswer }> => {
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    return { statusCode: res.statusCode, body: res.json<HealthAnswer>() };
  };

  it('is ok, with every check named, when everything works', async () => {
    const { statusCode, body } = await health();
    expect(statusCode).toBe(200);
    expect(body.status).toBe('ok');
    expect(Object.keys(body.checks).sort()).toEqual(['cameras', 'database', 'detector', 'disk', 'recorders']);
    expect(body.checks.disk).toMatchObject({ status: 'ok' });
    expect(body.cameras.map((c) => c.camera)).toEqual(['quai']);
  });

  it('is degraded (200) when a camera is offline, and names it', async () => {
    cameras = [camera('quai', 'running'), camera('parvis', 'offline')];
    const { statusCode, body } = await health();
    expect(statusCode).toBe(200);
    expect(body.status).toBe('degraded');
    expect(body.checks.cameras?.message).toContain('parvis offline');
  });

  it('is degraded when the recordings disk has less than recording.min_free_mb free', async () => {
    minFreeMb = 1024 * 1024 * 1024; // 1 PiB: more than any test machine has
    const { statusCode, body } = await health();
    expect(statusCode).toBe(200);
    expect(body.status).toBe('degraded');
    expect(body.checks.disk?.message).toMatch(/below recording\.min_free_mb/);
  });

  it('is down with 503 when the database is closed', async () => {
    await store.close();
    const { statusCode, body } = await health();
    expect(statusCode).toBe(503);
    expect(body.status).toBe('down');
    expect(body.checks.database?.status).toBe('down');
    expect(body.checks.database?.message).toMatch(/database unreachable/);
    expect(body.cameras).toHaveLength(1); // the cameras are still reported
  });
});

describe('health status rules', () => {
  const ok: HealthChecks = {
    database: { status: 'ok' },
    disk: { status: 'ok', freeBytes: 1, minFreeBytes: 0 },
    detector: { status: 'ok', size: 2, ready: 2, restarts: 0 },
    cameras: { status: 'ok' },
    recorders: { status: 'ok' },
  };

  it('is down only for the database, degraded for any other failing check', () => {
    expect(overallStatus(ok)).toBe('ok');
    expect(overallStatus({ ...ok, database: { status: 'down' }, disk: { ...ok.disk, status: 'degraded' } })).toBe('down');
    expect(overallStatus({ ...ok, recorders: { status: 'degraded' } })).toBe('degraded');
    expect(overallStatus({ ...ok, detector: checkDetector({ size: 2, ready: 0, busy: 0, queued: 0, waiting: 0, completed: 0, failed: 0, dropped: 0, restarts: 3, detectMsTotal: 0 }) })).toBe('degraded');
  });

  it('does not count a server without a detector pool (motion backend only) against it', () => {
    expect(checkDetector(null).status).toBe('ok');
  });
});
