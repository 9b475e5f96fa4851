/**
 * Blurred playback of recorded footage (`recordings.view`): a range of a
 * camera's segments decoded, people blurred and privacy masks filled
 * (anonymizeVideo), cached as an MP4 under `<data>/cache/footage/`.
 *
 * A cached file is keyed by camera, range and masks; next to it a `.json`
 * lists the segment files it was made from. `sweep` deletes a file once it is
 * older than an hour or once any of its source segments is gone (retention
 * must not be outlived by a copy). Renders are CPU-heavy: one at a time
 * server-wide, and concurrent requests for the same range share one render.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NormPolygon } from '../contracts/geometry.js';
import type { Segment, SegmentQuery } from '../recording/segment-index.js';
import { anonymizeVideo } from './anonymize.js';
import { EvidenceError } from './errors.js';
import type { AnonymizeDetector } from './export.js';

/** A cached render is served for this long, then deleted. */
export const FOOTAGE_CACHE_TTL_MS = 3_600_000;
/** Longest range one request may render. */
export const MAX_FOOTAGE_MS = 10 * 60_000;

export interface FootageDeps {
  /** `<data>/cache/footage` */
  readonly cacheDir: string;
  /** Folder the segment paths of the index are relative to. */
  readonly recordingsDir: string;
  readonly segments: { list(query: SegmentQuery): Promise<readonly Segment[]> };
  /** The camera's privacy masks in the configuration in force. */
  masksOf(camera: string): Promise<readonly NormPolygon[]>;
  openDetector(): Promise<AnonymizeDetector>;
  readonly now: () => number;
}

export interface FootageFile {
  readonly path: string;
  readonly bytes: number;
  readonly camera: string;
  /** The range actually rendered: the request clipped to the recorded segments. */
  readonly from: string;
  readonly to: string;
}

interface Sidecar {
  readonly camera: string;
  readonly from: string;
  readonly to: string;
  /** Segment files (absolute) the video was made from. */
  readonly sources: readonly string[];
}

export interface FootageCache {
  /** The blurred MP4 of [fromMs, toMs), from the cache or rendered now (queued behind other renders). */
  render(camera: string, fromMs: number, toMs: number): Promise<FootageFile>;
  /** Deletes expired files and those whose source segments are gone; returns how many videos were deleted. */
  sweep(): Promise<number>;
  /** Stops the render in progress and refuses new ones (server shutdown). */
  close(): Promise<void>;
}

const exists = async (path: string): Promise<boolean> => {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
};

export function createFootageCache(deps: FootageDeps): FootageCache {
  const inflight = new Map<string, Promise<FootageFile>>();
  // One render at a time: each waits for the previous one to settle.
  let queue: Promise<unknown> = Promise.resolve();
  const closing = new AbortController();

  const fresh = async (key: string): Promise<FootageFile | null> => {
    const video = join(deps.cacheDir, `${key}.mp4`);
    try {
      const [info, text] = await Promise.all([stat(video), readFile(join(deps.cacheDir, `${key}.json`), 'utf8')]);
      const side = JSON.parse(text) as Sidecar;
      if (deps.now() - info.mtimeMs >= FOOTAGE_CACHE_TTL_MS) return null;
      for (const source of side.sources) if (!(await exists(source))) return null;
      return { path: video, bytes: info.size, camera: side.camera, from: side.from, to: side.to };
    } catch {
      return null;
    }
  };

  const renderNow = async (key: string, camera: string, fromMs: number, toMs: number): Promise<FootageFile> => {
    if (closing.signal.aborted) throw new EvidenceError('UNAVAILABLE', 'Vigie is shutting down: no new render');
    const cached = await fresh(key);
    if (cached) return cached;
    const from = new Date(fromMs).toISOString();
    const to = new Date(toMs).toISOString();
    const segments = await deps.segments.list({ camera, from, to });
    const first = segments[0];
    const last = segments[segments.length - 1];
    if (!first || !last) throw new EvidenceError('NOT_FOUND', `camera "${camera}" has no recording between ${from} and ${to}`);
    const startMs = Math.max(fromMs, Date.parse(first.start));
    const endMs = Math.min(toMs, Date.parse(last.end));
    const sources = segments.map((s) => join(deps.recordingsDir, s.path));
    await mkdir(deps.cacheDir, { recursive: true });
    const video = join(deps.cacheDir, `${key}.mp4`);
    const partial = join(deps.cacheDir, `${key}.partial-${randomBytes(4).toString('hex')}.mp4`);
    const detector = await deps.openDetector();
    try {
      await anonymizeVideo({
        segments: sources,
        offsetS: (startMs - Date.parse(first.start)) / 1000,
        durationS: (endMs - startMs) / 1000,
        out: partial,
        detector,
        inFlight: detector.inFlight,
        masks: await deps.masksOf(camera),
        signal: closing.signal,
      });
    } finally {
      await detector.close();
    }
    const side: Sidecar = { camera, from: new Date(startMs).toISOString(), to: new Date(endMs).toISOString(), sources };
    // The sidecar first: a video is never without the list of what it came from.
    await writeFile(join(deps.cacheDir, `${key}.json`), JSON.stringify(side));
    await rename(partial, video);
    const { size } = await stat(video);
    return { path: video, bytes: size, camera, from: side.from, to: side.to };
  };

  return {
    async render(camera, fromMs, toMs) {
      if (!(toMs > fromMs)) throw new EvidenceError('INVALID', 'from must be before to');
      if (toMs - fromMs > MAX_FOOTAGE_MS) throw new EvidenceError('INVALID', `ask for at most ${MAX_FOOTAGE_MS / 60_000} minutes of blurred footage at a time: narrow from and to`);
      const masks = await deps.masksOf(camera);
      // Masks are part of the key: a changed mask must not serve an older render.
      const key = createHash('sha256').update(JSON.stringify([camera, fromMs, toMs, masks])).digest('hex').slice(0, 32);
      const cached = await fresh(key);
      if (cached) return cached;
      let job = inflight.get(key);
      if (!job) {
        job = queue.then(() => renderNow(key, camera, fromMs, toMs));
        queue = job.catch(() => undefined);
        const shared = job;
        inflight.set(key, shared);
        void shared.catch(() => undefined).finally(() => inflight.delete(key));
      }
      return job;
    },
    async close() {
      closing.abort();
      await queue;
    },
    async sweep() {
      let names: string[];
      try {
        names = await readdir(deps.cacheDir);
      } catch {
        return 0;
      }
      let removed = 0;
      for (const name of names) {
        const m = /^([0-9a-f]{32})\.mp4$/.exec(name);
        if (m) {
          if (!(await fresh(m[1]!))) {
            await rm(join(deps.cacheDir, name), { force: true });
            await rm(join(deps.cacheDir, `${m[1]!}.json`), { force: true });
            removed++;
          }
          continue;
        }
        // Leftovers: sidecars without a video and partial renders older than the TTL (a crash mid-render).
        const path = join(deps.cacheDir, name);
        const keyOfSidecar = /^([0-9a-f]{32})\.json$/.exec(name)?.[1];
        if (keyOfSidecar && names.includes(`${keyOfSidecar}.mp4`)) continue;
        const info = await stat(path).catch(() => null);
        if (info && deps.now() - info.mtimeMs >= FOOTAGE_CACHE_TTL_MS) await rm(path, { force: true });
      }
      return removed;
    },
  };
}
