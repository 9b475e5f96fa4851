import { createHash } from 'node:crypto';
import { z } from 'zod';
import { OBJECT_CLASSES, type ObjectClass } from '../contracts/classes.js';
import type { TrackFrame, TrackSnapshot } from '../contracts/track.js';
import type { CameraConfig, DetectorConfig } from '../config/schema.js';

/**
 * Tracks cache: the tracker's output of one clip, as the rules receive it, so
 * that rules can be re-run (swept) without decoding and detecting again.
 * Bump the format whenever detection, tracking or this encoding changes what a
 * clip yields: every older cache file then misses.
 */
export const TRACK_CACHE_FORMAT = 1;

/** One analysed frame: what the rules get (tracks, wall time) and what the analyze summary counts. */
export interface CachedFrame {
  readonly tracks: TrackFrame;
  /** Wall-clock time the pipeline gave the rules for this frame (ms since epoch). */
  readonly wallMs: number;
  /** The detector ran on this frame (not skipped by motion gating). */
  readonly detected: boolean;
  /** Detections handed to the tracker. */
  readonly detections: number;
}

export interface TrackRecording {
  readonly key: string;
  readonly camera: string;
  /** Analysis frames per second. */
  readonly fps: number;
  /** Wall-clock time of stream time 0 (the event lifecycle's `baseWallMs`); 0 when there is no frame. */
  readonly baseWallMs: number;
  readonly frames: readonly CachedFrame[];
}

/** What identifies the video file without reading all of it. */
export interface VideoFingerprint {
  readonly size: number;
  readonly mtimeMs: number;
  /** SHA-256 (hex) of the first MiB. */
  readonly headSha256: string;
}

/** Everything that changes the tracks of a clip: a change in any of them is a cache miss. */
export interface DetectionSettings {
  readonly detect: CameraConfig['detect'];
  readonly masks: CameraConfig['masks'];
  /** Engine and model (by path); worker threads do not change detections and are left out. */
  readonly detector: Omit<DetectorConfig, 'workers'>;
  readonly fps: number;
  readonly width: number;
}

/** Hex key of a clip's tracks under given detection settings. */
export function trackCacheKey(video: VideoFingerprint, settings: DetectionSettings): string {
  const canonical = JSON.stringify({ format: TRACK_CACHE_FORMAT, video, settings });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

// One track: [id, x1, y1, x2, y2, score, class, matched 0/1, ageFrames, vx, vy].
type TrackTuple = [number, number, number, number, number, number, ObjectClass, 0 | 1, number, number, number];
// One frame: [seq, tSec, wallMs, width, height, detected 0/1, detections, endedTrackIds, tracks].
type FrameTuple = [number, number, number, number, number, 0 | 1, number, number[], TrackTuple[]];

const bit = z.union([z.literal(0), z.literal(1)]);
const trackTuple = z.tuple([z.number().int(), z.number(), z.number(), z.number(), z.number(), z.number(), z.enum(OBJECT_CLASSES as [ObjectClass, ...ObjectClass[]]), bit, z.number().int(), z.number(), z.number()]);
const frameTuple = z.tuple([z.number().int().min(0), z.number(), z.number(), z.number().int(), z.number().int(), bit, z.number().int().min(0), z.array(z.number().int()), z.array(trackTuple)]);
const headerSchema = z
  .object({ vigie: z.literal('tracks-cache'), format: z.literal(TRACK_CACHE_FORMAT), key: z.string(), camera: z.string(), fps: z.number().positive(), baseWallMs: z.number(), frames: z.number().int().min(0) })
  .strict();

const encodeTrack = (t: TrackSnapshot): TrackTuple => [t.id, t.box[0], t.box[1], t.box[2], t.box[3], t.score, t.cls, t.matched ? 1 : 0, t.ageFrames, t.velocity[0], t.velocity[1]];

/** A frame as one JSON line (full precision: a replay must give the rules the very same numbers). */
export function encodeFrame(f: CachedFrame): string {
  const { tracks: t } = f;
  const tuple: FrameTuple = [t.seq, t.tSec, f.wallMs, t.width, t.height, f.detected ? 1 : 0, f.detections, [...t.endedTrackIds], t.tracks.map(encodeTrack)];
  return JSON.stringify(tuple);
}

function decodeFrame(line: string, where: string): CachedFrame {
  const parsed = frameTuple.safeParse(JSON.parse(line));
  if (!parsed.success) throw new Error(`${where}: not a cached frame (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  const [seq, tSec, wallMs, width, height, detected, detections, endedTrackIds, tracks] = parsed.data;
  return {
    wallMs,
    detected: detected === 1,
    detections,
    tracks: {
      seq,
      tSec,
      width,
      height,
      endedTrackIds,
      tracks: tracks.map(([id, x1, y1, x2, y2, score, cls, matched, ageFrames, vx, vy]) => ({ id, box: [x1, y1, x2, y2], score, cls, matched: matched === 1, ageFrames, velocity: [vx, vy] })),
    },
  };
}

/** The whole recording as text: a header line, then one line per frame. */
export function encodeRecording(r: TrackRecording): string {
  const header = { vigie: 'tracks-cache', format: TRACK_CACHE_FORMAT, key: r.key, camera: r.camera, fps: r.fps, baseWallMs: r.baseWallMs, frames: r.frames.length };
  return [JSON.stringify(header), ...r.frames.map(encodeFrame), ''].join('\n');
}

/** Parses `encodeRecording` output; throws naming `where` when the text is not a complete cache of `expectedKey`. */
export function decodeRecording(text: string, expectedKey: string, where: string): TrackRecording {
  const lines = text.split('\n').filter((l) => l !== '');
  const header = headerSchema.safeParse(JSON.parse(lines[0] ?? 'null'));
  if (!header.success) throw new Error(`${where}: not a tracks cache of format ${TRACK_CACHE_FORMAT}`);
  const { key, camera, fps, baseWallMs, frames } = header.data;
  if (key !== expectedKey) throw new Error(`${where}: holds tracks of another clip or other settings`);
  if (lines.length - 1 !== frames) throw new Error(`${where}: truncated (${lines.length - 1} of ${frames} frames)`);
  return { key, camera, fps, baseWallMs, frames: lines.slice(1).map((l, i) => decodeFrame(l, `${where}:${i + 2}`)) };
}

/** What a recorder needs of a pipeline frame result (`FrameResult` fits). */
export interface RecordableFrame {
  readonly frame: { readonly wallMs: number; readonly ptsMs: number };
  readonly tracks: TrackFrame;
  readonly detected: boolean;
  readonly detections: { readonly length: number };
}

/** Collects a run's frames as they are analysed; copies them at once (the tracker may reuse its objects). */
export function createTrackRecorder(key: string, camera: string, fps: number): { add(result: RecordableFrame): void; finish(): TrackRecording } {
  const lines: string[] = [];
  let baseWallMs: number | null = null;
  return {
    add(r) {
      // The pipeline's own rule: stream time 0 is the first frame's wall time minus its pts.
      baseWallMs ??= r.frame.wallMs - r.frame.ptsMs;
      lines.push(encodeFrame({ tracks: r.tracks, wallMs: r.frame.wallMs, detected: r.detected, detections: r.detections.length }));
    },
    // Decoded from the lines, as a cache hit would be: a fresh run and a replay see the same numbers (-0 becomes 0).
    finish: () => ({ key, camera, fps, baseWallMs: baseWallMs ?? 0, frames: lines.map((l, i) => decodeFrame(l, `frame ${i}`)) }),
  };
}
