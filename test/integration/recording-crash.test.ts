import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256File } from '../../src/recording/finalize.js';
import { createSegmentIndex } from '../../src/recording/segment-index.js';
import { createRepositories, openDatabase } from '../../src/store/index.js';
import { datasetFile } from '../helpers/datasets.js';

const BIN = fileURLToPath(new URL('../../bin/vigie.js', import.meta.url));
// h264 with a keyframe every 4.8 s: with segment_s 10, segments last 9.6 to 14.4 s.
const clip = datasetFile('intel-sample-videos/car-detection.mp4');
const LONGEST_SEGMENT_S = 14.4;

function startServer(configPath: string, dataDir: string, port: number): { child: ChildProcess; log: () => string; running: Promise<void> } {
  const child = spawn(process.execPath, [BIN, 'start', '--config', configPath, '--data', dataDir, '--port', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, VIGIE_ADMIN_PASSWORD: 'crash-test-password-1234' },
  });
  let text = '';
  const running = new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer): void => {
      text += d.toString();
      if (text.includes('Vigie is running')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`vigie start exited (${code}) before running:\n${text}`)));
  });
  return { child, log: () => text, running };
}

const segmentFiles = (dir: string): string[] => {
  const cam = join(dir, 'recordings', 'gare');
  if (!existsSync(cam)) return [];
  return readdirSync(cam, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== '.incoming')
    .flatMap((d) => readdirSync(join(cam, d.name)).map((f) => `gare/${d.name}/${f}`));
};

/** ffmpeg processes whose command line names this data folder (the recorder writes there). */
const ffmpegWritingTo = (dir: string): string[] =>
  readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'ffmpeg' && readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(dir);
      } catch {
        return false;
      }
    });

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(clip.missing || process.platform !== 'linux')('vigie start killed with SIGKILL while recording', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-rec-crash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loses at most the segment being written, and the index matches the files after restart', async () => {
    const configPath = join(dir, 'vigie.yaml');
    writeFileSync(
      configPath,
      [
        'detector: { workers: 1 }',
        'cameras:',
        `  - id: gare`,
        `    source: ${JSON.stringify(clip.path)}`,
        '    loop: true',
        '    detect: { backend: motion, fps: 2, width: 320 }',
        '    recording: { enabled: true, segment_s: 10 }',
      ].join('\n'),
    );
    const data = join(dir, 'data');
    const port = 20_000 + Math.floor(Math.random() * 20_000);

    const first = startServer(configPath, data, port);
    await first.running;
    await until('two recorded segments', () => segmentFiles(data).length >= 2, 45_000);
    const killedAt = Date.now();
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    // The recorder dies with the server (parent-death signal): nothing keeps writing.
    await until('the orphaned recorder to be gone', () => ffmpegWritingTo(data).length === 0, 5_000);
    const part = readdirSync(join(data, 'recordings', 'gare', '.incoming'));
    expect(part.length).toBe(1); // the segment being written

    const second = startServer(configPath, data, port + 1);
    await second.running;
    expect(second.log()).toMatch(/recordings reconciled with the index: .*1 part_removed/);
    const restartedAt = Date.now();
    second.child.kill('SIGTERM'); // clean stop: completes and indexes the current segment, with the gap before it
    await new Promise((r) => second.child.once('exit', r));

    const store = await openDatabase({ dataDir: data });
    try {
      const index = createSegmentIndex(store.db);
      const segments = await index.list({ camera: 'gare' });
      const files = segmentFiles(data);
      expect(segments.map((s) => s.path).sort()).toEqual(files.sort());
      for (const s of segments) expect(await sha256File(join(data, 'recordings', s.path))).toBe(s.sha256);
      expect(readdirSync(join(data, 'recordings', 'gare', '.incoming'))).toEqual([]);

      // What was lost: from the last indexed segment to the restart, i.e. at most the segment
      // being written plus the time the server was down; it ends before the first new segment.
      const gaps = await index.gaps({ camera: 'gare' });
      const lost = gaps.filter((g) => g.reason === 'lost_on_crash');
      expect(lost).toHaveLength(1);
      const lostS = (Date.parse(lost[0]?.end ?? '') - Date.parse(lost[0]?.start ?? '')) / 1000;
      expect(lostS).toBeLessThanOrEqual(LONGEST_SEGMENT_S + (restartedAt - killedAt) / 1000);
      expect(lost[0]?.start).toBe(segments.filter((s) => s.start < (lost[0]?.start ?? '')).at(-1)?.end);

      const audit = await createRepositories(store.db).audit.list({ action: 'recording.reconcile' });
      // The segment being written is removed; one the kill caught between its durable move and its row
      // (finalize: file first, row last) is indexed again from the file: nothing else is touched.
      const kinds = audit.map((a) => a.details.kind);
      expect(kinds.filter((k) => k === 'part_removed')).toHaveLength(1);
      expect(kinds.filter((k) => k !== 'part_removed' && k !== 'file_indexed')).toEqual([]);
      expect(audit[0]?.actor).toBe('system');
    } finally {
      await store.close();
    }
  });
});
