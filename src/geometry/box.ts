/**
 * Pure helpers on axis-aligned boxes. The coordinate format is in every name:
 * `xyxy` = corners (left, top, right, bottom), `ltwh` = left, top, width, height;
 * `Norm*` = normalised to the frame (x / width, y / height), otherwise pixels.
 */
import type { BoxXYXY, NormBoxLTWH, SizeWH } from '../contracts/geometry.js';

/** A pixel box as left, top, width, height (the MOT Challenge text format). */
export type BoxLTWH = readonly [left: number, top: number, width: number, height: number];

/** A pixel point [x, y]. */
export type PointXY = readonly [x: number, y: number];

/** Area of a box; 0 for a degenerate (inverted or empty) box. */
export function boxArea(box: BoxXYXY): number {
  const w = box[2] - box[0];
  const h = box[3] - box[1];
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * Intersection over union of two boxes given as eight numbers (no allocation:
 * used in the tracker's and the evaluator's inner loops). 0 when both are empty.
 */
export function iouXYXY(
  ax1: number, ay1: number, ax2: number, ay2: number,
  bx1: number, by1: number, bx2: number, by2: number,
): number {
  const iw = Math.min(ax2, bx2) - Math.max(ax1, bx1);
  if (iw <= 0) return 0;
  const ih = Math.min(ay2, by2) - Math.max(ay1, by1);
  if (ih <= 0) return 0;
  const inter = iw * ih;
  const areaA = Math.max(0, ax2 - ax1) * Math.max(0, ay2 - ay1);
  const areaB = Math.max(0, bx2 - bx1) * Math.max(0, by2 - by1);
  const union = areaA + areaB - inter;
  return union > 0 ? inter / union : 0;
}

/** Intersection over union of two corner boxes, in [0, 1]. */
export function boxIou(a: BoxXYXY, b: BoxXYXY): number {
  return iouXYXY(a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3]);
}

export function xyxyToLtwh(box: BoxXYXY): BoxLTWH {
  return [box[0], box[1], box[2] - box[0], box[3] - box[1]];
}

export function ltwhToXyxy(box: BoxLTWH): BoxXYXY {
  return [box[0], box[1], box[0] + box[2], box[1] + box[3]];
}

/** Pixel corners to the normalised [left, top, width, height] of the event format. */
export function xyxyToNormLtwh(box: BoxXYXY, size: SizeWH): NormBoxLTWH {
  assertSize(size);
  return [
    box[0] / size.width,
    box[1] / size.height,
    (box[2] - box[0]) / size.width,
    (box[3] - box[1]) / size.height,
  ];
}

/** Normalised [left, top, width, height] back to pixel corners. */
export function normLtwhToXyxy(box: NormBoxLTWH, size: SizeWH): BoxXYXY {
  assertSize(size);
  const x1 = box[0] * size.width;
  const y1 = box[1] * size.height;
  return [x1, y1, x1 + box[2] * size.width, y1 + box[3] * size.height];
}

/** Clamps a box to the frame `[0, width] x [0, height]`; a box fully outside becomes empty. */
export function clipXyxy(box: BoxXYXY, size: SizeWH): BoxXYXY {
  const clamp = (v: number, max: number): number => Math.min(Math.max(v, 0), max);
  return [clamp(box[0], size.width), clamp(box[1], size.height), clamp(box[2], size.width), clamp(box[3], size.height)];
}

/** Centre of the box. */
export function boxCenter(box: BoxXYXY): PointXY {
  return [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2];
}

/** Bottom centre of the box: where a standing person touches the ground. */
export function boxFootPoint(box: BoxXYXY): PointXY {
  return [(box[0] + box[2]) / 2, box[3]];
}

function assertSize(size: SizeWH): void {
  if (!(size.width > 0) || !(size.height > 0)) {
    throw new RangeError(`frame size must be positive, got ${size.width}x${size.height}`);
  }
}
