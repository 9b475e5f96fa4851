import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
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

  it('refuses live frames that would be detected later than maxQueueDelayMs at the recent pace', async () => {
    pool = await createDetectorPool({ size: 1, queueCapacity: 100, maxQueueDelayMs: 1000, workerModule: FAKE_WORKER });
    await pool.detect(frame(1)); // the pool learns the pace: the fake takes at least 20 ms a frame
    const accepted = pool.tryDetectAll([frame(2), frame(3)]); // done well within 1 s
    expect(accepted).not.toBeNull();
    // 2 + 50 frames at >= 20 ms each take more than 1 s, although the queue has room for them.
    expect(pool.tryDetectAll(Array.from({ length: 50 }, (_, i) => frame(10 + i)))).toBeNull();
    expect(pool.stats().dropped).toBe(1);
    expect((await accepted!).map((d) => d[0]?.box[0])).toEqual([2, 3]);
  });

  it('always takes a live frame when a worker is idle, even when the recent pace is slower than maxQueueDelayMs', async () => {
    // The fake takes >= 20 ms: slower than the 5-ms bound. A pool that judged only by the pace would
    // refuse every frame from now on and never measure a faster pace again (cameras stuck at 0 fps).
    pool = await createDetectorPool({ size: 1, queueCapacity: 10, maxQueueDelayMs: 5, workerModule: FAKE_WORKER });
    await pool.detect(frame(1));
    for (let i = 0; i < 3; i++) {
      const idle = pool.tryDetect(frame(30 + i));
      expect(idle).not.toBeNull();
      expect(pool.tryDetect(frame(40 + i))).toBeNull(); // the worker is busy: waiting would be too late
      expect(await firstByteSeen(idle)).toBe(30 + i);
    }
    expect(pool.stats()).toMatchObject({ completed: 4, dropped: 3 });
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

describe('detector pool: crops, batches and closing (reporting fake worker)', () => {
  /**
   * A worker module written at test time (only this block uses it): its detector
   * answers one `person` box [0, 0, width, height] over the whole frame it got,
   * with what it saw attached (`seen`), and logs its calls to `payload.options.log`.
   */
  const REPORTING_WORKER_SOURCE = (workerTs: string) => `
import { appendFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { serveDetector } from ${JSON.stringify(workerTs)};
const { log, delayMs } = workerData.payload.options;
serveDetector(parentPort, async () => ({
  name: 'reporting',
  flexibleInput: { step: 32, min: 64, max: 512 },
  async detect(frame) {
    appendFileSync(log, 'detect ' + frame.width + 'x' + frame.height + '\\n');
    await new Promise((r) => setTimeout(r, delayMs));
    appendFileSync(log, 'answer\\n');
    const seen = {
      width: frame.width, height: frame.height, byteLength: frame.data.byteLength, input: frame.input ?? null,
      bytes: Array.from(frame.data),
    };
    return [{ box: [0, 0, frame.width, frame.height], score: 0.9, cls: 'person', seen }];
  },
  async close() {
    appendFileSync(log, 'close\\n');
  },
}));
`;

  interface Seen {
    readonly width: number;
    readonly height: number;
    readonly byteLength: number;
    readonly input: { width: number; height: number } | null;
    readonly bytes: number[];
  }
  const seenOf = (d: { box: readonly number[] } | undefined) => (d as unknown as { seen: Seen }).seen;

  let dir: string;
  let workerUrl: URL;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vigie-pool-test-'));
    const file = path.join(dir, 'reporting-worker.mts');
    writeFileSync(file, REPORTING_WORKER_SOURCE(new URL('../../src/vision/detect/worker.ts', import.meta.url).href));
    workerUrl = pathToFileURL(file);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Starts a pool of the reporting worker; each call gets its own log file. */
  async function reportingPool(opts: { size?: number; queueCapacity?: number; delayMs?: number } = {}) {
    const log = path.join(dir, `log-${Math.random().toString(36).slice(2)}.txt`);
    writeFileSync(log, '');
    const p = await createDetectorPool({
      size: opts.size ?? 1,
      queueCapacity: opts.queueCapacity ?? 1,
      workerModule: workerUrl,
      detector: { log, delayMs: opts.delayMs ?? 20 } as never,
    });
    return { pool: p, log: () => readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) };
  }

  /** A 6x5 frame whose pixel (x, y) is [x, y, 10x + y]. */
  function coordFrame(crop?: { x: number; y: number; width: number; height: number }, input?: { width: number; height: number }) {
    const width = 6;
    const height = 5;
    const data = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([x, y, 10 * x + y], (y * width + x) * 3);
    return { data, width, height, crop, input };
  }

  it('sends a crop as a small frame of exactly its pixels and shifts the boxes back by its place', async () => {
    const r = await reportingPool();
    pool = r.pool;
    expect(pool.flexibleInput).toEqual({ step: 32, min: 64, max: 512 });
    const frame = coordFrame({ x: 2, y: 1, width: 3, height: 2 }, { width: 96, height: 64 });
    const [d] = await pool.detect(frame);
    const seen = seenOf(d);
    expect(seen).toEqual({
      width: 3, height: 2, byteLength: 18, input: { width: 96, height: 64 },
      // Rows y = 1 and 2, columns x = 2..4.
      bytes: [2, 1, 21, 3, 1, 31, 4, 1, 41, 2, 2, 22, 3, 2, 32, 4, 2, 42],
    });
    // The box over the whole crop comes back as the crop in frame pixels.
    expect(d?.box).toEqual([2, 1, 5, 3]);
    expect(d).toMatchObject({ score: 0.9, cls: 'person' });
    expect(frame.data.length).toBe(90); // the caller's frame is untouched
  });

  it('sends full-width crops (whole rows) and the whole frame alike', async () => {
    const r = await reportingPool();
    pool = r.pool;
    const [rows] = await pool.detect(coordFrame({ x: 0, y: 3, width: 6, height: 2 }));
    expect(seenOf(rows).bytes).toEqual(Array.from(coordFrame().data.subarray(3 * 6 * 3)));
    expect(rows?.box).toEqual([0, 3, 6, 5]);
    const [whole] = await pool.detect(coordFrame());
    expect(seenOf(whole)).toMatchObject({ width: 6, height: 5, byteLength: 90, input: null });
    expect(seenOf(whole).bytes).toEqual(Array.from(coordFrame().data));
    expect(whole?.box).toEqual([0, 0, 6, 5]);
  });

  it('rejects a crop outside the frame without sending it', async () => {
    const r = await reportingPool();
    pool = r.pool;
    await expect(pool.detect(coordFrame({ x: 4, y: 0, width: 3, height: 2 }))).rejects.toThrow(/crop 3x2\+4\+0 is not a whole-pixel rectangle inside the 6x5 frame/);
    await expect(pool.tryDetectAll([coordFrame(), coordFrame({ x: 0, y: 0, width: 0, height: 1 })])).rejects.toThrow(RangeError);
    expect(r.log()).toEqual([]);
  });

  it('tryDetectAll takes every frame or none, and counts one drop for a refused batch', async () => {
    const r = await reportingPool({ size: 1, queueCapacity: 1 }); // room for 2 frames
    pool = r.pool;
    const crops = [
      { x: 0, y: 0, width: 2, height: 2 },
      { x: 3, y: 2, width: 3, height: 3 },
      { x: 1, y: 1, width: 1, height: 1 },
    ];
    // Three frames never fit: nothing is sent, one drop.
    expect(pool.tryDetectAll(crops.map((c) => coordFrame(c)))).toBeNull();
    expect(pool.stats()).toMatchObject({ dropped: 1, busy: 0, queued: 0 });
    // Two fit: both are detected, answers in order, each shifted by its crop.
    const both = pool.tryDetectAll(crops.slice(0, 2).map((c) => coordFrame(c)));
    expect(both).not.toBeNull();
    // The queue is now full: a batch of one is refused too.
    expect(pool.tryDetectAll([coordFrame(crops[2])])).toBeNull();
    expect(pool.tryDetect(coordFrame())).toBeNull();
    expect(pool.stats().dropped).toBe(3);
    const answers = await both!;
    expect(answers.map((a) => a.map((d) => d.box))).toEqual([[[0, 0, 2, 2]], [[3, 2, 6, 5]]]);
    expect(answers.map((a) => seenOf(a[0]).bytes.slice(0, 3))).toEqual([[0, 0, 0], [3, 2, 32]]);
    // Room again once answered; the refused frames were never detected.
    const last = await pool.tryDetectAll([coordFrame(crops[2])]);
    expect(last?.[0]?.[0]?.box).toEqual([1, 1, 2, 2]);
    expect(pool.stats()).toMatchObject({ completed: 3, dropped: 3, failed: 0 });
    expect(r.log().filter((l) => l.startsWith('detect'))).toEqual(['detect 2x2', 'detect 3x3', 'detect 1x1']);
    // An empty batch is accepted and answers nothing.
    expect(await pool.tryDetectAll([])).toEqual([]);
  });

  it('tryDetectAll refuses while detect() callers wait for room', async () => {
    const r = await reportingPool({ size: 1, queueCapacity: 0 });
    pool = r.pool;
    const a = pool.detect(coordFrame());
    const b = pool.detect(coordFrame()); // waits
    expect(pool.stats().waiting).toBe(1);
    expect(pool.tryDetectAll([coordFrame()])).toBeNull();
    expect(pool.stats().dropped).toBe(1);
    await Promise.all([a, b]);
  });

  it('close() during a detection rejects the frame, lets the worker finish and release its model, and resolves', async () => {
    const r = await reportingPool({ delayMs: 200 });
    pool = r.pool;
    const pending = pool.detect(coordFrame({ x: 1, y: 1, width: 2, height: 2 }));
    const outcome = pending.then(
      () => 'resolved',
      (err: unknown) => err,
    );
    // Wait until the worker has the frame (bounded, so a lost frame fails the test instead of hanging it).
    for (let i = 0; i < 1000 && !r.log().includes('detect 2x2'); i++) await new Promise((res) => setTimeout(res, 5));
    expect(r.log()).toEqual(['detect 2x2']);
    expect(pool.stats().busy).toBe(1);
    const posted = vi.spyOn(Worker.prototype, 'postMessage');
    const terminate = vi.spyOn(Worker.prototype, 'terminate');
    try {
      await pool.close();
      // Asked to close, and exited by itself: never terminated.
      expect(posted.mock.calls.map((c) => c[0] as unknown)).toEqual([{ type: 'close' }]);
      expect(terminate).not.toHaveBeenCalled();
    } finally {
      posted.mockRestore();
      terminate.mockRestore();
    }
    const err = await outcome;
    expect(err).toBeInstanceOf(DetectorPoolClosedError);
    expect((err as Error).message).toMatch(/detector pool is closed: close\(\) was called/);
    // The worker was asked to close: it finished its frame, then released its detector (not terminated).
    expect(r.log()).toEqual(['detect 2x2', 'answer', 'close']);
    expect(pool.stats()).toMatchObject({ ready: 0, busy: 0, failed: 1, completed: 0 });
    await expect(pool.tryDetectAll([coordFrame()])).rejects.toBeInstanceOf(DetectorPoolClosedError);
  });
});
