/**
 * A data folder with real recorded segments: a dataset clip re-encoded once
 * (H.264, a keyframe every second) and cut into 10-second MPEG-TS segments by
 * ffmpeg's segment muxer, as the recorder writes them, then indexed.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { VigieEvent } from '../../src/contracts/event.js';
import { createSegmentIndex, type Segment } from '../../src/recording/segment-index.js';
import { createRepositories, openDatabase, type Repositories, type StoreDatabase } from '../../src/store/index.js';

export const SEGMENT_S = 10;
export const BASE_MS = Date.parse('2026-11-28T14:00:00.000Z');
export const at = (seconds: number): string => new Date(BASE_MS + seconds * 1000).toISOString();

export function ffprobeDuration(path: string): number {
  return Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', path], { encoding: 'utf8' }).trim());
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export const event = (id: string, startS: number, camera = 'cam1'): VigieEvent => ({
  id,
  camera,
  rule: 'r1',
  type: 'intrusion',
  severity: 'high',
  start: startS,
  end: startS + 3,
  start_time: at(startS),
  track_ids: [3],
  classes: ['person'],
  box: [0.1, 0.2, 0.1, 0.3],
  score: 0.8,
  snapshot: null,
  clip: null,
  details: { zone: 'z' },
});

export interface RecordedData {
  readonly dataDir: string;
  readonly store: StoreDatabase;
  readonly repos: Repositories;
  readonly segments: readonly Segment[];
}

/** Records `seconds` of `clip` for camera `cam1` into `<dataDir>/recordings/cam1/` and indexes the segments. */
export async function recordedData(dataDir: string, clip: string, seconds = 30): Promise<RecordedData> {
  const folder = join(dataDir, 'recordings', 'cam1');
  mkdirSync(folder, { recursive: true });
  execFileSync('ffmpeg', [
    '-v', 'error', '-t', String(seconds), '-i', clip, '-an', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10',
    '-f', 'segment', '-segment_time', String(SEGMENT_S), '-segment_format', 'mpegts', '-reset_timestamps', '1', join(folder, 'seg%03d.ts'),
  ]);
  const store = await openDatabase({ dataDir });
  const repos = createRepositories(store.db);
  const index = createSegmentIndex(store.db);
  const segments: Segment[] = [];
  let start = 0;
  for (const [i, name] of readdirSync(folder).filter((n) => n.endsWith('.ts')).sort().entries()) {
    const path = join(folder, name);
    const durationS = ffprobeDuration(path);
    const segment: Segment = {
      id: `seg-${i}`,
      camera: 'cam1',
      start: at(start),
      end: at(start + durationS),
      durationS,
      bytes: statSync(path).size,
      sha256: sha256File(path),
      path: `cam1/${name}`,
      createdAt: at(start + durationS),
    };
    await index.add(segment);
    segments.push(segment);
    start += durationS;
  }
  return { dataDir, store, repos, segments };
}
