import type { ObjectClass } from './classes.js';
import type { BoxXYXY } from './geometry.js';

/** One detected object in one frame, in the pixel coordinates of the analysed frame. */
export interface Detection {
  readonly box: BoxXYXY;
  /** Detector confidence in [0,1]. */
  readonly score: number;
  readonly cls: ObjectClass;
}
