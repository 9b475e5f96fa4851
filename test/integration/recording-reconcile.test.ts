import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256File } from '../../src/recording/finalize.js';
import { segmentRelativePath } from '../../src/recording/layout.js';
import { reconcileRecordings } from '../../src/recording/reconcile.js';
import { createSegmentIndex, type SegmentDeletions, type SegmentIndex } from '../../src/recording/segment-index.js';
import { openTestStore, type TestStore } from '../unit/store/helpers.js';
import { datasetFile } from '../helpers/datasets.js';

const clip = datasetFile('intel-sample-videos/car-detection.mp4');

describe.skipIf(clip.missing)('start-up reconciliation of the index with the recordings folder', () => {
  let t: TestStore;
  let index: SegmentIndex & SegmentDeletions;
  let dir: string;
  let realTs: string;
  beforeEach(async () => {
    t = await openTestStore();
    index = createSegmentIndex(t.store.db);
    dir = join(t.dir, 'recordings');
    mkdirSync(dir);
    // A real 4.8 s segment, as the recorder writes them (stream copy into MPEG-TS).
    realTs = join(t.dir, 'real.ts');
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', clip.path, '-map', '0:v:0', '-c', 'copy', '-t', '4.8', '-f', 'mpegts', realTs]);
  });
  afterEach(async () => {
    await t.dispose();
  });

  const place = (rel: string, from?: string): string => {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    if (from) copyFileSync(from, path);
    else writeFileSync(path, 'not a video');
    return path;
  };

  it('removes interrupted .part files and rows without files, indexes orphan files, reports the rest, and audits each action', async () => {
    const kept = segmentRelativePath('gare', Date.parse('2026-03-01T09:00:00.000Z'));
    place(kept, realTs);
    await index.add({ id: 'gare_kept', camera: 'gare', start: '2026-03-01T09:00:00Z', end: '2026-03-01T09:00:04.8Z', durationS: 4.8, bytes: 1, sha256: await sha256File(join(dir, kept)), path: kept, createdAt: '2026-03-01T09:00:05Z' });
    await index.add({ id: 'gare_gone', camera: 'gare', start: '2026-03-01T09:01:00Z', end: '2026-03-01T09:02:00Z', durationS: 60, bytes: 1000, sha256: 'a'.repeat(64), path: 'gare/2026-03-01/20260301T090100000Z.ts', createdAt: '2026-03-01T09:02:00Z' });
    const orphan = segmentRelativePath('gare', Date.parse('2026-03-01T09:03:00.000Z'));
    place(orphan, realTs);
    const broken = segmentRelativePath('parvis', Date.parse('2026-03-01T09:04:00.000Z'));
    place(broken);
    const part = place('parvis/.incoming/1772355600000-000007.ts.part', realTs);
    place('gare/2026-03-01/README.txt');

    const report = await reconcileRecordings({ recordingsDir: dir, index, audit: t.repos.audit, clock: t.clock });

    expect(report.actions.map((a) => [a.kind, a.path]).sort()).toEqual(
      [['file_indexed', orphan], ['file_unreadable', broken], ['part_removed', 'parvis/.incoming/1772355600000-000007.ts.part'], ['row_removed', 'gare/2026-03-01/20260301T090100000Z.ts']].sort(),
    );
    expect([...report.interrupted]).toEqual(['parvis']);
    expect(existsSync(part)).toBe(false);
    expect(existsSync(join(dir, broken))).toBe(true); // never deletes what it cannot read: reported for a person to judge

    const rows = await index.list({ camera: 'gare' });
    expect(rows.map((r) => r.id)).toEqual(['gare_kept', 'gare_20260301T090300000Z']);
    const indexed = rows[1];
    expect(indexed?.sha256).toBe(await sha256File(join(dir, orphan)));
    expect(indexed?.durationS).toBeCloseTo(4.8, 1);
    expect(indexed?.end).toBe('2026-03-01T09:03:04.800Z');

    const audit = await t.repos.audit.list({ action: 'recording.reconcile' });
    expect(audit).toHaveLength(4);
    expect(audit.every((a) => a.actor === 'system')).toBe(true);
    expect((await t.repos.audit.verify()).ok).toBe(true);

    // A second run finds nothing new to do but the unreadable file.
    const again = await reconcileRecordings({ recordingsDir: dir, index, audit: t.repos.audit, clock: t.clock });
    expect(again.actions.map((a) => a.kind)).toEqual(['file_unreadable']);
  });
});
