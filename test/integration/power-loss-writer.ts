/**
 * Child process of power-loss.test.ts: opens the real store in a data folder and
 * loops over Vigie's real write paths until it is killed with SIGKILL:
 *
 * - a recording segment: the fixture MPEG-TS file is copied into the camera's
 *   `.incoming` folder as the recorder's ffmpeg writes it, then `finalizeSegment`;
 * - every second segment, an event with its snapshot (file written durably, then the row);
 * - every fifth segment, a retention run deleting the segments and snapshots
 *   older than 20 s of virtual time.
 *
 * It prints one line after each operation's promise resolved (`committed segment <id>`,
 * `committed event <id>`, `deleted segment <id>`, `deleted snapshot <event id>`), and
 * `deleting ...` lines before a retention run for what it is about to delete.
 * Virtual time carries on from what the folder already holds, so runs chain.
 *
 * Usage: node --import tsx power-loss-writer.ts <dataDir> <fixture.ts> (the test runs it bundled by esbuild, for a fast start)
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { VigieConfig } from '../../src/config/schema.js';
import { finalizeSegment } from '../../src/recording/finalize.js';
import { runRetention, type RetentionDeps } from '../../src/recording/retention-run.js';
import { createSegmentIndex } from '../../src/recording/segment-index.js';
import { createSnapshotCatalog } from '../../src/recording/snapshot-catalog.js';
import { writeFileDurable } from '../../src/store/durable-fs.js';
import { createRepositories, openDatabase } from '../../src/store/index.js';
import { POWER_LOSS_CAMERA, POWER_LOSS_RETENTION_DAYS, POWER_LOSS_SEGMENT_MS, POWER_LOSS_START_MS, snapshotBytes } from './power-loss-shared.js';

const [dataDir, fixture] = process.argv.slice(2);
if (!dataDir || !fixture) throw new Error('usage: power-loss-writer.ts <dataDir> <fixture.ts>');

const say = (line: string): void => void process.stdout.write(`${line}\n`);
const iso = (ms: number): string => new Date(ms).toISOString();

const store = await openDatabase({ dataDir });
const repos = createRepositories(store.db);
const index = createSegmentIndex(store.db);
const recordingsDir = join(dataDir, 'recordings');
const snapshotDir = join(dataDir, 'snapshots');
const incoming = join(recordingsDir, POWER_LOSS_CAMERA, '.incoming');
await mkdir(incoming, { recursive: true });
await mkdir(snapshotDir, { recursive: true });

// The configuration's shape as retention reads it (parsing it with zod would only slow the start).
const config = { recording: { min_free_mb: 0 }, cameras: [{ id: POWER_LOSS_CAMERA, recording: { retention_days: POWER_LOSS_RETENTION_DAYS } }] } as unknown as VigieConfig;
const deps: RetentionDeps = {
  segments: index,
  holds: repos.holds,
  snapshots: createSnapshotCatalog(store.db),
  audit: repos.audit,
  config: () => Promise.resolve(config),
  recordingsDir,
  snapshotDir,
  freeBytes: () => Promise.resolve(Number.MAX_SAFE_INTEGER),
};

const latestSegment = await store.db.selectFrom('segments').select((eb) => eb.fn.max('end_at').as('end')).executeTakeFirst();
const latestEvent = await store.db.selectFrom('events').select((eb) => eb.fn.max('start_time').as('start')).executeTakeFirst();
let now = Math.max(POWER_LOSS_START_MS, Date.parse(String(latestSegment?.end ?? 0)) || 0, Date.parse(String(latestEvent?.start ?? 0)) || 0) + 1000;

say('ready');
for (let n = 1; ; n += 1) {
  const part = join(incoming, `${process.pid}-${String(n).padStart(6, '0')}.ts.part`);
  await copyFile(fixture, part);
  const segment = await finalizeSegment(index, { recordingsDir, camera: POWER_LOSS_CAMERA, tempPath: part, startMs: now, endMs: now + POWER_LOSS_SEGMENT_MS, createdAt: iso(Date.now()) });
  now += POWER_LOSS_SEGMENT_MS;
  say(`committed segment ${segment.id}`);

  if (n % 2 === 0) {
    const id = `ev-${now}`;
    await writeFileDurable(join(snapshotDir, `${id}.jpg`), snapshotBytes(id));
    await repos.events.upsert({
      id, camera: POWER_LOSS_CAMERA, rule: 'r1', type: 'intrusion', severity: 'high', start: 0, end: null,
      start_time: iso(now), track_ids: [1], classes: ['person'], box: [0.1, 0.1, 0.2, 0.4],
      score: 0.8, snapshot: `/api/events/${id}/snapshot.jpg`, clip: null, details: {},
    });
    say(`committed event ${id}`);
  }

  if (n % 5 === 0) {
    const preview = await runRetention(deps, { dryRun: true, preview: true, now });
    for (const s of preview.plan.segments) say(`deleting segment ${s.id}`);
    for (const s of preview.plan.snapshots) say(`deleting snapshot ${s.eventId}`);
    const run = await runRetention(deps, { now });
    if (run.errors.length > 0) throw new Error(`retention failed: ${run.errors.join('; ')}`);
    for (const s of run.plan.segments) say(`deleted segment ${s.id}`);
    for (const s of run.plan.snapshots) say(`deleted snapshot ${s.eventId}`);
  }
}
