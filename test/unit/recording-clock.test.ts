/**
 * The recording timeline under a wall clock that jumps (NTP step, operator,
 * wrong hardware clock) and across daylight-saving changes: segments stay
 * contiguous, never overlap nor replace recorded footage, and retention does
 * not expire footage because the clock ran ahead. ffmpeg is replaced by
 * scripted runs that announce completed segments; the index is real SQLite.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyConfig } from '../../src/config/schema.js';
import type { RecorderRun, RecorderRunExit, RecorderRunOptions } from '../../src/media/recorder.js';
import { startCameraRecorder, type CameraRecorder } from '../../src/recording/camera-recorder.js';
import { sha256File } from '../../src/recording/finalize.js';
import { buildVodPlaylist } from '../../src/recording/playlist.js';
import { createRetentionService, createSnapshotCatalog } from '../../src/recording/retention-run.js';
import { createSegmentIndex, type Segment, type SegmentIndex } from '../../src/recording/segment-index.js';
import { localTime, startOfLocalDay } from '../../src/reports/local-time.js';
import { manualClock, type ManualClock } from '../../src/time/clock.js';
import { guardRetentionAgainstClockJumps } from '../../src/time/retention-clock-guard.js';
import { openTestStore, type TestStore } from './store/helpers.js';

const HOUR = 3_600_000;
const SEGMENT_S = 60;

interface ScriptedRun {
  readonly options: RecorderRunOptions;
  /** Lets `seconds` pass on both clocks, then announces the segment recorded meanwhile, as ffmpeg would. */
  record(seconds?: number): Promise<void>;
  /** ffmpeg dies (the stream dropped). */
  fail(): void;
}

/** Numbers every segment any scripted run writes, so that no two files hold the same bytes. */
let serial = 0;

/** Recorder runs driven by the test: each writes a whole-packet file of its own content, then announces it with the run's `now`. */
function scriptedRuns(clock: ManualClock) {
  const runs: ScriptedRun[] = [];
  const written = new Map<string, string>(); // sha256 of every file a run wrote, by serial
  const start = (options: RecorderRunOptions): RecorderRun => {
    let resolve!: (exit: RecorderRunExit) => void;
    const done = new Promise<RecorderRunExit>((r) => (resolve = r));
    let count = 0;
    let mediaS = 0;
    const exit = (stopped: boolean): RecorderRunExit => ({ code: stopped ? 0 : 1, signal: null, spawnError: null, stopped, stderrTail: stopped ? [] : ['Connection refused'], segments: count });
    runs.push({
      options,
      async record(seconds = SEGMENT_S) {
        clock.advance(seconds * 1000);
        count += 1;
        serial += 1;
        const path = options.outputPattern.replace('%06d', String(count).padStart(6, '0'));
        const content = Buffer.alloc(188 * 4, serial % 256); // distinct bytes per segment: a replaced file would show
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, content);
        written.set(`${serial}`, createHash('sha256').update(content).digest('hex'));
        await options.onSegment({ file: basename(path), startS: mediaS, endS: mediaS + seconds, path, receivedAtMs: options.now?.() ?? Date.now() });
        mediaS += seconds;
      },
      fail: () => resolve(exit(false)),
    });
    return { pid: 1, done, stop: () => (resolve(exit(true)), done) };
  };
  return { runs, start, written };
}

async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i += 1) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Every indexed segment starts where the previous one ended: no hole, no overlap. */
function expectContiguous(segments: readonly Segment[]): void {
  for (let i = 1; i < segments.length; i += 1) expect(segments[i]?.start, `segment ${i} starts where segment ${i - 1} ended`).toBe(segments[i - 1]?.end);
}

/** One file per indexed segment, each still the bytes a run wrote (none replaced by a later one). */
async function expectFilesIntact(index: SegmentIndex, dir: string, written: ReadonlyMap<string, string>): Promise<void> {
  const segments = await index.list({ camera: 'gare' });
  expect(new Set(segments.map((s) => s.path)).size).toBe(segments.length);
  const onDisk = readdirSync(join(dir, 'gare'), { recursive: true }).map(String).filter((p) => p.endsWith('.ts'));
  expect(onDisk).toHaveLength(segments.length);
  const hashes = await Promise.all(segments.map((s) => sha256File(join(dir, s.path))));
  expect(new Set(hashes).size).toBe(segments.length);
  for (const h of hashes) expect([...written.values()]).toContain(h);
  for (const s of segments) expect(await sha256File(join(dir, s.path))).toBe(s.sha256);
}

describe('recording timeline under clock jumps', () => {
  let t: TestStore;
  let index: SegmentIndex;
  let dir: string;
  const recorders: CameraRecorder[] = [];
  let logs: string[];

  beforeEach(async () => {
    t = await openTestStore();
    index = createSegmentIndex(t.store.db);
    dir = mkdtempSync(join(tmpdir(), 'vigie-rec-clock-'));
    logs = [];
  });
  afterEach(async () => {
    for (const r of recorders.splice(0)) await r.stop();
    await t.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (clock: ManualClock, startRun: (o: RecorderRunOptions) => RecorderRun): CameraRecorder => {
    const recorder = startCameraRecorder({
      camera: 'gare', source: '/v/gare.mp4', loop: false, segmentS: SEGMENT_S, recordingsDir: dir, index, clock,
      freeSpace: () => Promise.resolve(1e12), minFreeBytes: 0, probeCodec: null, startRun,
      backoff: { initialMs: 10, maxMs: 10, factor: 1, jitter: 0 }, onLog: (line) => logs.push(line),
    });
    recorders.push(recorder);
    return recorder;
  };

  /** One recorder run of 6 one-minute segments, the wall clock jumping by `jumpMs` after the third. */
  async function recordAcrossJump(jumpMs: number) {
    const clock = manualClock(Date.parse('2026-06-10T10:00:00.000Z'));
    const fake = scriptedRuns(clock);
    const recorder = start(clock, fake.start);
    await until('the first run', () => fake.runs.length === 1);
    const run = fake.runs[0] as ScriptedRun;
    for (let i = 0; i < 3; i += 1) await run.record();
    clock.jumpWall(jumpMs);
    for (let i = 0; i < 3; i += 1) await run.record();
    return { recorder, fake, segments: await index.list({ camera: 'gare' }) };
  }

  it('a wall clock set back 1 h mid-run: segments stay contiguous, nothing overlaps or is replaced, the jump is logged and counted', async () => {
    const { recorder, fake, segments } = await recordAcrossJump(-HOUR);
    expect(segments).toHaveLength(6);
    expectContiguous(segments);
    expect(segments.map((s) => s.durationS)).toEqual([60, 60, 60, 60, 60, 60]);
    expect(segments[0]?.start).toBe('2026-06-10T10:00:00.000Z');
    expect(segments[5]?.end).toBe('2026-06-10T10:06:00.000Z');
    await expectFilesIntact(index, dir, fake.written);
    expect(recorder.status()).toMatchObject({ clockJumps: 1, lastClockJump: { direction: 'backward', seconds: 3600 } });
    expect(logs.join('\n')).toMatch(/recording gare: wall clock went backward by 1 h 00 min 00 s/);
  });

  it('a wall clock set forward 1 h mid-run: no false gap, no 1-hour segment', async () => {
    const { recorder, segments } = await recordAcrossJump(HOUR);
    expect(segments.map((s) => s.durationS)).toEqual([60, 60, 60, 60, 60, 60]);
    expectContiguous(segments);
    expect(segments[5]?.end).toBe('2026-06-10T10:06:00.000Z');
    expect(await index.gaps({ camera: 'gare' })).toEqual([]);
    expect(recorder.status()).toMatchObject({ clockJumps: 1, lastClockJump: { direction: 'forward', seconds: 3600 } });
    expect(logs.join('\n')).toMatch(/wall clock went forward by 1 h 00 min 00 s/);
  });

  it('ffmpeg restarting after the clock went back 1 h files the new segments after the latest recorded one', async () => {
    const clock = manualClock(Date.parse('2026-06-10T10:00:00.000Z'));
    const fake = scriptedRuns(clock);
    start(clock, fake.start);
    await until('the first run', () => fake.runs.length === 1);
    for (let i = 0; i < 3; i += 1) await fake.runs[0]?.record();
    clock.jumpWall(-HOUR);
    fake.runs[0]?.fail();
    await until('the second run', () => fake.runs.length === 2);
    for (let i = 0; i < 3; i += 1) await fake.runs[1]?.record();

    const segments = await index.list({ camera: 'gare' });
    expect(segments).toHaveLength(6);
    expect(Date.parse(segments[3]?.start ?? '')).toBeGreaterThanOrEqual(Date.parse(segments[2]?.end ?? ''));
    expectContiguous(segments);
    await expectFilesIntact(index, dir, fake.written);
    expect(logs.join('\n')).toMatch(/wall clock behind the recordings by (59 min|1 h)/);
  });

  it('a new recorder (Vigie restarted) with the clock 1 h behind the index files after the latest indexed segment', async () => {
    const clock = manualClock(Date.parse('2026-06-10T10:00:00.000Z'));
    const first = scriptedRuns(clock);
    const before = start(clock, first.start);
    await until('the first run', () => first.runs.length === 1);
    for (let i = 0; i < 2; i += 1) await first.runs[0]?.record();
    await before.stop();
    recorders.splice(0);

    clock.jumpWall(-HOUR);
    const second = scriptedRuns(clock);
    start(clock, second.start); // no resumeFrom: only the index knows where footage ends
    await until('the new recorder run', () => second.runs.length === 1);
    await second.runs[0]?.record();
    await second.runs[0]?.record();

    const segments = await index.list({ camera: 'gare' });
    expect(segments).toHaveLength(4);
    expect(segments[2]?.start).toBe(segments[1]?.end);
    expectContiguous(segments);
    await expectFilesIntact(index, dir, new Map([...first.written, ...second.written]));
    expect(logs.join('\n')).toMatch(/wall clock behind the recordings by/);
  });
});

describe('recording across daylight-saving changes (Europe/Paris)', () => {
  let t: TestStore;
  let dir: string;
  const savedTz = process.env.TZ;
  beforeEach(async () => {
    t = await openTestStore();
    dir = mkdtempSync(join(tmpdir(), 'vigie-rec-dst-'));
    process.env.TZ = 'Europe/Paris'; // the server's own zone must not leak into any stored time
  });
  afterEach(async () => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
    await t.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  // 2026-10-25 03:00 CEST -> 02:00 CET (a 25-hour day); 2026-03-29 02:00 CET -> 03:00 CEST (a 23-hour day); both at 01:00 UTC.
  it.each([
    { day: '2026-10-25', next: '2026-10-26', hours: 25 },
    { day: '2026-03-29', next: '2026-03-30', hours: 23 },
  ])('$day: UTC names strictly increase, and the local day shows continuous footage', async ({ day, next, hours }) => {
    const index = createSegmentIndex(t.store.db);
    const clock = manualClock(Date.parse(`${day}T00:50:00.000Z`));
    const fake = scriptedRuns(clock);
    const recorder = startCameraRecorder({
      camera: 'gare', source: '/v/gare.mp4', loop: false, segmentS: SEGMENT_S, recordingsDir: dir, index, clock,
      freeSpace: () => Promise.resolve(1e12), minFreeBytes: 0, probeCodec: null, startRun: fake.start,
    });
    try {
      await until('the run', () => fake.runs.length === 1);
      for (let i = 0; i < 20; i += 1) await fake.runs[0]?.record();
    } finally {
      await recorder.stop();
    }
    const all = await index.list({ camera: 'gare' });
    expect(all).toHaveLength(20);
    const names = all.map((s) => basename(s.path));
    for (let i = 1; i < names.length; i += 1) expect((names[i] ?? '') > (names[i - 1] ?? ''), `${names[i]} after ${names[i - 1]}`).toBe(true);
    expect(all.every((s) => dirname(s.path) === join('gare', day))).toBe(true);
    // Local clock hours around the change repeat (autumn) or skip (spring); the stored times do neither.
    const localHours = all.map((s) => localTime(Date.parse(s.start), 'Europe/Paris').hour);
    expect(new Set(localHours)).toEqual(day === '2026-10-25' ? new Set([2]) : new Set([1, 3]));

    // What a user asks for: the local day, [local midnight, next local midnight) in UTC.
    const from = startOfLocalDay(day, 'Europe/Paris');
    const to = startOfLocalDay(next, 'Europe/Paris');
    expect((to - from) / HOUR).toBe(hours);
    const shown = await index.list({ camera: 'gare', from: new Date(from).toISOString(), to: new Date(to).toISOString() });
    expect(shown.map((s) => s.id)).toEqual(all.map((s) => s.id));
    expectContiguous(shown);
    const programTimes = buildVodPlaylist(shown, { uri: (s) => s.id })
      .split('\n')
      .filter((l) => l.startsWith('#EXT-X-PROGRAM-DATE-TIME:'))
      .map((l) => Date.parse(l.slice('#EXT-X-PROGRAM-DATE-TIME:'.length)));
    expect(programTimes).toHaveLength(20);
    for (let i = 1; i < programTimes.length; i += 1) expect((programTimes[i] ?? 0) - (programTimes[i - 1] ?? 0)).toBe(SEGMENT_S * 1000);
  });
});

describe('retention under a wall clock that jumps forward', () => {
  let t: TestStore;
  let dir: string;
  beforeEach(async () => {
    t = await openTestStore();
    dir = mkdtempSync(join(tmpdir(), 'vigie-ret-clock-'));
  });
  afterEach(async () => {
    await t.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a jump to 2031 deletes nothing and is audited; runs resume once the clock is fixed, or after a person runs retention', async () => {
    const clock = manualClock(Date.parse('2026-06-10T10:00:00.000Z'));
    const index = createSegmentIndex(t.store.db);
    const recordingsDir = join(dir, 'recordings');
    const paths: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const startMs = clock.wallMs() - (3 - i) * 60_000;
      const path = join('gare', '2026-06-10', `seg-${i}.ts`);
      mkdirSync(join(recordingsDir, 'gare', '2026-06-10'), { recursive: true });
      writeFileSync(join(recordingsDir, path), Buffer.alloc(188));
      paths.push(path);
      await index.add({ id: `gare_${i}`, camera: 'gare', start: new Date(startMs).toISOString(), end: new Date(startMs + 60_000).toISOString(), durationS: 60, bytes: 188, sha256: '0'.repeat(64), path, createdAt: new Date(startMs).toISOString() });
    }
    const printed: string[] = [];
    const guarded = guardRetentionAgainstClockJumps(
      createRetentionService({
        segments: index, holds: t.repos.holds, snapshots: createSnapshotCatalog(t.store.db), audit: t.repos.audit,
        config: () => Promise.resolve(emptyConfig()), recordingsDir, snapshotDir: join(dir, 'snapshots'),
        freeBytes: () => Promise.resolve(1e12), now: () => clock.wallMs(),
      }),
      { clock, audit: t.repos.audit, print: (line) => printed.push(line) },
    );
    const stillThere = async (): Promise<number> => (await index.list({ camera: 'gare' })).length;

    expect(await guarded.runScheduled()).not.toBeNull(); // at start: nothing expired yet
    clock.advance(HOUR);
    clock.jumpWall(5 * 365 * 24 * HOUR); // a wrong NTP answer: 2031
    expect(await guarded.runScheduled()).toBeNull();
    expect(await stillThere()).toBe(3);
    for (const p of paths) expect(existsSync(join(recordingsDir, p))).toBe(true);
    expect(printed.join('\n')).toMatch(/retention skipped: the wall clock jumped forward by 1825 d 0 h .*nothing was deleted/);
    const skipped = await t.repos.audit.list({ action: 'retention.skipped' });
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({ actor: 'system', details: { reason: 'clock_jump', jump_s: 5 * 365 * 24 * 3600, wall_now: '2031-06-09T11:00:00.000Z', last_run: '2026-06-10T10:00:00.000Z' } });

    // An hour later the clock is still wrong: retried, still refused.
    clock.advance(HOUR);
    expect(await guarded.runScheduled()).toBeNull();
    expect(await stillThere()).toBe(3);
    expect(await t.repos.audit.list({ action: 'retention.skipped' })).toHaveLength(2);

    // NTP fixed: the next run goes ahead (and finds nothing expired).
    clock.jumpWall(-5 * 365 * 24 * HOUR);
    expect(await guarded.runScheduled()).toMatchObject({ segmentsDeleted: 0 });

    // A legitimate change confirmed by a person (POST /api/retention/run): that run deletes, and the schedule follows the new clock.
    clock.advance(HOUR);
    clock.jumpWall(30 * 24 * HOUR);
    expect(await guarded.runScheduled()).toBeNull();
    expect(await guarded.service.run({ trigger: 'api', actor: 'admin-1' })).toMatchObject({ segmentsDeleted: 3 });
    clock.advance(HOUR);
    expect(await guarded.runScheduled()).not.toBeNull();
  });
});
