import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { decodeRecording, encodeRecording, type TrackRecording, type VideoFingerprint } from './track-cache.js';

const HEAD_BYTES = 1 << 20;

/** Size, modification time and SHA-256 of the first MiB: enough to tell clips apart without reading gigabytes. */
export async function fingerprintVideo(path: string): Promise<VideoFingerprint> {
  const info = await stat(path);
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(Math.min(HEAD_BYTES, info.size));
    await file.read(head, 0, head.length, 0);
    return { size: info.size, mtimeMs: info.mtimeMs, headSha256: createHash('sha256').update(head).digest('hex') };
  } finally {
    await file.close();
  }
}

/** Path of the cache file of `key` in `dir`. */
export const trackCacheFile = (dir: string, key: string): string => join(dir, `${key}.tracks.jsonl.gz`);

/** The cached recording of `key`, or null when there is none. A damaged file throws naming it. */
export async function readTrackCache(dir: string, key: string): Promise<TrackRecording | null> {
  const path = trackCacheFile(dir, key);
  let gz: Buffer;
  try {
    gz = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    return decodeRecording(gunzipSync(gz).toString('utf8'), key, path);
  } catch (err) {
    throw new Error(`tracks cache ${path} is unreadable (${(err as Error).message}): delete it to rebuild the cache`);
  }
}

/** Writes the recording (gzip) through a temporary file, so that a crash never leaves a half cache under the key. */
export async function writeTrackCache(dir: string, recording: TrackRecording): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = trackCacheFile(dir, recording.key);
  const partial = `${path}.${process.pid}.partial`;
  await writeFile(partial, gzipSync(encodeRecording(recording)));
  await rename(partial, path);
  return path;
}
