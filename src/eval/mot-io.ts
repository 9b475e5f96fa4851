/**
 * MOT Challenge text format: one box per line,
 * `frame,id,left,top,width,height,conf,x,y,z`, frames counted from 1, boxes in
 * pixels with (left, top) the top-left corner. Ground truth uses `conf` as a
 * 0/1 "score this box" flag; tracker output and detections use it as a score.
 * `x,y,z` are world coordinates or -1 (MOT16+ ground truth puts class and
 * visibility there; they are read as plain numbers).
 */
import type { BoxXYXY } from '../contracts/geometry.js';
import type { TrackFrame } from '../contracts/track.js';

export interface MotRow {
  /** Frame number, from 1. */
  readonly frame: number;
  /** Object id; -1 for detections. */
  readonly id: number;
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
  readonly conf: number;
  readonly x: number;
  readonly y: number;
  readonly z: number;
}

/** Malformed MOT text; `line` is 1-based. */
export class MotFormatError extends Error {
  override readonly name = 'MotFormatError';
  constructor(
    readonly source: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${source}:${line}: ${reason}`);
  }
}

const MIN_FIELDS = 7;
const MAX_FIELDS = 10;

/**
 * Parses MOT Challenge text. Blank lines are skipped; every other line needs 7
 * to 10 numeric comma-separated fields (missing x, y, z read as -1), a frame
 * that is an integer >= 1, an integer id, and a non-negative width and height.
 * Throws MotFormatError naming the source and the line.
 */
export function parseMotText(text: string, source = '<input>'): MotRow[] {
  const rows: MotRow[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    const lineNo = i + 1;
    const parts = line.split(',');
    if (parts.length < MIN_FIELDS || parts.length > MAX_FIELDS) {
      throw new MotFormatError(source, lineNo, `expected ${MIN_FIELDS} to ${MAX_FIELDS} comma-separated values (frame,id,left,top,width,height,conf[,x,y,z]), got ${parts.length}`);
    }
    const v: number[] = [];
    for (let k = 0; k < parts.length; k++) {
      const raw = (parts[k] ?? '').trim();
      const n = raw === '' ? NaN : Number(raw);
      if (!Number.isFinite(n)) throw new MotFormatError(source, lineNo, `field ${k + 1} (${FIELD_NAMES[k] ?? '?'}) is not a number: "${raw}"`);
      v.push(n);
    }
    const [frame = 0, id = 0, left = 0, top = 0, width = 0, height = 0, conf = 0, x = -1, y = -1, z = -1] = v;
    if (!Number.isInteger(frame) || frame < 1) throw new MotFormatError(source, lineNo, `frame must be an integer >= 1 (frames count from 1), got ${frame}`);
    if (!Number.isInteger(id)) throw new MotFormatError(source, lineNo, `id must be an integer, got ${id}`);
    if (width < 0 || height < 0) throw new MotFormatError(source, lineNo, `width and height must be >= 0, got ${width}x${height}`);
    rows.push({ frame, id, left, top, width, height, conf, x, y, z });
  }
  return rows;
}

const FIELD_NAMES = ['frame', 'id', 'left', 'top', 'width', 'height', 'conf', 'x', 'y', 'z'] as const;

/** One line of MOT text (no newline); coordinates rounded to 2 decimals, conf to 4. */
export function formatMotRow(row: MotRow): string {
  return [row.frame, row.id, num(row.left, 2), num(row.top, 2), num(row.width, 2), num(row.height, 2), num(row.conf, 4), num(row.x, 2), num(row.y, 2), num(row.z, 2)].join(',');
}

/** MOT text for rows, one per line, ending with a newline (empty string for no rows). */
export function formatMotText(rows: Iterable<MotRow>): string {
  let out = '';
  for (const r of rows) out += formatMotRow(r) + '\n';
  return out;
}

function num(v: number, digits: number): string {
  return String(Number(v.toFixed(digits)));
}

/** Rows grouped by frame number, frames in increasing order. */
export function groupByFrame(rows: readonly MotRow[]): Map<number, MotRow[]> {
  const byFrame = new Map<number, MotRow[]>();
  for (const r of rows) {
    const list = byFrame.get(r.frame);
    if (list === undefined) byFrame.set(r.frame, [r]);
    else list.push(r);
  }
  return new Map([...byFrame.entries()].sort((a, b) => a[0] - b[0]));
}

export function motRowXyxy(row: MotRow): BoxXYXY {
  return [row.left, row.top, row.left + row.width, row.top + row.height];
}

/**
 * The MOT rows of one tracker frame. The MOT frame number is `seq + 1` by
 * default (analysed frames count from 0, MOT frames from 1); pass another when
 * frames were subsampled. conf is the track's score; x, y, z are -1.
 */
export function trackFrameToMotRows(frame: TrackFrame, motFrame = frame.seq + 1): MotRow[] {
  return frame.tracks.map((t) => ({
    frame: motFrame,
    id: t.id,
    left: t.box[0],
    top: t.box[1],
    width: t.box[2] - t.box[0],
    height: t.box[3] - t.box[1],
    conf: t.score,
    x: -1,
    y: -1,
    z: -1,
  }));
}
