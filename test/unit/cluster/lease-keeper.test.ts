// Against the NATS server of the machine (NATS_URL, default nats://127.0.0.1:4222), in a bucket of its own.
import { randomBytes } from 'node:crypto';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNats } from '../../../src/bus/nats/connection.js';
import { cameraKey, LeaseBucketError, openLeaseBucket, readCameraLease, readWorkers, type LeaseBucket } from '../../../src/cluster/lease-bucket.js';
import { createLeaseKeeper, type LeaseKeeper } from '../../../src/cluster/lease-keeper.js';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const TTL_MS = 1500;
const BUCKET = `test_leases_${randomBytes(4).toString('hex')}`;

let nc: NatsConnection;
let bucket: LeaseBucket;
let kv: KV;
const keepers: LeaseKeeper[] = [];

beforeAll(async () => {
  // Fails (does not skip) with connectNats's message when the server is down.
  nc = await connectNats(NATS_URL, 'vigie-lease-keeper-test');
  bucket = await openLeaseBucket(nc, { name: BUCKET, ttlMs: TTL_MS });
  kv = bucket.kv;
});
afterAll(async () => {
  await Promise.allSettled(keepers.map((k) => k.stop()));
  await kv?.destroy().catch(() => undefined);
  await nc?.close();
});

const until = async (what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

function keeper(worker: string, lost: string[] = [], over: { kv?: KV } = {}): LeaseKeeper {
  const k = createLeaseKeeper({ kv: over.kv ?? kv, worker, ttlMs: TTL_MS, capacity: 4, onLost: (camera, reason) => lost.push(`${camera}:${reason}`) });
  keepers.push(k);
  return k;
}

/** Blocks this process's event loop, as SIGSTOP would: no timer, no socket read. */
const freeze = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

describe('lease keeper (JetStream KV)', () => {
  it('claims a free camera once: the second claimant is refused; the lease carries the claim revision as epoch', async () => {
    const a = keeper('a1');
    const b = keeper('b1');
    await a.start();
    await b.start();
    const lease = await a.claim('cam-claim');
    expect(lease).toMatchObject({ camera: 'cam-claim', worker: 'a1' });
    expect(await b.claim('cam-claim')).toBeNull();
    expect(await readCameraLease(kv, 'cam-claim')).toEqual(lease);
    expect((await readWorkers(bucket)).map((w) => w.worker).sort()).toEqual(expect.arrayContaining(['a1', 'b1']));
  });

  it('heartbeats keep the lease past its TTL with the same epoch; release frees it at once', async () => {
    const a = keeper('a2');
    await a.start();
    const lease = await a.claim('cam-beat');
    const first = await kv.get(cameraKey('cam-beat'));
    await new Promise((r) => setTimeout(r, TTL_MS * 2));
    const later = await kv.get(cameraKey('cam-beat'));
    expect(later!.revision).toBeGreaterThan(first!.revision);
    expect(await readCameraLease(kv, 'cam-beat')).toEqual(lease);
    expect(a.lease('cam-beat')).toEqual(lease);
    await a.release('cam-beat');
    expect(await readCameraLease(kv, 'cam-beat')).toBeNull();
    const b = keeper('b2');
    await b.start();
    const taken = await b.claim('cam-beat');
    expect(taken!.epoch).toBeGreaterThan(lease!.epoch);
  });

  it('a lease whose holder died expires after the TTL and can be claimed again', async () => {
    const nc2 = await connectNats(NATS_URL, 'vigie-lease-keeper-test-dead');
    const a = createLeaseKeeper({ kv: (await openLeaseBucket(nc2, { name: BUCKET, ttlMs: TTL_MS })).kv, worker: 'a3', ttlMs: TTL_MS, capacity: null, onLost: () => undefined });
    await a.start();
    await a.claim('cam-dead');
    await nc2.close(); // the process is gone: no release, no renewal
    const b = keeper('b3');
    await b.start();
    expect(await b.claim('cam-dead')).toBeNull();
    await until('the dead lease to expire', async () => (await readCameraLease(kv, 'cam-dead')) === null);
    expect(await b.claim('cam-dead')).toMatchObject({ worker: 'b3' });
    expect((await readWorkers(bucket)).map((w) => w.worker)).not.toContain('a3');
  });

  it('a keeper paused longer than the TTL drops the lease as soon as it runs again, and the camera is someone else\'s', async () => {
    const lost: string[] = [];
    const a = keeper('a4', lost);
    await a.start();
    await a.claim('cam-pause');
    freeze(TTL_MS + 1000);
    // Before any timer of the keeper ran: the lease is no longer trusted.
    expect(a.lease('cam-pause')).toBeNull();
    await until('the lease to be lost', () => lost.length > 0);
    expect(lost).toEqual(['cam-pause:expired']);
    const b = keeper('b4');
    await b.start();
    expect(await b.claim('cam-pause')).toMatchObject({ worker: 'b4' });
    // The paused worker is registered again (it is alive), without the camera.
    await until('a4 to be registered again', async () => (await readWorkers(bucket)).some((w) => w.worker === 'a4'));
    expect(a.cameras()).toEqual([]);
  });

  it('a failed compare-and-set (the entry changed under it) loses the lease: onLost, fenced', async () => {
    const lost: string[] = [];
    const a = keeper('a5', lost);
    await a.start();
    await a.claim('cam-cas');
    // Another writer took the key (e.g. after an expiry the paused keeper did not notice yet).
    await kv.put(cameraKey('cam-cas'), JSON.stringify({ worker: 'intruder', epoch: null, heartbeatAtMs: Date.now() }));
    await until('the lease to be lost', () => lost.length > 0);
    expect(lost).toEqual(['cam-cas:taken']);
    expect(a.lease('cam-cas')).toBeNull();
    expect(await readCameraLease(kv, 'cam-cas')).toMatchObject({ worker: 'intruder' });
  });

  it('stop() releases every lease and the registration', async () => {
    const a = keeper('a6');
    await a.start();
    await a.claim('cam-stop1');
    await a.claim('cam-stop2');
    await a.stop();
    expect(await readCameraLease(kv, 'cam-stop1')).toBeNull();
    expect(await readCameraLease(kv, 'cam-stop2')).toBeNull();
    expect((await readWorkers(bucket)).map((w) => w.worker)).not.toContain('a6');
  });

  it('refuses a second live worker with the same id', async () => {
    const a = keeper('a7');
    await a.start();
    await expect(keeper('a7').start()).rejects.toThrow(/already running.*--worker-id/);
  });

  it('refuses a TTL that differs from the bucket\'s', async () => {
    await expect(openLeaseBucket(nc, { name: BUCKET, ttlMs: TTL_MS * 2 })).rejects.toThrow(LeaseBucketError);
    expect((await new Kvm(nc).open(BUCKET).then((b) => b.status())).ttl).toBe(TTL_MS);
  });
});
