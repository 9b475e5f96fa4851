import type { ObjectClass } from '../contracts/classes.js';
import type { BoxXYXY, NormBoxLTWH, NormPoint, SizeWH } from '../contracts/geometry.js';

/** The point of a box that rules test against zones and lines. */
export type AnchorMode = 'auto' | 'bottom_center' | 'center';

/** Concrete anchor after `auto` has been resolved for a class. */
export type ResolvedAnchor = Exclude<AnchorMode, 'auto'>;

/**
 * `auto` resolves to the foot point (bottom centre) for people, whose feet are on
 * the ground plane where zones are drawn, and to the box centre for everything
 * else (vehicles, motion blobs), whose bottom edge is noisy and occluded.
 */
export function resolveAnchor(mode: AnchorMode, cls: ObjectClass): ResolvedAnchor {
  if (mode !== 'auto') return mode;
  return cls === 'person' ? 'bottom_center' : 'center';
}

/** Anchor point of a pixel box, normalised to the frame (x, y in [0,1] for boxes inside it). */
export function anchorPoint(box: BoxXYXY, frame: SizeWH, mode: AnchorMode, cls: ObjectClass): NormPoint {
  const [x1, y1, x2, y2] = box;
  const cx = (x1 + x2) / 2 / frame.width;
  const y = resolveAnchor(mode, cls) === 'bottom_center' ? y2 : (y1 + y2) / 2;
  return [cx, y / frame.height];
}

/** A pixel box as a normalised [left, top, width, height], unrounded. */
export function normaliseBox(box: BoxXYXY, frame: SizeWH): NormBoxLTWH {
  const [x1, y1, x2, y2] = box;
  return [x1 / frame.width, y1 / frame.height, (x2 - x1) / frame.width, (y2 - y1) / frame.height];
}
