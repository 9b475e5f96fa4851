/**
 * What the API nodes know of camera leases, for fencing: the KV bucket
 * `vigie_leases` (written by the workers' lease keeper) holds, per camera, key
 * `camera.<id>` = JSON `{ "worker", "epoch", ... }`. A change carrying an older
 * epoch than the camera's current lease comes from a worker that lost the camera
 * (it was slow, its lease expired and another worker took over): it is dropped,
 * so two workers never both have their view of one camera stored.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import type { CameraLease } from '../types.js';

export const LEASE_BUCKET = 'vigie_leases';
export const LEASE_KEY_PREFIX = 'camera.';

export interface LeaseView {
  /** The epoch of the camera's latest lease seen; null when none was seen yet. */
  epochOf(camera: string): number | null;
  /** True when `lease` is older than the camera's current lease (its holder lost the camera). */
  readonly isFenced: (lease: CameraLease) => boolean;
  stop(): Promise<void>;
}

const leaseValueSchema = z.object({ worker: z.string(), epoch: z.number().int().nonnegative() });

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Watches the lease bucket (waiting for it to exist: the first worker creates it).
 * Epochs only grow: a deleted or expired lease keeps its camera's last epoch, so a
 * late message from its old holder still passes until a new claim exists.
 */
export function watchLeases(nc: NatsConnection, options: { readonly bucket?: string; readonly onLog?: (line: string) => void } = {}): LeaseView {
  const bucket = options.bucket ?? LEASE_BUCKET;
  const epochs = new Map<string, number>();
  let stopped = false;
  let iterator: { stop(): void } | null = null;

  const run = async (): Promise<void> => {
    let wait = 1000;
    while (!stopped) {
      try {
        const jsm = await jetstreamManager(nc);
        await jsm.streams.info(`KV_${bucket}`); // throws while the bucket does not exist
        const kv = await new Kvm(nc).open(bucket);
        const watch = await kv.watch({ key: `${LEASE_KEY_PREFIX}>` });
        iterator = watch;
        wait = 1000;
        for await (const entry of watch) {
          if (entry.operation !== 'PUT') continue;
          const camera = entry.key.slice(LEASE_KEY_PREFIX.length);
          let json: unknown = null;
          try {
            json = JSON.parse(entry.string());
          } catch {
            // not a lease: ignored below
          }
          const parsed = leaseValueSchema.safeParse(json);
          if (!parsed.success) continue;
          epochs.set(camera, Math.max(epochs.get(camera) ?? 0, parsed.data.epoch));
        }
      } catch (err) {
        if (stopped) break;
        if (wait === 1000) options.onLog?.(`lease view: waiting for the KV bucket ${bucket} (${err instanceof Error ? err.message : String(err)})`);
        await sleep(wait);
        wait = Math.min(2000, wait * 2);
      }
    }
  };
  const running = run();

  return {
    epochOf: (camera) => epochs.get(camera) ?? null,
    isFenced: (lease) => lease.epoch < (epochs.get(lease.camera) ?? 0),
    async stop() {
      stopped = true;
      iterator?.stop();
      await running;
    },
  };
}
