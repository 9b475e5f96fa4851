/**
 * The lease bucket (docs/SCALE-OUT.md, "Workers and leases"): a JetStream
 * key-value bucket, one entry per leased camera and one per live worker, each
 * expiring TTL after its last heartbeat (the bucket's max age, history 1).
 *
 *   camera.<id>  {worker, epoch, claimedAtMs, heartbeatAtMs}   who runs the camera, since when (server clock)
 *   worker.<id>  {worker, cameras, capacity, heartbeatAtMs}   live workers and their load
 *
 * A camera's epoch is the revision of the entry that created the claim: the
 * claim itself is written with `epoch: null` (its revision is not known before
 * the write), and readers take the entry's revision then; heartbeats write it.
 * NATS 2.9 removes an expired entry without a tombstone and tells no watcher:
 * readers poll.
 */
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm, type KV, type KvEntry } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import { LEASE_BUCKET } from '../bus/nats/lease-view.js';
import type { CameraLease } from '../bus/types.js';

export { LEASE_BUCKET };
export const DEFAULT_LEASE_TTL_MS = 6_000;

/** The lease bucket cannot be used as asked (printed on one line). */
export class LeaseBucketError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LeaseBucketError';
  }
}

export const cameraKey = (camera: string): string => `camera.${camera}`;
export const workerKey = (worker: string): string => `worker.${worker}`;

const cameraValueSchema = z.object({ worker: z.string().min(1), epoch: z.number().int().positive().nullable(), claimedAtMs: z.number().nullable().optional(), heartbeatAtMs: z.number() });
const workerValueSchema = z.object({
  worker: z.string().min(1),
  cameras: z.number().int().nonnegative(),
  capacity: z.number().int().positive().nullable(),
  heartbeatAtMs: z.number(),
});
export type CameraLeaseValue = z.infer<typeof cameraValueSchema>;
export type WorkerRecord = z.infer<typeof workerValueSchema>;

/** The bucket, and what lists its keys without a consumer (its stream's subjects). */
export interface LeaseBucket {
  readonly kv: KV;
  readonly name: string;
  readonly jsm: JetStreamManager;
}

/**
 * Opens the bucket, creating it on first use (file storage: leases survive a NATS
 * restart). Every process must use the same TTL: the first one sets it.
 */
export async function openLeaseBucket(nc: NatsConnection, options: { readonly name?: string; readonly ttlMs?: number } = {}): Promise<LeaseBucket> {
  const name = options.name ?? LEASE_BUCKET;
  const ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  const kv = await new Kvm(nc).create(name, { history: 1, ttl: ttlMs, storage: 'file' });
  const { ttl } = await kv.status();
  if (ttl !== ttlMs) {
    throw new LeaseBucketError(
      `the lease bucket ${name} expires leases after ${ttl / 1000} s, not ${ttlMs / 1000} s: give every worker the same --lease-ttl (or delete the bucket while no worker runs)`,
    );
  }
  return { kv, name, jsm: await jetstreamManager(nc) };
}

const live = (entry: KvEntry | null): entry is KvEntry => entry !== null && entry.operation === 'PUT';

function decode<T>(entry: KvEntry, schema: z.ZodType<T>): T | null {
  try {
    const parsed = schema.safeParse(entry.json());
    return parsed.success ? parsed.data : null;
  } catch {
    return null; // not JSON: not written by Vigie, treated as absent
  }
}

/** A camera entry as the lease it stands for (epoch: the claim's revision until a heartbeat wrote it). */
export function leaseOfEntry(camera: string, entry: KvEntry): CameraLease | null {
  const value = decode(entry, cameraValueSchema);
  return value ? { camera, worker: value.worker, epoch: value.epoch ?? entry.revision } : null;
}

/** The camera's current lease, null when no worker holds it (API nodes fence stale messages with it). */
export async function readCameraLease(kv: KV, camera: string): Promise<CameraLease | null> {
  const entry = await kv.get(cameraKey(camera));
  return live(entry) ? leaseOfEntry(camera, entry) : null;
}

/**
 * Live workers: those whose `worker.<id>` entry has not expired. Their keys are the
 * subjects of the bucket's stream (one request; `kv.keys()` would create a
 * consumer at every round).
 */
export async function readWorkers(bucket: LeaseBucket): Promise<WorkerRecord[]> {
  const prefix = `$KV.${bucket.name}.`;
  const info = await bucket.jsm.streams.info(`KV_${bucket.name}`, { subjects_filter: `${prefix}worker.>` });
  const keys = Object.keys(info.state.subjects ?? {}).map((subject) => subject.slice(prefix.length));
  const entries = await Promise.all(keys.map((key) => bucket.kv.get(key)));
  return entries.filter(live).flatMap((entry) => decode(entry, workerValueSchema) ?? []);
}

/** The leases of these cameras (absent: free). */
export async function readLeases(kv: KV, cameras: readonly string[]): Promise<Map<string, CameraLease>> {
  const leases = await Promise.all(cameras.map((camera) => readCameraLease(kv, camera)));
  return new Map(leases.flatMap((lease) => (lease ? [[lease.camera, lease] as const] : [])));
}

export const encodeValue = (value: CameraLeaseValue | WorkerRecord): string => JSON.stringify(value);
