/**
 * Turns a completed temporary segment into an indexed one: fsync it, move it to
 * its final name (never over an existing file), fsync the folders, hash it, then
 * add the index row. The row is written last, once the file and its name are on
 * the disk, so a crash or a power cut in between leaves a file without a row
 * (re-indexed by reconciliation at the next start), never a row without its file.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fsyncFile, mkdirDurable, moveNoClobber } from '../store/durable-fs.js';
import type { Segment, SegmentIndex } from './segment-index.js';
import { segmentId, segmentRelativePath } from './layout.js';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** MPEG-TS is a sequence of 188-byte packets: a file of another size was cut short (a failed write). */
export const TS_PACKET_BYTES = 188;
export function isWholeTransportStream(bytes: number): boolean {
  return bytes > 0 && bytes % TS_PACKET_BYTES === 0;
}

/** Thrown for a segment ffmpeg announced but could not write entirely (disk full): it is deleted, never indexed. */
export class TruncatedSegmentError extends Error {
  constructor(path: string, bytes: number) {
    super(`segment ${path} is truncated (${bytes} bytes, not whole 188-byte packets: a write failed) and was discarded`);
    this.name = 'TruncatedSegmentError';
  }
}

export interface FinalizeInput {
  readonly recordingsDir: string;
  readonly camera: string;
  /** The completed temporary file. */
  readonly tempPath: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly createdAt: string;
  /** Where a segment filed under another name is reported; default stderr. */
  readonly onLog?: (line: string) => void;
}

/** How many later milliseconds are tried when a segment's name is taken, before giving up. */
export const MAX_NAME_SHIFT_MS = 1000;

/** Moves, hashes and indexes one segment; returns the indexed row. */
export async function finalizeSegment(index: SegmentIndex, input: FinalizeInput): Promise<Segment> {
  const written = (await stat(input.tempPath)).size;
  if (!isWholeTransportStream(written)) {
    await rm(input.tempPath, { force: true });
    throw new TruncatedSegmentError(input.tempPath, written);
  }
  await fsyncFile(input.tempPath);
  const { startMs, relative } = await fileUnderFreeName(index, input);
  const target = join(input.recordingsDir, relative);
  if (startMs !== input.startMs) {
    const log = input.onLog ?? ((line: string) => void process.stderr.write(`${line}\n`));
    log(`segment of camera ${input.camera} starting ${new Date(input.startMs).toISOString()}: that name is already taken (the clock went back?), filed ${startMs - input.startMs} ms later as ${relative} so that no footage is overwritten`);
  }
  const shift = startMs - input.startMs;
  const [info, sha256] = await Promise.all([stat(target), sha256File(target)]);
  const segment: Segment = {
    id: segmentId(input.camera, startMs),
    camera: input.camera,
    start: new Date(startMs).toISOString(),
    end: new Date(input.endMs + shift).toISOString(),
    durationS: Math.round((input.endMs - input.startMs)) / 1000,
    bytes: info.size,
    sha256,
    path: relative,
    createdAt: input.createdAt,
  };
  await index.add(segment);
  return segment;
}

/**
 * Moves the temporary file to the name of its start time, or of the next free
 * millisecond when a file or a row already has that name: a segment is never
 * written over another (after a clock jump backwards two can start at the same time).
 */
async function fileUnderFreeName(index: SegmentIndex, input: FinalizeInput): Promise<{ startMs: number; relative: string }> {
  for (let startMs = input.startMs; startMs <= input.startMs + MAX_NAME_SHIFT_MS; startMs += 1) {
    const relative = segmentRelativePath(input.camera, startMs);
    if ((await index.get(segmentId(input.camera, startMs))) !== null) continue;
    const target = join(input.recordingsDir, relative);
    await mkdirDurable(dirname(target));
    try {
      await moveNoClobber(input.tempPath, target);
      return { startMs, relative };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw new Error(`segment ${input.tempPath} of camera ${input.camera}: every name from ${new Date(input.startMs).toISOString()} to ${MAX_NAME_SHIFT_MS} ms later is taken; it is kept in place, check the recordings folder and the clock`);
}
