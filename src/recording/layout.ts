/**
 * Where recordings live, relative to the recordings folder (pure):
 *
 *   <camera>/.incoming/<run>-000001.ts.part    the segment ffmpeg is writing
 *   <camera>/<YYYY-MM-DD>/<YYYYMMDDTHHMMSSmmmZ>.ts   completed segments (UTC start time)
 *
 * The index stores the relative path, so the data folder can move.
 */
import { join } from 'node:path';

export const INCOMING_DIR = '.incoming';
export const PART_SUFFIX = '.part';
export const SEGMENT_EXT = '.ts';

const FINAL_NAME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z\.ts$/;

/** `20260102T030405678Z` for 2026-01-02T03:04:05.678Z. */
export function compactUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:.]/g, '');
}

/** Segment ids name the camera and the start, so a file found on disk maps back to the same id. */
export function segmentId(camera: string, startMs: number): string {
  return `${camera}_${compactUtc(startMs)}`;
}

/** Relative path of a completed segment starting at `startMs`. */
export function segmentRelativePath(camera: string, startMs: number): string {
  const iso = new Date(startMs).toISOString();
  return join(camera, iso.slice(0, 10), `${compactUtc(startMs)}${SEGMENT_EXT}`);
}

/** Start time (ms) encoded in a completed segment's file name; null for any other name. */
export function startFromSegmentName(name: string): number | null {
  const m = FINAL_NAME.exec(name);
  if (!m) return null;
  const [y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0] = m.slice(1).map(Number);
  const value = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  if (new Date(value).getUTCDate() !== d) return null; // 20260231 would roll over into March
  return Number.isNaN(value) ? null : value;
}

/** ffmpeg output pattern of one recorder run (absolute), under the camera's incoming folder. */
export function incomingPattern(recordingsDir: string, camera: string, runId: string): string {
  return join(recordingsDir, camera, INCOMING_DIR, `${runId}-%06d${SEGMENT_EXT}${PART_SUFFIX}`);
}
