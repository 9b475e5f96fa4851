import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { isHoldActive, planDiskPressure, planRetention, retentionDaysOf, type HoldRef, type SegmentRef, type SnapshotRef } from '../../src/recording/retention.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-03-20T12:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();

/** A 60 s segment of `camera` ending `daysAgo` days before NOW. */
function seg(id: string, camera: string, daysAgo: number, bytes = 1000): SegmentRef {
  const end = NOW - daysAgo * DAY;
  return { id, camera, start: iso(end - 60_000), end: iso(end), bytes, path: `${camera}/${id}.mp4` };
}
const snap = (eventId: string, camera: string, daysAgo: number): SnapshotRef => ({ eventId, camera, time: iso(NOW - daysAgo * DAY) });
function hold(id: string, cameras: string[], from: string, to: string, extra: Partial<HoldRef> = {}): HoldRef {
  return { id, cameras, from, to, until: null, releasedAt: null, ...extra };
}
const tenDays = new Map([
  ['a', 10],
  ['b', 10],
]);

describe('retention plan', () => {
  it("deletes segments whose end is older than the camera's retention, and nothing younger", () => {
    const plan = planRetention({
      now: NOW,
      segments: [seg('old', 'a', 10.001), seg('edge', 'a', 10), seg('young', 'a', 9.99), seg('b-old', 'b', 12, 500)],
      snapshots: [],
      holds: [],
      retentionDays: tenDays,
    });
    // Exactly at the limit is not yet older than it.
    expect(plan.segments.map((s) => s.id)).toEqual(['b-old', 'old']);
    expect(plan.bytes).toBe(1500);
  });

  it('measures on the end: a segment that started before the limit but ends after it stays', () => {
    const end = NOW - 10 * DAY + 30_000;
    const straddling: SegmentRef = { id: 's', camera: 'a', start: iso(end - 60_000), end: iso(end), bytes: 1, path: 'a/s.mp4' };
    expect(planRetention({ now: NOW, segments: [straddling], snapshots: [], holds: [], retentionDays: tenDays }).segments).toEqual([]);
  });

  it('applies each camera its own retention; a camera no longer configured gets the default 10 days', () => {
    const plan = planRetention({
      now: NOW,
      segments: [seg('a3', 'a', 3), seg('a8', 'a', 8), seg('gone9', 'removed', 9), seg('gone11', 'removed', 11)],
      snapshots: [],
      holds: [],
      retentionDays: new Map([['a', 5]]),
    });
    expect(plan.segments.map((s) => s.id).sort()).toEqual(['a8', 'gone11']);
  });

  it('keeps expired footage an active hold of its camera overlaps, and names the hold', () => {
    const held = seg('held', 'a', 15);
    const h = hold('h1', ['a'], iso(Date.parse(held.start) + 10_000), iso(NOW - 14 * DAY));
    const plan = planRetention({ now: NOW, segments: [held, seg('other-cam', 'b', 15), seg('before', 'a', 16)], snapshots: [], holds: [h], retentionDays: tenDays });
    expect(plan.segments.map((s) => s.id).sort()).toEqual(['before', 'other-cam']);
    expect(plan.heldSegments).toEqual([{ item: held, holdIds: ['h1'] }]);
  });

  it('treats the hold range as [from, to): footage ending at `from` or starting at `to` is not held', () => {
    const s = seg('s', 'a', 15);
    const endsAtFrom = hold('h1', ['a'], s.end, iso(NOW));
    const startsAtTo = hold('h2', ['a'], iso(0), s.start);
    const plan = planRetention({ now: NOW, segments: [s], snapshots: [], holds: [endsAtFrom, startsAtTo], retentionDays: tenDays });
    expect(plan.segments).toEqual([s]);
  });

  it('ignores released holds and holds whose end date passed', () => {
    const s = seg('s', 'a', 15);
    const released = hold('r', ['a'], iso(0), iso(NOW), { releasedAt: iso(NOW - DAY) });
    const lapsed = hold('l', ['a'], iso(0), iso(NOW), { until: iso(NOW - 1) });
    const running = hold('u', ['a'], iso(0), iso(NOW), { until: iso(NOW + 1) });
    expect(isHoldActive(released, NOW)).toBe(false);
    expect(isHoldActive(lapsed, NOW)).toBe(false);
    expect(isHoldActive(running, NOW)).toBe(true);
    expect(planRetention({ now: NOW, segments: [s], snapshots: [], holds: [released, lapsed], retentionDays: tenDays }).segments).toEqual([s]);
    expect(planRetention({ now: NOW, segments: [s], snapshots: [], holds: [running], retentionDays: tenDays }).segments).toEqual([]);
  });

  it('expires snapshots on the event time, keeping those inside a hold', () => {
    const h = hold('h', ['a'], iso(NOW - 13 * DAY), iso(NOW - 11 * DAY));
    const plan = planRetention({
      now: NOW,
      segments: [],
      snapshots: [snap('young', 'a', 2), snap('old', 'a', 20), snap('in-hold', 'a', 12), snap('other-cam', 'b', 12)],
      holds: [h],
      retentionDays: tenDays,
    });
    expect(plan.snapshots.map((s) => s.eventId).sort()).toEqual(['old', 'other-cam']);
    expect(plan.heldSnapshots.map((s) => s.item.eventId)).toEqual(['in-hold']);
  });

  it('refuses a retention above 30 days, in the plan and in the configuration, saying what to do', () => {
    expect(() => retentionDaysOf('a', new Map([['a', 31]]))).toThrow(/camera a: retention of 31 days is not allowed: the law allows at most 30 days/);
    const parsed = configSchema.safeParse({ cameras: [{ id: 'a', source: 'a.mp4', recording: { enabled: true, retention_days: 31 } }] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['cameras', 0, 'recording', 'retention_days']);
    expect(parsed.error?.issues[0]?.message).toMatch(/the law allows at most 30 days of retention: use 30 or less/);
    const ok = configSchema.parse({ cameras: [{ id: 'a', source: 'a.mp4', recording: { retention_days: 30 } }, { id: 'b', source: 'b.mp4' }] });
    expect(ok.cameras.map((c) => c.recording.retention_days)).toEqual([30, 10]);
  });
});

describe('disk pressure plan', () => {
  const MIB = 1024 * 1024;

  it('does nothing while free space is above the threshold', () => {
    expect(planDiskPressure({ now: NOW, freeBytes: 2048 * MIB, minFreeMb: 1024, segments: [seg('s', 'a', 1)], holds: [] })).toEqual({ neededBytes: 0, segments: [], bytes: 0, heldBytes: 0, alert: null });
  });

  it('deletes the oldest unheld segments of any age first, just enough, never held ones', () => {
    const segments = [seg('new', 'a', 0.1, 300 * MIB), seg('oldest-held', 'b', 3, 500 * MIB), seg('older', 'a', 2, 300 * MIB), seg('mid', 'b', 1, 300 * MIB)];
    const h = hold('h', ['b'], iso(NOW - 4 * DAY), iso(NOW - 2 * DAY));
    const plan = planDiskPressure({ now: NOW, freeBytes: 500 * MIB, minFreeMb: 1024, segments, holds: [h] });
    expect(plan.neededBytes).toBe(524 * MIB);
    expect(plan.segments.map((s) => s.id)).toEqual(['older', 'mid']);
    expect(plan.heldBytes).toBe(500 * MIB);
    expect(plan.alert?.level).toBe('warning');
    expect(plan.alert?.message).toMatch(/deleting the 2 oldest unheld segment\(s\)/);
  });

  it('raises a critical alert when even every unheld segment is not enough, and still keeps held footage', () => {
    const h = hold('h', ['a'], iso(0), iso(NOW));
    const plan = planDiskPressure({ now: NOW, freeBytes: 10 * MIB, minFreeMb: 1024, segments: [seg('held', 'a', 1, 800 * MIB), seg('free', 'b', 1, 100 * MIB)], holds: [h] });
    expect(plan.segments.map((s) => s.id)).toEqual(['free']);
    expect(plan.alert?.level).toBe('critical');
    expect(plan.alert?.message).toMatch(/frees only 100 MiB and 800 MiB of footage is under legal hold \(never deleted\): free space on the disk/);
  });
});
