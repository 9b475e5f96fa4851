/**
 * One worker's leases: it registers the worker (`worker.<id>`), claims cameras
 * with `create` (fails while another worker holds them), renews every lease with
 * a compare-and-set on its last revision, and releases them on a graceful stop.
 *
 * Fencing: a lease is lost when its compare-and-set fails (the entry expired,
 * or another worker now holds the camera), or when no renewal was confirmed for
 * a whole TTL: by then the bucket has expired it (its clock starts when the
 * server stored the renewal, after we sent it). `onLost` is then called at once,
 * and `lease()` answers null from that moment even before a timer ran, so a
 * process that was paused (SIGSTOP, a long GC, a frozen VM) stops its cameras
 * and publishes nothing for them as soon as it runs again.
 */
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import type { CameraLease } from '../bus/types.js';
import { cameraKey, encodeValue, LeaseBucketError, workerKey } from './lease-bucket.js';

export interface LeaseKeeperOptions {
  readonly kv: KV;
  readonly worker: string;
  /** The bucket's TTL (ms). */
  readonly ttlMs: number;
  /** Renewal period (ms); default TTL / 3. */
  readonly heartbeatMs?: number;
  /** Most cameras this worker runs (published with its load); null: unlimited. */
  readonly capacity: number | null;
  /** A lease was lost (`taken`: the compare-and-set failed; `expired`: no renewal confirmed for a TTL). */
  readonly onLost: (camera: string, reason: 'taken' | 'expired') => void;
  readonly onLog?: (line: string) => void;
  readonly now?: () => number;
}

export interface LeaseKeeper {
  /**
   * Registers the worker: fails while a live worker has the same id, after
   * waiting one TTL for the registration of a previous run (killed) to expire.
   */
  start(): Promise<void>;
  /** Claims a camera: its lease, or null when another worker holds it. */
  claim(camera: string): Promise<CameraLease | null>;
  /** Gives a camera up (deletes the entry at our revision: others may take it at once). */
  release(camera: string): Promise<void>;
  /** The camera's lease while it is held and confirmed within the TTL, else null. */
  lease(camera: string): CameraLease | null;
  /** Cameras held now. */
  cameras(): string[];
  /** Stops renewing; releases every lease and the registration. */
  stop(): Promise<void>;
}

interface Held {
  readonly epoch: number;
  /** The NATS server's clock when the claim was stored (null if it could not be read). */
  readonly claimedAtMs: number | null;
  revision: number;
  /** When the last renewal that succeeded was sent (or the claim). */
  confirmedAtMs: number;
}

const isCasFailure = (err: unknown): boolean =>
  err instanceof JetStreamApiError &&
  (err.code === JetStreamApiCodes.StreamWrongLastSequence || err.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function createLeaseKeeper(options: LeaseKeeperOptions): LeaseKeeper {
  const { kv, worker, ttlMs } = options;
  const now = options.now ?? Date.now;
  const heartbeatMs = options.heartbeatMs ?? Math.floor(ttlMs / 3);
  const tickMs = Math.min(250, heartbeatMs);
  const held = new Map<string, Held>();
  const registration = { revision: 0 };
  let timer: NodeJS.Timeout | null = null;
  let beating: Promise<void> | null = null;
  let lastBeatMs = 0;
  let failing = false;

  const fresh = (h: { confirmedAtMs: number }): boolean => now() - h.confirmedAtMs < ttlMs;
  const lose = (camera: string, reason: 'taken' | 'expired'): void => {
    if (!held.delete(camera)) return;
    options.onLost(camera, reason);
  };
  const workerValue = (): string => encodeValue({ worker, cameras: held.size, capacity: options.capacity, heartbeatAtMs: now() });

  const register = async (): Promise<void> => {
    registration.revision = await kv.create(workerKey(worker), workerValue());
  };

  const renew = async (camera: string, h: Held): Promise<void> => {
    const sentAt = now();
    try {
      h.revision = await kv.update(cameraKey(camera), encodeValue({ worker, epoch: h.epoch, claimedAtMs: h.claimedAtMs, heartbeatAtMs: sentAt }), h.revision);
      h.confirmedAtMs = sentAt;
      // Given up locally (expired) while this renewal was on its way: free the entry now rather than after a TTL.
      if (held.get(camera) !== h) await kv.delete(cameraKey(camera), { previousSeq: h.revision });
    } catch (err) {
      if (isCasFailure(err)) lose(camera, 'taken');
      else throw err;
    }
  };

  const renewRegistration = async (): Promise<void> => {
    try {
      registration.revision = await kv.update(workerKey(worker), workerValue(), registration.revision);
    } catch (err) {
      if (!isCasFailure(err)) throw err;
      // Expired while we were away (paused): register again so peers count us as live.
      await register();
    }
  };

  const beat = async (): Promise<void> => {
    lastBeatMs = now();
    const results = await Promise.allSettled([renewRegistration(), ...[...held].map(([camera, h]) => renew(camera, h))]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed && !failing) options.onLog?.(`lease renewal failed, retrying: ${String(failed.reason)}`);
    if (!failed && failing) options.onLog?.('lease renewals work again');
    failing = failed !== undefined;
  };

  const tick = (): void => {
    for (const [camera, h] of held) if (!fresh(h)) lose(camera, 'expired');
    if (beating === null && now() - lastBeatMs >= heartbeatMs) {
      beating = beat().finally(() => (beating = null));
    }
  };

  const release = async (camera: string): Promise<void> => {
    // A renewal in flight would move the revision under the delete.
    await beating;
    const h = held.get(camera);
    if (!h) return;
    held.delete(camera);
    try {
      await kv.delete(cameraKey(camera), { previousSeq: h.revision });
    } catch (err) {
      if (!isCasFailure(err)) throw err; // already someone else's: nothing to give up
    }
  };

  return {
    async start() {
      const deadline = now() + ttlMs + heartbeatMs;
      for (;;) {
        try {
          await register();
          break;
        } catch (err) {
          if (!isCasFailure(err)) throw err;
          if (now() >= deadline) {
            throw new LeaseBucketError(`a worker named ${worker} is already running (its registration keeps being renewed): give this one another --worker-id`);
          }
          await sleep(Math.min(500, heartbeatMs));
        }
      }
      lastBeatMs = now();
      timer = setInterval(tick, tickMs);
    },
    async claim(camera) {
      const sentAt = now();
      try {
        const epoch = await kv.create(cameraKey(camera), encodeValue({ worker, epoch: null, heartbeatAtMs: sentAt }));
        // The server's time of the claim: API nodes drop the previous holder's messages stored after it (fencing).
        const claimedAtMs = (await kv.get(cameraKey(camera), { revision: epoch }))?.created.getTime() ?? null;
        // Write the epoch at once: API nodes read it from the value to fence the previous holder's messages.
        const revision = await kv.update(cameraKey(camera), encodeValue({ worker, epoch, claimedAtMs, heartbeatAtMs: now() }), epoch);
        held.set(camera, { epoch, claimedAtMs, revision, confirmedAtMs: sentAt });
        return { camera, worker, epoch };
      } catch (err) {
        if (isCasFailure(err)) return null;
        throw err;
      }
    },
    release,
    lease(camera) {
      const h = held.get(camera);
      return h && fresh(h) ? { camera, worker, epoch: h.epoch } : null;
    },
    cameras: () => [...held.keys()],
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await beating;
      const cameras = [...held.keys()];
      const results = await Promise.allSettled(cameras.map((camera) => release(camera)));
      results.forEach((r, i) => {
        if (r.status === 'rejected') options.onLog?.(`lease of camera ${cameras[i]} not released (it expires in ${ttlMs / 1000} s): ${String(r.reason)}`);
      });
      if (registration.revision > 0) {
        await kv.delete(workerKey(worker), { previousSeq: registration.revision }).catch((err: unknown) => {
          if (!isCasFailure(err)) options.onLog?.(`worker registration not removed (it expires in ${ttlMs / 1000} s): ${String(err)}`);
        });
      }
    },
  };
}
