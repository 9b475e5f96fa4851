/**
 * Storage under sudden death: a writer process (power-loss-writer.ts) runs
 * Vigie's real write paths (segments finalized from `.incoming`, events with
 * their snapshots, retention deletes) on one data folder and is killed with
 * SIGKILL at a random moment, 50 times in a row. After each kill the store is
 * reopened, start-up reconciliation runs, and the folder must be consistent:
 * every acknowledged write present and whole, every acknowledged delete gone,
 * no row pointing at a missing or truncated file, no stray file, no lost
 * footage reported, and `PRAGMA integrity_check` ok.
 *
 * What it proves: the ORDER of the writes is crash-consistent (file durable
 * before its row, delete intent before the unlink, rows and intent removed
 * together), whatever instruction the process dies at.
 * What it cannot prove: survival of a real power cut. SIGKILL does not drop the
 * operating system's page cache, so data written but not yet on the disk
 * survives here; the fsyncs (file, then folder, then the SQLite commit with
 * synchronous=FULL) are what cover a power cut, and only a machine whose power
 * is actually cut (or a block-device fault injector) can test them.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWholeTransportStream, sha256File } from '../../src/recording/finalize.js';
import { segmentId, startFromSegmentName } from '../../src/recording/layout.js';
import { reconcileRecordings, type ReconcileAction } from '../../src/recording/reconcile.js';
import { createSegmentIndex } from '../../src/recording/segment-index.js';
import { createSnapshotCatalog } from '../../src/recording/snapshot-catalog.js';
import { createRepositories, openDatabase } from '../../src/store/index.js';
import { makeTempDir, makeTestClip } from '../helpers/media-fixtures.js';
import { rng } from '../helpers/random.js';
import { POWER_LOSS_CAMERA, snapshotBytes } from './power-loss-shared.js';

const KILLS = 50;
const WRITER_SOURCE = fileURLToPath(new URL('./power-loss-writer.ts', import.meta.url));
/** The writer bundled once into plain JS inside the project (so its packages resolve): starting it 50 times through tsx would take minutes on 2 cores. */
const WRITER = fileURLToPath(new URL(`../../node_modules/.cache/vigie-power-loss/writer-${process.pid}.mjs`, import.meta.url));

/** What the writer acknowledged, accumulated over all its lives. */
interface Ledger {
  readonly committedSegments: Set<string>;
  readonly deletingSegments: Set<string>;
  readonly deletedSegments: Set<string>;
  readonly committedEvents: Set<string>;
  readonly deletingSnapshots: Set<string>;
  readonly deletedSnapshots: Set<string>;
}

/** Runs the writer, kills it `delayMs` after it said `ready`, returns the lines it completed. */
async function runAndKill(dataDir: string, fixture: string, delayMs: number): Promise<string[]> {
  const child = spawn(process.execPath, [WRITER, dataDir, fixture], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`writer not ready after 60 s: ${err}`)), 60_000);
    child.stdout.on('data', () => {
      if (out.startsWith('ready\n')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`writer exited before it was ready: ${err}`));
    });
  });
  try {
    await ready;
    await new Promise((r) => setTimeout(r, delayMs));
  } finally {
    child.kill('SIGKILL');
  }
  const { signal } = await exited;
  expect(signal, `the writer died by itself: ${err}`).toBe('SIGKILL');
  // Only whole lines were acknowledged: a line cut by the kill is not.
  return out.split('\n').slice(1, -1);
}

function record(ledger: Ledger, lines: readonly string[]): void {
  for (const line of lines) {
    const [verb, what, id = ''] = line.split(' ');
    const key = `${verb} ${what}`;
    if (key === 'committed segment') ledger.committedSegments.add(id);
    else if (key === 'deleting segment') ledger.deletingSegments.add(id);
    else if (key === 'deleted segment') ledger.deletedSegments.add(id);
    else if (key === 'committed event') ledger.committedEvents.add(id);
    else if (key === 'deleting snapshot') ledger.deletingSnapshots.add(id);
    else if (key === 'deleted snapshot') ledger.deletedSnapshots.add(id);
    else throw new Error(`unexpected writer line: ${line}`);
  }
}

/** Every file under a folder, relative to it. */
function filesUnder(root: string, dir = ''): string[] {
  if (!existsSync(join(root, dir))) return [];
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(root, join(dir, e.name)) : [join(dir, e.name)]));
}

/** Reopens the store, reconciles as `vigie start` does, and checks every invariant; returns reconciliation's actions. */
async function reconcileAndCheck(dataDir: string, ledger: Ledger, kill: number): Promise<readonly ReconcileAction[]> {
  const store = await openDatabase({ dataDir });
  try {
    const repos = createRepositories(store.db);
    const index = createSegmentIndex(store.db);
    const catalog = createSnapshotCatalog(store.db);
    const recordingsDir = join(dataDir, 'recordings');
    const snapshotDir = join(dataDir, 'snapshots');
    const { actions } = await reconcileRecordings({ recordingsDir, index, snapshots: { dir: snapshotDir, catalog }, audit: repos.audit, clock: Date.now });
    const at = `after kill ${kill}`;

    expect((await sql<{ integrity_check: string }>`pragma integrity_check`.execute(store.db)).rows).toEqual([{ integrity_check: 'ok' }]);
    // Nothing lost, nothing unreadable: only interrupted work was tidied.
    const kinds = new Set(actions.map((a) => a.kind));
    for (const bad of ['row_removed', 'file_unreadable', 'snapshot_missing', 'delete_failed'] as const) expect(kinds.has(bad), `${at}: ${JSON.stringify(actions)}`).toBe(false);
    expect(await store.db.selectFrom('pending_deletes').selectAll().execute(), at).toEqual([]);

    // Segments: rows and files match one to one, each file whole and as hashed.
    const segments = await index.list();
    const byId = new Map(segments.map((s) => [s.id, s]));
    const files = filesUnder(recordingsDir).sort();
    expect(files, at).toEqual(segments.map((s) => s.path).sort());
    for (const s of segments) {
      expect(s.path, at).not.toMatch(/\.part$|\.incoming/);
      const path = join(recordingsDir, s.path);
      expect(statSync(path).size, `${at}: ${s.path}`).toBe(s.bytes);
      expect(isWholeTransportStream(s.bytes), `${at}: ${s.path}`).toBe(true);
      expect(await sha256File(path), `${at}: ${s.path}`).toBe(s.sha256);
    }
    for (const id of ledger.committedSegments) {
      if (!ledger.deletingSegments.has(id)) expect(byId.has(id), `${at}: committed segment ${id} is gone`).toBe(true);
    }
    for (const id of ledger.deletedSegments) expect(byId.has(id), `${at}: deleted segment ${id} is back`).toBe(false);
    for (const a of actions.filter((x) => x.kind === 'delete_finished' && !x.path.endsWith('.jpg'))) {
      // An interrupted delete concerns a segment retention had begun deleting.
      const id = segmentId(POWER_LOSS_CAMERA, startFromSegmentName(basename(a.path)) ?? Number.NaN);
      expect(ledger.deletingSegments.has(id), `${at}: ${a.path} deleted though no retention run planned it`).toBe(true);
    }

    // Events and snapshots: every reference points at its whole file, and every file is referenced.
    const events = await store.db.selectFrom('events').select(['id', 'snapshot']).execute();
    const eventById = new Map(events.map((e) => [e.id, e]));
    const referenced = events.filter((e) => e.snapshot !== null).map((e) => `${e.id}.jpg`).sort();
    expect(readdirSync(snapshotDir).sort(), at).toEqual(referenced);
    for (const name of referenced) {
      const id = name.slice(0, -4);
      expect(readFileSync(join(snapshotDir, name)).equals(snapshotBytes(id)), `${at}: snapshot ${name} is not whole`).toBe(true);
    }
    for (const id of ledger.committedEvents) {
      const row = eventById.get(id);
      expect(row, `${at}: committed event ${id} is gone`).toBeDefined();
      if (!ledger.deletingSnapshots.has(id)) expect(row?.snapshot, `${at}: snapshot of ${id} lost`).not.toBeNull();
    }
    for (const id of ledger.deletedSnapshots) expect(eventById.get(id)?.snapshot, `${at}: deleted snapshot of ${id} is back`).toBeNull();
    for (const a of actions.filter((x) => x.kind === 'snapshot_orphan_removed')) {
      expect(ledger.committedEvents.has(a.path.replace(/^snapshots\//, '').replace(/\.jpg$/, '')), `${at}: a committed event's snapshot was removed`).toBe(false);
    }
    return actions;
  } finally {
    await store.close();
  }
}

describe.skipIf(process.platform !== 'linux')('storage killed with SIGKILL at random moments', () => {
  let tmp: Awaited<ReturnType<typeof makeTempDir>>;
  let fixture: string;
  beforeAll(async () => {
    tmp = await makeTempDir();
    // A real, small MPEG-TS segment (whole 188-byte packets), copied by the writer as ffmpeg would write it.
    fixture = await makeTestClip(tmp.dir, 'segment', { width: 160, height: 120, rate: 10, durationSec: 1, format: 'ts' });
    await build({ entryPoints: [WRITER_SOURCE], outfile: WRITER, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' });
  });
  afterAll(async () => {
    await tmp.cleanup();
    rmSync(WRITER, { force: true });
  });

  it(`keeps every acknowledged write and delete across ${KILLS} kills of the writer, with a consistent folder each time`, async () => {
    const dataDir = join(tmp.dir, 'data');
    const random = rng(20_261_128);
    const ledger: Ledger = {
      committedSegments: new Set(),
      deletingSegments: new Set(),
      deletedSegments: new Set(),
      committedEvents: new Set(),
      deletingSnapshots: new Set(),
      deletedSnapshots: new Set(),
    };
    const tidied = new Map<string, number>();
    for (let kill = 1; kill <= KILLS; kill += 1) {
      const delayMs = 50 + Math.floor(random() * 1450);
      record(ledger, await runAndKill(dataDir, fixture, delayMs));
      for (const a of await reconcileAndCheck(dataDir, ledger, kill)) tidied.set(a.kind, (tidied.get(a.kind) ?? 0) + 1);
    }
    // The writer did real work across its lives, deletes included.
    expect(ledger.committedSegments.size).toBeGreaterThan(KILLS);
    expect(ledger.committedEvents.size).toBeGreaterThan(10);
    expect(ledger.deletedSegments.size).toBeGreaterThan(10);
    expect(ledger.deletedSnapshots.size).toBeGreaterThan(0);
    console.info(`power-loss: ${ledger.committedSegments.size} segments, ${ledger.committedEvents.size} events, ${ledger.deletedSegments.size} segment deletes acknowledged; reconciliation tidied ${JSON.stringify(Object.fromEntries(tidied))}`);
  });
});
