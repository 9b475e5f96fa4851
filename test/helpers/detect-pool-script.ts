/**
 * Started by test/integration/detect-pool-runtimes.test.ts under `tsx` and under
 * a `register()` bootstrap like bin/vigie.js: creates a detector pool whose
 * workers import TypeScript, detects one frame, prints the result as JSON.
 */
import { createDetectorPool } from '../../src/vision/detect/pool.js';

const pool = await createDetectorPool({ size: 2, workerModule: new URL('./detect-fake-worker.ts', import.meta.url) });
try {
  const data = new Uint8Array(4 * 2 * 3);
  data[0] = 42;
  const detections = await pool.detect({ data, width: 4, height: 2 });
  console.log(JSON.stringify({ name: pool.name, detections }));
} finally {
  await pool.close();
}
