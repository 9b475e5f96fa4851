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
  /**
   * True when a message sent under `lease` and stored in the stream at `storedAtMs`
   * (server clock) comes from a holder that had lost the camera: a newer lease was
   * claimed before the message was stored (or when that claim's time is unknown).
   */
  readonly isFenced: (lease: CameraLease, storedAtMs: number) => boolean;
  stop(): Promise<void>;
}

const leaseValueSchema = z.object({ worker: z.string(), epoch: z.number().int().nonnegative(), claimedAtMs: z.number().nullable().optional() });

/** Claims remembered per camera: enough for any message still in flight to find the lease that followed its own. */
const CLAIMS_KEPT = 8;

interface Claim {
  readonly epoch: number;
  /** The server's time of the claim; null when the holder could not read it (then fenced by epoch alone). */
  readonly claimedAtMs: number | null;
}

/** Fencing rule (pure): see LeaseView.isFenced. `claims` are the camera's known claims, any order. */
export function isFencedBy(claims: readonly Claim[], lease: CameraLease, storedAtMs: number): boolean {
  let next: Claim | null = null;
  for (const claim of claims) if (claim.epoch > lease.epoch && (next === null || claim.epoch < next.epoch)) next = claim;
  if (next === null) return false;
  return next.claimedAtMs === null || storedAtMs >= next.claimedAtMs;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Watches the lease bucket (waiting for it to exist: the first worker creates it).
 * A deleted or expired lease keeps its camera's claims, so a late message from its
 * old holder still passes until a new claim exists.
 */
export function watchLeases(nc: NatsConnection, options: { readonly bucket?: string; readonly onLog?: (line: string) => void } = {}): LeaseView {
  const bucket = options.bucket ?? LEASE_BUCKET;
  const claims = new Map<string, Claim[]>();
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
          const known = claims.get(camera) ?? [];
          const { epoch, claimedAtMs = null } = parsed.data;
          if (known.some((c) => c.epoch === epoch && c.claimedAtMs === claimedAtMs)) continue;
          claims.set(camera, [...known.filter((c) => c.epoch !== epoch), { epoch, claimedAtMs }].sort((a, b) => b.epoch - a.epoch).slice(0, CLAIMS_KEPT));
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
    epochOf: (camera) => claims.get(camera)?.[0]?.epoch ?? null,
    isFenced: (lease, storedAtMs) => isFencedBy(claims.get(lease.camera) ?? [], lease, storedAtMs),
    async stop() {
      stopped = true;
      iterator?.stop();
      await running;
    },
  };
}
