/**
 * The checks behind `GET /api/health`: each probe is cheap and bounded in time,
 * and `overallStatus` (pure) turns their results into `ok` | `degraded` | `down`.
 * Only an unreachable database makes the server `down` (HTTP 503): without it
 * no event can be stored, so a load balancer or watchdog should act.
 */
import type { CameraHealth } from '../pipeline/health.js';
import type { RecorderStatus } from '../recording/index.js';
import type { DetectorPoolStats } from '../vision/detect/pool.js';

export type CheckStatus = 'ok' | 'degraded' | 'down';

export interface DatabaseCheck {
  readonly status: 'ok' | 'down';
  readonly message?: string;
}
export interface DiskCheck {
  readonly status: 'ok' | 'degraded';
  /** Free bytes of the recordings folder's filesystem; null when it could not be read. */
  readonly freeBytes: number | null;
  /** `recording.min_free_mb`, in bytes. */
  readonly minFreeBytes: number;
  readonly message?: string;
}
export interface DetectorCheck {
  readonly status: 'ok' | 'degraded';
  /** Worker threads configured; 0 when no pool runs (every camera uses the motion backend). */
  readonly size: number;
  /** Workers started and ready. */
  readonly ready: number;
  readonly restarts: number;
  readonly message?: string;
}
export interface SimpleCheck {
  readonly status: 'ok' | 'degraded';
  readonly message?: string;
}

export interface HealthChecks {
  readonly database: DatabaseCheck;
  readonly disk: DiskCheck;
  readonly detector: DetectorCheck;
  readonly cameras: SimpleCheck;
  readonly recorders: SimpleCheck;
}

/** What the health route reads; built by the runtime. */
export interface HealthProbes {
  /** Runs a trivial query; rejects when the database cannot answer. */
  pingDatabase(): Promise<void>;
  /** Free bytes of the filesystem holding the recordings. */
  recordingsFreeBytes(): Promise<number>;
  /** `recording.min_free_mb` of the running configuration. */
  minFreeMb(): number;
  detector(): DetectorPoolStats | null;
}

/** A database that does not answer within this is as good as down for a load balancer. */
export const DATABASE_PING_TIMEOUT_MS = 1000;
export const DISK_PROBE_TIMEOUT_MS = 1000;

/** Resolves with the promise, or rejects with a message naming `what` after `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const oneLine = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'unknown error';

export async function checkDatabase(probes: HealthProbes): Promise<DatabaseCheck> {
  try {
    await withTimeout(probes.pingDatabase(), DATABASE_PING_TIMEOUT_MS, 'the database');
    return { status: 'ok' };
  } catch (err) {
    return { status: 'down', message: `database unreachable: ${oneLine(err)}; check the data folder's disk and the server log` };
  }
}

export async function checkDisk(probes: HealthProbes): Promise<DiskCheck> {
  const minFreeBytes = probes.minFreeMb() * 1024 * 1024;
  let freeBytes: number;
  try {
    freeBytes = await withTimeout(probes.recordingsFreeBytes(), DISK_PROBE_TIMEOUT_MS, 'the recordings disk');
  } catch (err) {
    return { status: 'degraded', freeBytes: null, minFreeBytes, message: `free space of the recordings disk unknown: ${oneLine(err)}` };
  }
  if (freeBytes < minFreeBytes) {
    const mib = Math.floor(freeBytes / (1024 * 1024));
    return { status: 'degraded', freeBytes, minFreeBytes, message: `${mib} MiB free on the recordings disk, below recording.min_free_mb (${probes.minFreeMb()}): free space or lower retention` };
  }
  return { status: 'ok', freeBytes, minFreeBytes };
}

export function checkDetector(stats: DetectorPoolStats | null): DetectorCheck {
  if (!stats) return { status: 'ok', size: 0, ready: 0, restarts: 0, message: 'no detector pool (every camera uses the motion backend)' };
  const base = { size: stats.size, ready: stats.ready, restarts: stats.restarts };
  if (stats.ready === 0) return { status: 'degraded', ...base, message: `no detector worker is ready (of ${stats.size}): model cameras only track motion; see the server log` };
  if (stats.ready < stats.size) return { status: 'degraded', ...base, message: `${stats.ready} of ${stats.size} detector workers ready (the others are restarting)` };
  return { status: 'ok', ...base };
}

export function checkCameras(cameras: readonly CameraHealth[]): SimpleCheck {
  const troubled = cameras.filter((c) => c.state === 'degraded' || c.state === 'offline');
  if (troubled.length === 0) return { status: 'ok' };
  return { status: 'degraded', message: `camera(s) ${troubled.map((c) => `${c.camera} ${c.state}`).join(', ')}` };
}

export function checkRecorders(recorders: readonly RecorderStatus[]): SimpleCheck {
  const failing = recorders.filter((r) => r.state === 'disk_full' || r.state === 'error');
  if (failing.length === 0) return { status: 'ok' };
  return { status: 'degraded', message: `recorder(s) ${failing.map((r) => `${r.camera} ${r.state}`).join(', ')}` };
}

/** `down` when the database is down; `degraded` when any other check is; else `ok`. */
export function overallStatus(checks: HealthChecks): CheckStatus {
  if (checks.database.status === 'down') return 'down';
  const others = [checks.disk, checks.detector, checks.cameras, checks.recorders];
  return others.some((c) => c.status !== 'ok') ? 'degraded' : 'ok';
}
