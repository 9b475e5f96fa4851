import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { reconcileRecordings } from '../../src/recording/reconcile.js';
import type { PendingDelete } from '../../src/recording/pending-deletes.js';
import { runRetention, type RetentionDeps } from '../../src/recording/retention-run.js';
import { createSegmentIndex, type Segment, type SegmentDeletions, type SegmentIndex } from '../../src/recording/segment-index.js';
import { createSnapshotCatalog, type SnapshotCatalog } from '../../src/recording/snapshot-catalog.js';
import { makeEvent, openTestStore, type TestStore } from '../unit/store/helpers.js';

const DAY = 86_400_000;
const START = Date.parse('2026-03-01T00:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();
const config = configSchema.parse({ cameras: [{ id: 'gare', source: 'gare.mp4', recording: { enabled: true } }] });

let t: TestStore;
let index: SegmentIndex & SegmentDeletions;
let catalog: SnapshotCatalog;
let recordingsDir: string;
let snapshotDir: string;

async function record(startMs: number): Promise<Segment> {
  const path = `gare/${iso(startMs).slice(0, 10)}/${startMs}.ts`;
  mkdirSync(dirname(join(recordingsDir, path)), { recursive: true });
  writeFileSync(join(recordingsDir, path), Buffer.alloc(188, 0x47));
  const segment: Segment = { id: `gare_${startMs}`, camera: 'gare', start: iso(startMs), end: iso(startMs + 60_000), durationS: 60, bytes: 188, sha256: '0'.repeat(64), path, createdAt: iso(startMs + 60_000) };
  await index.add(segment);
  return segment;
}

async function eventWithSnapshot(id: string, atMs: number, file = true): Promise<void> {
  if (file) writeFileSync(join(snapshotDir, `${id}.jpg`), Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
  await t.repos.events.upsert(makeEvent({ id, camera: 'gare', start_time: iso(atMs), end: 5, snapshot: `/api/events/${id}/snapshot.jpg` }));
}

const reconcile = () => reconcileRecordings({ recordingsDir, index, snapshots: { dir: snapshotDir, catalog }, audit: t.repos.audit, clock: t.clock });

beforeEach(async () => {
  t = await openTestStore();
  index = createSegmentIndex(t.store.db);
  catalog = createSnapshotCatalog(t.store.db);
  recordingsDir = join(t.dir, 'recordings');
  snapshotDir = join(t.dir, 'snapshots');
  mkdirSync(recordingsDir, { recursive: true });
  mkdirSync(snapshotDir, { recursive: true });
});
afterEach(async () => {
  await t.dispose();
});

describe('deleting footage: intent first, then the file, then rows and intent together', () => {
  const deps = (overrides: Partial<RetentionDeps> = {}): RetentionDeps => ({
    segments: index,
    holds: t.repos.holds,
    snapshots: catalog,
    audit: t.repos.audit,
    config: () => Promise.resolve(config),
    recordingsDir,
    snapshotDir,
    freeBytes: () => Promise.resolve(Number.MAX_SAFE_INTEGER),
    now: t.clock,
    ...overrides,
  });

  it('retention commits the intent before each unlink and removes it with the row', async () => {
    const old = await record(START);
    await eventWithSnapshot('ev-old', START);
    t.clock.set(iso(START + 11 * DAY));
    const seenAtUnlink: PendingDelete[][] = [];
    const summary = await runRetention(
      deps({
        unlink: async (path) => {
          seenAtUnlink.push([...(await index.pendingDeletes()), ...(await catalog.pendingDeletes())]);
          await unlink(path);
        },
      }),
    );
    expect(summary).toMatchObject({ segmentsDeleted: 1, snapshotsDeleted: 1, errors: [] });
    expect(seenAtUnlink).toEqual([
      [expect.objectContaining({ kind: 'segment', refId: old.id, path: old.path, reason: 'retention' })],
      [expect.objectContaining({ kind: 'snapshot', refId: 'ev-old', path: 'ev-old.jpg', reason: 'retention' })],
    ]);
    expect(await index.pendingDeletes()).toEqual([]);
    expect(await catalog.pendingDeletes()).toEqual([]);
    expect(await index.get(old.id)).toBeNull();
    expect((await t.repos.events.get('ev-old'))?.event.snapshot).toBeNull();
  });

  it('a file that cannot be deleted keeps its row and leaves no intent behind', async () => {
    const stuck = await record(START);
    t.clock.set(iso(START + 11 * DAY));
    const summary = await runRetention(deps({ unlink: () => Promise.reject(Object.assign(new Error('permission denied'), { code: 'EACCES' })) }));
    expect(summary.errors).toHaveLength(1);
    expect(await index.get(stuck.id)).not.toBeNull();
    expect(await index.pendingDeletes()).toEqual([]);
  });
});

describe('start-up reconciliation after a crash', () => {
  it('finishes interrupted deletes without calling them lost, and reports a file that vanished without one', async () => {
    const unlinked = await record(START); // intent, file unlinked, crash before the row went
    const notYet = await record(START + 60_000); // intent, crash before the unlink
    const vanished = await record(START + 120_000); // no intent: lost footage
    const kept = await record(START + 180_000);
    await index.intendDelete([{ refId: unlinked.id, path: unlinked.path }, { refId: notYet.id, path: notYet.path }], 'retention', iso(START));
    await unlink(join(recordingsDir, unlinked.path));
    await unlink(join(recordingsDir, vanished.path));

    const report = await reconcile();

    expect(report.actions.map((a) => [a.kind, a.path]).sort()).toEqual(
      [['delete_finished', unlinked.path], ['delete_finished', notYet.path], ['row_removed', vanished.path]].sort(),
    );
    expect(existsSync(join(recordingsDir, notYet.path))).toBe(false);
    expect((await index.list()).map((s) => s.id)).toEqual([kept.id]);
    expect(await index.pendingDeletes()).toEqual([]);
    const audit = await t.repos.audit.list({ action: 'recording.reconcile' });
    expect(audit.find((a) => a.target === unlinked.path)?.details).toMatchObject({ kind: 'delete_finished', segment: unlinked.id, reason: 'retention' });
    expect((await reconcile()).actions).toEqual([]);
  });

  it('snapshots: finishes their interrupted deletes, removes temporary and unreferenced files, clears references to missing files', async () => {
    await eventWithSnapshot('ev-deleting', START);
    await catalog.intendDelete([{ refId: 'ev-deleting', path: 'ev-deleting.jpg' }], 'retention', iso(START));
    await eventWithSnapshot('ev-kept', START);
    await eventWithSnapshot('ev-lost', START, false);
    writeFileSync(join(snapshotDir, 'ev-never-stored.jpg'), 'orphan'); // written, then the crash came before its row
    writeFileSync(join(snapshotDir, '.ev-half.jpg.0123456789ab.tmp'), 'half');

    const report = await reconcile();

    expect(report.actions.map((a) => [a.kind, a.path]).sort()).toEqual(
      [
        ['delete_finished', 'snapshots/ev-deleting.jpg'],
        ['snapshot_orphan_removed', 'snapshots/ev-never-stored.jpg'],
        ['temp_removed', 'snapshots/.ev-half.jpg.0123456789ab.tmp'],
        ['snapshot_missing', 'snapshots/ev-lost.jpg'],
      ].sort(),
    );
    expect(readdirSync(snapshotDir)).toEqual(['ev-kept.jpg']);
    expect((await t.repos.events.get('ev-deleting'))?.event.snapshot).toBeNull();
    expect((await t.repos.events.get('ev-lost'))?.event.snapshot).toBeNull();
    expect((await t.repos.events.get('ev-kept'))?.event.snapshot).toBe('/api/events/ev-kept/snapshot.jpg');
    expect(await catalog.pendingDeletes()).toEqual([]);
    expect((await reconcile()).actions).toEqual([]);
  });
});
