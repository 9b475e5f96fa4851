import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { startVigie } from '../../src/server/runtime.js';
import { createRepositories, openDatabase } from '../../src/store/index.js';
import { datasetFile } from '../helpers/datasets.js';

const clip = datasetFile('intel-sample-videos/car-detection.mp4');

// The live path of counting rules: a camera runs for a few seconds, Vigie stops,
// and the partial 5-minute bucket the stop flushed is in the database.
describe.skipIf(clip.missing)('vigie start: counts of counting rules are stored', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-counts-live-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the open bucket of a running camera when Vigie stops', async () => {
    const config = configSchema.parse({
      cameras: [
        {
          id: 'parking',
          source: clip.path,
          detect: { fps: 5, width: 384, backend: 'motion' },
          zones: [{ id: 'allee', polygon: [[0, 0], [1, 0], [1, 1], [0, 1]] }],
          rules: [{ id: 'occupation', type: 'counting', zones: ['allee'], classes: ['object'] }],
        },
      ],
    });
    const startedAt = new Date(Date.now() - 1000).toISOString();
    let frames = 0;
    const vigie = await startVigie({ dataDir: dir, port: 0, host: '127.0.0.1', config, detectorPool: false, print: () => undefined, onFrame: () => (frames += 1) });
    const deadline = Date.now() + 20_000;
    while (frames < 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(frames).toBeGreaterThanOrEqual(10);
    await vigie.close();

    const store = await openDatabase({ dataDir: dir });
    try {
      const counts = await createRepositories(store.db).counts.list({ camera: 'parking', from: startedAt, to: new Date(Date.now() + 600_000).toISOString() });
      // One bucket, or two when the run straddled a 5-minute boundary.
      expect(counts.length).toBeGreaterThanOrEqual(1);
      for (const c of counts) expect(c).toMatchObject({ rule: 'occupation', kind: 'occupancy', target: 'allee', cls: 'object', bucketS: 300 });
      expect(counts.reduce((sum, c) => sum + c.frames, 0)).toBeGreaterThanOrEqual(10);
    } finally {
      await store.close();
    }
  });
});
