import { afterEach, describe, expect, it } from 'vitest';
import {
  createDetectorPool,
  DetectorPoolClosedError,
  DetectorWorkerCrashedError,
  type DetectorPool,
} from '../../src/vision/detect/pool.js';

const FAKE_WORKER = new URL('../helpers/detect-fake-worker.ts', import.meta.url);

function frame(first: number, width = 4, height = 2) {
  const data = new Uint8Array(width * height * 3);
  data[0] = first;
  return { data, width, height };
}

/** x1 of the single fake detection: the first byte of the frame it saw. */
async function firstByteSeen(p: Promise<readonly { box: readonly number[] }[]> | null): Promise<number | undefined> {
  if (p === null) throw new Error('frame was dropped');
  return (await p)[0]?.box[0];
}

let pool: DetectorPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe('detector pool (fake worker)', () => {
  it('answers each frame with its own result, across workers', async () => {
    pool = await createDetectorPool({ size: 2, workerModule: FAKE_WORKER });
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => firstByteSeen(pool!.detect(frame(i)))));
    expect(results).toEqual([1, 2, 3, 4, 5]);
    expect(pool.stats()).toMatchObject({ size: 2, ready: 2, completed: 5, failed: 0, dropped: 0 });
    expect(pool.name).toBe('pool(fakex2)');
  });

  it('makes detect() wait for room when the queue is full (back-pressure)', async () => {
    pool = await createDetectorPool({ size: 1, queueCapacity: 1, workerModule: FAKE_WORKER });
    const a = pool.detect(frame(10));
    const b = pool.detect(frame(11));
    const c = pool.detect(frame(12));
    expect(pool.stats()).toMatchObject({ busy: 1, queued: 1, waiting: 1 });
    expect(await Promise.all([firstByteSeen(a), firstByteSeen(b), firstByteSeen(c)])).toEqual([10, 11, 12]);
    expect(pool.stats()).toMatchObject({ completed: 3, waiting: 0, dropped: 0 });
  });

  it('tryDetect() returns null and counts a drop when the queue is full', async () => {
    pool = await createDetectorPool({ size: 1, queueCapacity: 1, workerModule: FAKE_WORKER });
    const a = pool.tryDetect(frame(20));
    const b = pool.tryDetect(frame(21));
    const c = pool.tryDetect(frame(22));
    expect(a).not.toBeNull();
    expect(b).not.toBeNull();
    expect(c).toBeNull();
    expect(pool.stats().dropped).toBe(1);
    expect(await Promise.all([firstByteSeen(a), firstByteSeen(b)])).toEqual([20, 21]);
    // Room again once the frames are answered.
    expect(await firstByteSeen(pool.tryDetect(frame(23)))).toBe(23);
    expect(pool.stats()).toMatchObject({ dropped: 1, completed: 3 });
  });

  it('tryDetect() drops while detect() callers are waiting, so waiting callers keep their turn', async () => {
    pool = await createDetectorPool({ size: 1, queueCapacity: 0, workerModule: FAKE_WORKER });
    const a = pool.detect(frame(1));
    const b = pool.detect(frame(2));
    expect(pool.tryDetect(frame(3))).toBeNull();
    expect(await Promise.all([firstByteSeen(a), firstByteSeen(b)])).toEqual([1, 2]);
  });

  it('copies the pixels by default: the caller may reuse its buffer at once', async () => {
    pool = await createDetectorPool({ size: 1, workerModule: FAKE_WORKER });
    const f = frame(42);
    const pending = pool.detect(f);
    f.data[0] = 99; // a frame source reusing its buffer
    expect(await firstByteSeen(pending)).toBe(42);
    expect(f.data.length).toBe(24);
  });

  it('with transfer: true, moves a whole ArrayBuffer (the caller view detaches) and keeps copying views into larger buffers', async () => {
    pool = await createDetectorPool({ size: 1, workerModule: FAKE_WORKER });
    const owned = frame(7 * 9);
    expect(await firstByteSeen(pool.detect(owned, { transfer: true }))).toBe(63);
    expect(owned.data.byteLength).toBe(0);

    const big = new Uint8Array(100);
    big[10] = 5;
    const view = { data: big.subarray(10, 34), width: 4, height: 2 };
    expect(await firstByteSeen(pool.detect(view, { transfer: true }))).toBe(5);
    expect(big.byteLength).toBe(100);
  });

  it('rejects a malformed frame without sending it', async () => {
    pool = await createDetectorPool({ size: 1, workerModule: FAKE_WORKER });
    await expect(pool.detect({ data: new Uint8Array(5), width: 4, height: 2 })).rejects.toThrow(/needs 24/);
    await expect(pool.tryDetect({ data: new Uint8Array(24), width: 0, height: 2 })).rejects.toThrow(/positive integers/);
  });

  it('reports a detector error for that frame and keeps the worker', async () => {
    pool = await createDetectorPool({ size: 1, workerModule: FAKE_WORKER });
    await expect(pool.detect(frame(1, 7, 1))).rejects.toThrow(/refused a 7-pixel-wide frame/);
    expect(await firstByteSeen(pool.detect(frame(8)))).toBe(8);
    expect(pool.stats()).toMatchObject({ failed: 1, completed: 1, restarts: 0 });
  });

  it('restarts a crashed worker and rejects only the frame it was detecting', async () => {
    pool = await createDetectorPool({ size: 1, queueCapacity: 2, workerModule: FAKE_WORKER });
    const crashing = pool.detect(frame(1, 13, 1));
    const next = pool.detect(frame(2)); // queued behind the crash: served by the new worker
    await expect(crashing).rejects.toBeInstanceOf(DetectorWorkerCrashedError);
    await expect(crashing).rejects.toThrow(/worker 0 crashed while detecting this frame \(Error: fake detector crashed on purpose\); it is being restarted/);
    expect(await firstByteSeen(next)).toBe(2);
    expect(pool.stats()).toMatchObject({ restarts: 1, failed: 1, completed: 1, ready: 1 });
  });

  it('fails creation with the worker error when the detector cannot start', async () => {
    await expect(
      createDetectorPool({ size: 2, workerModule: FAKE_WORKER, detector: { failInit: true } as never }),
    ).rejects.toThrow(/detector worker \d failed to start: Error: fake detector could not load its model/);
  });

  it('close() rejects unanswered frames and later calls', async () => {
    pool = await createDetectorPool({ size: 1, queueCapacity: 1, workerModule: FAKE_WORKER });
    const inFlight = pool.detect(frame(1));
    const queued = pool.detect(frame(2));
    const waiting = pool.detect(frame(3));
    const outcomes = Promise.allSettled([inFlight, queued, waiting]);
    await pool.close();
    for (const outcome of await outcomes) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(DetectorPoolClosedError);
    }
    await expect(pool.detect(frame(4))).rejects.toThrow(/detector pool is closed: close\(\) was called/);
    await pool.close(); // idempotent
    expect(pool.stats().ready).toBe(0);
  });
});
