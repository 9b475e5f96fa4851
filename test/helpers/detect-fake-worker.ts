/**
 * A worker module for pool tests: serves a fake detector instead of CenterNet, so
 * the pool's queueing, transfer and crash handling are tested in milliseconds.
 * Its answer encodes the frame: one `person` box [data[0], data[1], data[0]+1, data[1]+1].
 * - width 13: the thread crashes (uncaught error) while detecting;
 * - width 7: detect() rejects (the worker survives);
 * - payload.options.failInit: the detector cannot be created.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Detector } from '../../src/vision/detect/detector.js';
import { serveDetector, type DetectorWorkerData } from '../../src/vision/detect/worker.js';

/** Fake detection time, so several frames are in flight at once. */
const FAKE_DETECT_DELAY_MS = 20;

const payload = (workerData as DetectorWorkerData).payload as { options?: { failInit?: boolean } };

const fake: Detector = {
  name: 'fake',
  async detect(frame) {
    await new Promise((r) => setTimeout(r, FAKE_DETECT_DELAY_MS));
    if (frame.width === 13) {
      setImmediate(() => {
        throw new Error('fake detector crashed on purpose');
      });
      return new Promise(() => {});
    }
    if (frame.width === 7) throw new Error('fake detector refused a 7-pixel-wide frame');
    const a = frame.data[0] ?? 0;
    const b = frame.data[1] ?? 0;
    return [{ box: [a, b, a + 1, b + 1], score: 1, cls: 'person' }];
  },
  close: () => Promise.resolve(),
};

serveDetector(parentPort!, () =>
  payload.options?.failInit ? Promise.reject(new Error('fake detector could not load its model')) : Promise.resolve(fake),
);
