/**
 * One recorded frame at a given time: the segment that holds it, decoded by
 * ffmpeg (input seek, then one frame) into packed RGB24.
 */
import { join } from 'node:path';
import { startFfmpeg } from '../media/ffmpeg-process.js';
import { probeSource } from '../media/ffprobe.js';
import type { Segment, SegmentQuery } from '../recording/segment-index.js';
import { AccessError } from './errors.js';

export interface RecordedFrame {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
  /** The segment it was decoded from and the offset in it, in seconds. */
  readonly segment: string;
  readonly offsetS: number;
}

export interface FrameSource {
  readonly recordingsDir: string;
  readonly segments: { list(query: SegmentQuery): Promise<readonly Segment[]> };
}

/** The segment of `camera` recording at `atMs`, or null (a gap, or deleted by retention). */
export async function segmentAt(source: FrameSource, camera: string, atMs: number): Promise<Segment | null> {
  const candidates = await source.segments.list({ camera, from: new Date(atMs).toISOString(), to: new Date(atMs + 1).toISOString() });
  return candidates.find((s) => Date.parse(s.start) <= atMs && atMs < Date.parse(s.end)) ?? null;
}

/** Decodes the frame shown at `offsetS` seconds into `file`. */
export async function decodeFrame(file: string, offsetS: number): Promise<{ width: number; height: number; data: Buffer }> {
  const { width, height } = await probeSource(file);
  const bytes = width * height * 3;
  const ffmpeg = startFfmpeg({
    args: ['-nostdin', '-v', 'error', '-ss', offsetS.toFixed(3), '-i', file, '-an', '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
  });
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of ffmpeg.stdout as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    received += chunk.length;
  }
  const exit = await ffmpeg.exited;
  if (exit.code !== 0) throw new AccessError('UNAVAILABLE', `ffmpeg could not decode ${file} at ${offsetS.toFixed(3)} s: ${exit.spawnError?.message ?? exit.stderrTail.slice(-3).join(' / ')}`);
  if (received < bytes) throw new AccessError('NOT_FOUND', `no frame at ${offsetS.toFixed(3)} s in ${file}`);
  return { width, height, data: Buffer.concat(chunks, received).subarray(0, bytes) };
}

/** The recorded frame of `camera` at `at` (ISO). */
export async function recordedFrameAt(source: FrameSource, camera: string, at: string): Promise<RecordedFrame> {
  const atMs = Date.parse(at);
  const segment = await segmentAt(source, camera, atMs);
  if (!segment) throw new AccessError('NOT_FOUND', `camera "${camera}" has no recording at ${new Date(atMs).toISOString()} (a recording gap, or footage already deleted by retention): pick another time`);
  const offsetS = (atMs - Date.parse(segment.start)) / 1000;
  const frame = await decodeFrame(join(source.recordingsDir, segment.path), offsetS);
  return { ...frame, segment: segment.id, offsetS };
}

