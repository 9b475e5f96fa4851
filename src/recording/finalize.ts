/**
 * Turns a completed temporary segment into an indexed one: rename to its final
 * name, hash it, then add the index row. The row is written last, so a crash
 * or a failure in between leaves a file without a row (re-indexed by
 * reconciliation at the next start), never a row without its file.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
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
}

/** Renames, hashes and indexes one segment; returns the indexed row. */
export async function finalizeSegment(index: SegmentIndex, input: FinalizeInput): Promise<Segment> {
  const written = (await stat(input.tempPath)).size;
  if (!isWholeTransportStream(written)) {
    await rm(input.tempPath, { force: true });
    throw new TruncatedSegmentError(input.tempPath, written);
  }
  const relative = segmentRelativePath(input.camera, input.startMs);
  const target = join(input.recordingsDir, relative);
  await mkdir(dirname(target), { recursive: true });
  await rename(input.tempPath, target);
  const [info, sha256] = await Promise.all([stat(target), sha256File(target)]);
  const segment: Segment = {
    id: segmentId(input.camera, input.startMs),
    camera: input.camera,
    start: new Date(input.startMs).toISOString(),
    end: new Date(input.endMs).toISOString(),
    durationS: Math.round((input.endMs - input.startMs)) / 1000,
    bytes: info.size,
    sha256,
    path: relative,
    createdAt: input.createdAt,
  };
  await index.add(segment);
  return segment;
}
