import { describe, expect, it } from 'vitest';
import { createSegmentIndex, type Segment } from '../../../src/recording/segment-index.js';
import { STORE_ENGINES, storePerTest } from './helpers.js';

describe.each(STORE_ENGINES)('%s', (engine) => {
  const t = storePerTest(engine);

  const seg = (id: string, camera: string, startMin: number, lengthS = 60): Segment => {
    const start = new Date(Date.UTC(2026, 10, 28, 10, startMin));
    return {
      id,
      camera,
      start: start.toISOString(),
      end: new Date(start.getTime() + lengthS * 1000).toISOString(),
      durationS: lengthS,
      bytes: 1000 * (startMin + 1),
      sha256: 'a'.repeat(64),
      path: `${camera}/${id}.ts`,
      createdAt: start.toISOString(),
    };
  };

  describe('segment index', () => {
    it('lists a camera\'s segments overlapping a range, oldest or newest first', async () => {
      const index = createSegmentIndex(t.store.db);
      for (const s of [seg('a1', 'a', 0), seg('a2', 'a', 1), seg('a3', 'a', 2), seg('b1', 'b', 1)]) await index.add(s);
      // [10:01:30, 10:02:10) overlaps a2 (10:01-10:02) and a3 (10:02-10:03).
      const inRange = await index.list({ camera: 'a', from: '2026-11-28T10:01:30Z', to: '2026-11-28T10:02:10+00:00' });
      expect(inRange.map((s) => s.id)).toEqual(['a2', 'a3']);
      expect((await index.list({ order: 'newest', limit: 2 })).map((s) => s.id)).toEqual(['a3', 'a2']);
      expect((await index.list({ endedBefore: '2026-11-28T10:02:00Z' })).map((s) => s.id)).toEqual(['a1']);
      expect(await index.get('b1')).toEqual(seg('b1', 'b', 1));
      expect(await index.usage()).toEqual(new Map([['a', 6000], ['b', 2000]]));
    });

    it('removes rows and records gaps', async () => {
      const index = createSegmentIndex(t.store.db);
      await index.add(seg('a1', 'a', 0));
      await index.add(seg('a2', 'a', 5));
      expect(await index.remove(['a1', 'missing'])).toBe(1);
      expect((await index.list()).map((s) => s.id)).toEqual(['a2']);
      await index.addGap({ camera: 'a', start: '2026-11-28T10:01:00Z', end: '2026-11-28T10:05:00Z', reason: 'stream_down' });
      expect(await index.gaps({ camera: 'a', from: '2026-11-28T10:04:00Z' })).toEqual([
        { camera: 'a', start: '2026-11-28T10:01:00.000Z', end: '2026-11-28T10:05:00.000Z', reason: 'stream_down' },
      ]);
      expect(await index.gaps({ camera: 'b' })).toEqual([]);
    });

    it('refuses a segment whose path is already indexed, and times without a zone', async () => {
      const index = createSegmentIndex(t.store.db);
      await index.add(seg('a1', 'a', 0));
      await expect(index.add({ ...seg('a9', 'a', 9), path: 'a/a1.ts' })).rejects.toThrow();
      await expect(index.add({ ...seg('a8', 'a', 8), start: '2026-11-28 10:08' })).rejects.toMatchObject({ code: 'INVALID' });
    });
  });
});
