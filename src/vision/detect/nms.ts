import type { Detection } from '../../contracts/detection.js';
import type { BoxXYXY } from '../../contracts/geometry.js';

/** IoU above which the lower-scored of two same-class boxes is suppressed, unless told otherwise. */
export const DEFAULT_NMS_IOU_THRESHOLD = 0.5;

/** Intersection over union of two corner boxes; 0 when either box has no area. */
export function iouXYXY(a: BoxXYXY, b: BoxXYXY): number {
  const iw = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const ih = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const areaA = (a[2] - a[0]) * (a[3] - a[1]);
  const areaB = (b[2] - b[0]) * (b[3] - b[1]);
  const union = areaA + areaB - inter;
  return union > 0 ? inter / union : 0;
}

export interface NmsOptions {
  /** A box is suppressed when its IoU with a kept box of the same class is above this. Default 0.5. */
  readonly iouThreshold?: number;
  /** Keep at most this many detections (the best scored). Default: no limit. */
  readonly maxDetections?: number;
}

/**
 * Class-aware greedy non-maximum suppression: boxes of different classes never
 * suppress each other. Pure: returns a new array sorted by score, best first
 * (ties keep input order); the input is not modified.
 */
export function nonMaxSuppression(
  detections: readonly Detection[],
  options: NmsOptions = {},
): Detection[] {
  const iouThreshold = options.iouThreshold ?? DEFAULT_NMS_IOU_THRESHOLD;
  const maxDetections = options.maxDetections ?? Number.POSITIVE_INFINITY;
  // A stable sort keeps the input order among equal scores, so the result is deterministic.
  const sorted = [...detections].sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  for (const candidate of sorted) {
    if (kept.length >= maxDetections) break;
    const suppressed = kept.some(
      (k) => k.cls === candidate.cls && iouXYXY(k.box, candidate.box) > iouThreshold,
    );
    if (!suppressed) kept.push(candidate);
  }
  return kept;
}
