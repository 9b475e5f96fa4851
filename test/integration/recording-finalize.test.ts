import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { finalizeSegment, sha256File, TruncatedSegmentError } from '../../src/recording/finalize.js';
import { segmentRelativePath } from '../../src/recording/layout.js';
import { createSegmentIndex, type SegmentDeletions, type SegmentIndex } from '../../src/recording/segment-index.js';
import { makeTestClip } from '../helpers/media-fixtures.js';
import { openTestStore, type TestStore } from '../unit/store/helpers.js';

const START = Date.parse('2026-03-01T10:00:00.000Z');

describe('finalizing a recorded segment', () => {
  let t: TestStore;
  let index: SegmentIndex & SegmentDeletions;
  let recordingsDir: string;
  let clip: string;
  beforeEach(async () => {
    t = await openTestStore();
    index = createSegmentIndex(t.store.db);
    recordingsDir = join(t.dir, 'recordings');
    clip = await makeTestClip(t.dir, 'clip', { width: 160, height: 120, rate: 10, durationSec: 1, format: 'ts' });
  });
  afterEach(async () => {
    await t.dispose();
  });

  /** A completed segment in the camera's incoming folder, as ffmpeg leaves it. */
  const incoming = async (name: string, content?: Buffer): Promise<string> => {
    const dir = join(recordingsDir, 'gare', '.incoming');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, name);
    writeFileSync(path, content ?? readFileSync(clip));
    return path;
  };

  it('files the segment under its start time, indexes it with its hash, and empties the incoming folder', async () => {
    const temp = await incoming('run-000001.ts.part');
    const expected = await sha256File(temp);
    const segment = await finalizeSegment(index, { recordingsDir, camera: 'gare', tempPath: temp, startMs: START, endMs: START + 10_000, createdAt: '2026-03-01T10:00:10.000Z' });
    expect(segment).toMatchObject({ id: 'gare_20260301T100000000Z', path: segmentRelativePath('gare', START), sha256: expected, start: '2026-03-01T10:00:00.000Z', end: '2026-03-01T10:00:10.000Z' });
    expect(await index.get(segment.id)).toEqual(segment);
    expect(readdirSync(join(recordingsDir, 'gare', '.incoming'))).toEqual([]);
  });

  it('never overwrites a segment with the same start (clock gone back): files the new one at the next free millisecond and says so', async () => {
    const first = await finalizeSegment(index, { recordingsDir, camera: 'gare', tempPath: await incoming('run-000001.ts.part'), startMs: START, endMs: START + 10_000, createdAt: '2026-03-01T10:00:10Z' });
    const firstBytes = readFileSync(join(recordingsDir, first.path));
    // A different segment claiming the same start, then a third one.
    const other = Buffer.concat([readFileSync(clip), readFileSync(clip)]);
    const logs: string[] = [];
    const second = await finalizeSegment(index, { recordingsDir, camera: 'gare', tempPath: await incoming('run2-000001.ts.part', other), startMs: START, endMs: START + 10_000, createdAt: '2026-03-01T10:00:20Z', onLog: (l) => logs.push(l) });
    const third = await finalizeSegment(index, { recordingsDir, camera: 'gare', tempPath: await incoming('run3-000001.ts.part'), startMs: START, endMs: START + 10_000, createdAt: '2026-03-01T10:00:30Z', onLog: (l) => logs.push(l) });

    expect(readFileSync(join(recordingsDir, first.path)).equals(firstBytes)).toBe(true);
    expect(second).toMatchObject({ id: 'gare_20260301T100000001Z', start: '2026-03-01T10:00:00.001Z', end: '2026-03-01T10:00:10.001Z', durationS: 10, bytes: other.length });
    expect(third.id).toBe('gare_20260301T100000002Z');
    expect(readFileSync(join(recordingsDir, second.path)).equals(other)).toBe(true);
    expect((await index.list()).map((s) => s.id)).toEqual([first.id, second.id, third.id]);
    for (const s of await index.list()) expect(await sha256File(join(recordingsDir, s.path))).toBe(s.sha256);
    expect(logs).toEqual([expect.stringMatching(/segment of camera gare starting 2026-03-01T10:00:00\.000Z: that name is already taken .* filed 1 ms later as gare\/2026-03-01\/20260301T100000001Z\.ts/), expect.stringMatching(/filed 2 ms later/)]);
  });

  it('does not take the name of an indexed segment whose file is missing', async () => {
    await index.add({ id: 'gare_20260301T100000000Z', camera: 'gare', start: '2026-03-01T10:00:00Z', end: '2026-03-01T10:00:10Z', durationS: 10, bytes: 1, sha256: 'a'.repeat(64), path: segmentRelativePath('gare', START), createdAt: '2026-03-01T10:00:10Z' });
    const segment = await finalizeSegment(index, { recordingsDir, camera: 'gare', tempPath: await incoming('run-000001.ts.part'), startMs: START, endMs: START + 10_000, createdAt: '2026-03-01T10:00:10Z', onLog: () => undefined });
    expect(segment.id).toBe('gare_20260301T100000001Z');
  });

  it('discards a truncated segment without indexing it', async () => {
    const temp = await incoming('run-000001.ts.part', readFileSync(clip).subarray(0, 1000));
    await expect(finalizeSegment(index, { recordingsDir, camera: 'gare', tempPath: temp, startMs: START, endMs: START + 10_000, createdAt: '2026-03-01T10:00:10Z' })).rejects.toBeInstanceOf(TruncatedSegmentError);
    expect(await index.list()).toEqual([]);
    expect(readdirSync(join(recordingsDir, 'gare', '.incoming'))).toEqual([]);
  });
});
