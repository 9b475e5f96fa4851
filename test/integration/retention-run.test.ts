import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runRetentionCommand } from '../../src/cli/commands/retention.js';
import { configSchema } from '../../src/config/schema.js';
import { createRetentionService, createSnapshotCatalog, formatRetentionSummary, runRetention, type RetentionDeps } from '../../src/recording/retention-run.js';
import { createSegmentIndex, type Segment, type SegmentDeletions, type SegmentIndex } from '../../src/recording/segment-index.js';
import { makeEvent, openTestStore, type TestStore } from '../unit/store/helpers.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MIB = 1024 * 1024;
const START = Date.parse('2026-03-01T00:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();

let t: TestStore;
let index: SegmentIndex & SegmentDeletions;
let recordingsDir: string;
let snapshotDir: string;

const config = configSchema.parse({
  recording: { min_free_mb: 1024 },
  cameras: [
    { id: 'parvis', source: 'parvis.mp4', recording: { enabled: true } },
    { id: 'hall', source: 'hall.mp4', recording: { enabled: true, retention_days: 5 } },
  ],
});

/** A real 1 KiB file and its index row: a 60 s segment starting at `startMs`. */
async function record(camera: string, startMs: number, bytes = 1024): Promise<Segment> {
  const id = `${camera}-${iso(startMs).replace(/[:.]/g, '')}`;
  const path = `${camera}/${iso(startMs).slice(0, 10)}/${id}.mp4`;
  mkdirSync(dirname(join(recordingsDir, path)), { recursive: true });
  writeFileSync(join(recordingsDir, path), Buffer.alloc(bytes, 7));
  const segment: Segment = { id, camera, start: iso(startMs), end: iso(startMs + 60_000), durationS: 60, bytes, sha256: '0'.repeat(64), path, createdAt: iso(startMs + 60_000) };
  await index.add(segment);
  return segment;
}

async function snapshot(eventId: string, camera: string, atMs: number): Promise<void> {
  await t.repos.events.upsert(makeEvent({ id: eventId, camera, start_time: iso(atMs), end: 5, snapshot: `/api/events/${eventId}/snapshot.jpg` }));
  writeFileSync(join(snapshotDir, `${eventId}.jpg`), Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
}

function deps(overrides: Partial<RetentionDeps> = {}): RetentionDeps {
  return {
    segments: index,
    holds: t.repos.holds,
    snapshots: createSnapshotCatalog(t.store.db),
    audit: t.repos.audit,
    config: () => Promise.resolve(config),
    recordingsDir,
    snapshotDir,
    freeBytes: () => Promise.resolve(100 * 1024 * MIB),
    now: t.clock,
    ...overrides,
  };
}

const fileExists = (s: Segment): boolean => existsSync(join(recordingsDir, s.path));
const ids = (segments: readonly { id: string }[]): string[] => segments.map((s) => s.id).sort();

beforeEach(async () => {
  t = await openTestStore();
  t.clock.set(iso(START));
  index = createSegmentIndex(t.store.db);
  recordingsDir = join(t.dir, 'recordings');
  snapshotDir = join(t.dir, 'snapshots');
  mkdirSync(recordingsDir, { recursive: true });
  mkdirSync(snapshotDir, { recursive: true });
  await t.repos.config.save(config, { userId: null });
});
afterEach(async () => {
  await t.dispose();
});

describe('retention run on real files and the real store', () => {
  it('after 10 simulated days deletes exactly the expired, unheld segments; releasing the hold lets the next run delete them', async () => {
    // Three days of footage, one segment every 3 hours per camera.
    const all: Segment[] = [];
    for (let ms = START; ms < START + 3 * DAY; ms += 3 * HOUR) {
      all.push(await record('parvis', ms), await record('hall', ms));
    }
    // A judicial requisition on parvis, the afternoon of the first day (placed by the DPO on day 2).
    t.clock.set(iso(START + 1 * DAY));
    const hold = await t.repos.holds.create({
      caseRef: 'PV 2026/77',
      authority: 'Commissariat central',
      cameras: ['parvis'],
      from: iso(START + 12 * HOUR),
      to: iso(START + 18 * HOUR),
      until: null,
      by: 'dpo-1',
    });
    const isHeld = (s: Segment): boolean => s.camera === 'parvis' && Date.parse(s.start) < START + 18 * HOUR && Date.parse(s.end) > START + 12 * HOUR;
    const retention = (s: Segment): number => (s.camera === 'hall' ? 5 : 10) * DAY;

    t.clock.set(iso(START + 10 * DAY + 20 * HOUR));
    const now = t.clock();
    const expired = all.filter((s) => Date.parse(s.end) < now - retention(s));
    const first = await runRetention(deps());

    const gone = expired.filter((s) => !isHeld(s));
    const held = expired.filter(isHeld);
    expect(gone.length).toBeGreaterThan(10);
    expect(held.map((s) => s.start)).toEqual([iso(START + 12 * HOUR), iso(START + 15 * HOUR)]);
    expect(first).toMatchObject({ dryRun: false, segmentsDeleted: gone.length, heldSegmentsKept: 2, bytesFreed: gone.length * 1024, missingFiles: 0, errors: [] });
    expect(ids(await index.list())).toEqual(ids(all.filter((s) => !gone.includes(s))));
    for (const s of all) expect(fileExists(s), s.path).toBe(!gone.includes(s));

    const [audit] = await t.repos.audit.list({ action: 'retention.run' });
    expect(audit).toMatchObject({
      actor: 'system',
      details: { dry_run: false, trigger: 'schedule', segments_deleted: gone.length, snapshots_deleted: 0, bytes_freed: gone.length * 1024, held_segments_kept: 2 },
    });

    // The hold is released: the next run deletes what it kept.
    await t.repos.holds.release(hold.id, { by: 'dpo-1', reason: 'affaire classée' });
    t.clock.advance(HOUR);
    const second = await runRetention(deps());
    expect(second.segmentsDeleted).toBe(2);
    expect(second.heldSegmentsKept).toBe(0);
    for (const s of held) expect(fileExists(s)).toBe(false);
    expect(ids(await index.list())).toEqual(ids(all.filter((s) => Date.parse(s.end) >= t.clock() - retention(s))));
    expect(await t.repos.audit.verify()).toMatchObject({ ok: true });
  });

  it('a dry run deletes nothing but says what would go, and is audited as such', async () => {
    const old = await record('parvis', START);
    await snapshot('ev-old', 'parvis', START);
    t.clock.set(iso(START + 11 * DAY));
    const summary = await runRetention(deps(), { dryRun: true, trigger: 'cli:alice' });
    expect(summary).toMatchObject({ dryRun: true, segmentsDeleted: 1, snapshotsDeleted: 1, bytesFreed: 1024 });
    expect(fileExists(old)).toBe(true);
    expect(await index.get(old.id)).not.toBeNull();
    expect(existsSync(join(snapshotDir, 'ev-old.jpg'))).toBe(true);
    expect((await t.repos.events.get('ev-old'))?.event.snapshot).not.toBeNull();
    expect((await t.repos.audit.list({ action: 'retention.run' }))[0]?.details).toMatchObject({ dry_run: true, trigger: 'cli:alice' });
    expect(formatRetentionSummary(summary, { items: true }).join('\n')).toMatch(/would delete 1 expired segment\(s\)[\s\S]*parvis\/2026-03-01\//);
    // A preview (the console's) writes no audit entry.
    await runRetention(deps(), { dryRun: true, preview: true });
    expect(await t.repos.audit.list({ action: 'retention.run' })).toHaveLength(1);
  });

  it('deletes expired snapshots and clears the event reference, keeping the event row and held snapshots', async () => {
    await snapshot('ev-old', 'hall', START);
    await snapshot('ev-held', 'parvis', START + HOUR);
    await snapshot('ev-young', 'parvis', START + 9 * DAY);
    await t.repos.holds.create({ caseRef: 'c', authority: 'a', cameras: ['parvis'], from: iso(START), to: iso(START + 2 * HOUR), until: null, by: 'dpo-1' });
    t.clock.set(iso(START + 11 * DAY));
    const summary = await runRetention(deps());
    expect(summary).toMatchObject({ snapshotsDeleted: 1, heldSnapshotsKept: 1 });
    expect(readdirSync(snapshotDir).sort()).toEqual(['ev-held.jpg', 'ev-young.jpg']);
    const stored = await t.repos.events.get('ev-old');
    expect(stored?.event.snapshot).toBeNull();
    expect(stored?.event.camera).toBe('hall');
    expect((await t.repos.events.get('ev-held'))?.event.snapshot).toBe('/api/events/ev-held/snapshot.jpg');
  });

  it('tolerates files already gone, and keeps indexed a file it could not delete (retried next run)', async () => {
    const missing = await record('parvis', START);
    const stuck = await record('parvis', START + HOUR);
    const fine = await record('parvis', START + 2 * HOUR);
    await import('node:fs/promises').then((fs) => fs.unlink(join(recordingsDir, missing.path)));
    t.clock.set(iso(START + 11 * DAY));
    const failing = async (path: string): Promise<void> => {
      if (path.endsWith(`${stuck.id}.mp4`)) throw Object.assign(new Error('permission denied'), { code: 'EACCES' });
      await import('node:fs/promises').then((fs) => fs.unlink(path));
    };
    const summary = await runRetention(deps({ unlink: failing }));
    expect(summary.segmentsDeleted).toBe(2);
    expect(summary.missingFiles).toBe(1);
    // Only the file this run deleted counts as freed.
    expect(summary.bytesFreed).toBe(fine.bytes);
    expect(summary.errors).toEqual([expect.stringMatching(new RegExp(`segment ${stuck.id} of camera parvis: EACCES deleting .*; kept in the index, retried next run`))]);
    expect(ids(await index.list())).toEqual([stuck.id]);
    expect(fileExists(fine)).toBe(false);
    const next = await runRetention(deps());
    expect(next.segmentsDeleted).toBe(1);
    expect(await index.list()).toEqual([]);
  });

  it('refuses an index path that would leave the recordings folder', async () => {
    await index.add({ id: 'evil', camera: 'parvis', start: iso(START), end: iso(START + 60_000), durationS: 60, bytes: 1, sha256: '0'.repeat(64), path: '../database.sqlite', createdAt: iso(START) });
    t.clock.set(iso(START + 11 * DAY));
    const summary = await runRetention(deps());
    expect(summary.segmentsDeleted).toBe(0);
    expect(summary.errors[0]).toMatch(/segment evil of camera parvis: its path would leave its folder/);
    expect(await index.get('evil')).not.toBeNull();
  });

  it('under disk pressure deletes the oldest unheld segments of any age first, never held ones, and alerts', async () => {
    const heldOld = await record('parvis', START, MIB);
    const a = await record('hall', START + HOUR, MIB);
    const b = await record('parvis', START + 2 * HOUR, MIB);
    const c = await record('hall', START + 3 * HOUR, MIB);
    await t.repos.holds.create({ caseRef: 'c', authority: 'a', cameras: ['parvis'], from: iso(START), to: iso(START + HOUR), until: null, by: 'dpo-1' });
    t.clock.set(iso(START + DAY));
    // 2 MiB short of the 1024 MiB threshold.
    const summary = await runRetention(deps({ freeBytes: () => Promise.resolve(1022 * MIB) }));
    expect(summary).toMatchObject({ segmentsDeleted: 0, pressureSegmentsDeleted: 2, bytesFreed: 2 * MIB, alert: { level: 'warning' } });
    expect(ids(await index.list())).toEqual(ids([heldOld, c]));
    expect([heldOld, a, b, c].map(fileExists)).toEqual([true, false, false, true]);

    // The service keeps the last real run's alert for the console (dry runs leave it alone).
    const service = createRetentionService(deps({ freeBytes: () => Promise.resolve(0) }));
    expect(service.storageAlert()).toBeNull();
    const critical = await service.run();
    expect(critical.alert?.level).toBe('critical');
    expect(service.storageAlert()).toMatchObject({ level: 'critical', message: expect.stringMatching(/disk pressure/) as unknown });
    await service.run({ dryRun: true });
    expect(service.storageAlert()?.level).toBe('critical');
    expect(ids(await index.list())).toEqual([heldOld.id]);
    expect(fileExists(heldOld)).toBe(true);
    expect((await t.repos.audit.list({ action: 'retention.run' }))[0]?.details.alert).toMatch(/^critical: disk pressure/);
  });

  it('`vigie retention run --now --dry-run` prints the plan; without --dry-run it deletes and exits 0', async () => {
    const old = await record('parvis', START);
    await t.store.close();
    const lines: string[] = [];
    await runRetentionCommand({ data: t.dir, now: iso(START + 11 * DAY), dryRun: true }, (l) => lines.push(l));
    expect(lines.join('\n')).toMatch(/dry run: nothing deleted[\s\S]*would delete 1 expired segment/);
    expect(fileExists(old)).toBe(true);
    lines.length = 0;
    await runRetentionCommand({ data: t.dir, now: iso(START + 11 * DAY) }, (l) => lines.push(l));
    expect(lines.join('\n')).toMatch(/deleted 1 expired segment/);
    expect(fileExists(old)).toBe(false);
    await expect(runRetentionCommand({ data: t.dir, now: '2026-03-12 10:00' }, () => undefined)).rejects.toThrow(/--now must be an ISO 8601 time with a time zone/);
    const yaml = join(t.dir, 'vigie.yaml');
    writeFileSync(yaml, 'cameras:\n  - id: parvis\n    source: parvis.mp4\n    recording: { enabled: true, retention_days: 31 }\n');
    await expect(runRetentionCommand({ data: t.dir, config: yaml }, () => undefined)).rejects.toThrow(/cameras\[0\]\.recording\.retention_days.*the law allows at most 30 days of retention: use 30 or less/);
    await t.reopen();
    expect(await createSegmentIndex(t.store.db).list()).toEqual([]);
  });
});
