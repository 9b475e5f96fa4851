import type { NormPoint } from '../contracts/geometry.js';
import { lineCrossingParameter, signedDistanceToLine } from '../geometry/line.js';

/** Direction of one crossing: left -> right of a->b is `a_to_b` (ARCHITECTURE 5.2). */
export type CrossingDirection = 'a_to_b' | 'b_to_a';

type Side = -1 | 0 | 1;

/** A line segment a->b in normalised coordinates. */
export interface LineSegment {
  readonly a: NormPoint;
  readonly b: NormPoint;
}

/** Where one anchor is relative to one line: everything needed to detect its next crossing. */
export interface LineSide {
  /**
   * Confirmed side: the last side the anchor reached at least `hysteresis` away
   * from the line (-1 left, +1 right); 0 until the anchor first gets that far.
   */
  readonly side: Side;
  /** Last anchor position strictly off the line, and its signed distance. */
  readonly lastOffP: NormPoint | null;
  readonly lastOffD: number;
  /** Whether the anchor's latest pass over the infinite line was within the segment. */
  readonly lastPassInExtent: boolean;
}

/** The next memory of one anchor, and the crossing this move confirmed (null: none). */
export interface LineSideStep {
  readonly memory: LineSide;
  readonly crossed: CrossingDirection | null;
}

/** Memory of an anchor first seen at `p`. */
export function firstLineSide(p: NormPoint, line: LineSegment, hysteresis: number): LineSide {
  const d = signedDistanceToLine(p, line.a, line.b);
  const s = Math.sign(d) as Side;
  return { side: s !== 0 && Math.abs(d) >= hysteresis ? s : 0, lastOffP: s !== 0 ? p : null, lastOffD: d, lastPassInExtent: false };
}

/**
 * Moves an anchor to `p` and says whether it crossed the segment. A crossing is
 * confirmed once the anchor is `hysteresis` past the line on the other side of
 * its confirmed side, and only if its latest pass over the infinite line was
 * between the two end points. So jitter on the line counts once, a pass beyond
 * an end counts never, and crossing back later is a new crossing.
 * Pure: `prev` is not modified.
 */
export function stepLineSide(prev: LineSide, p: NormPoint, line: LineSegment, hysteresis: number): LineSideStep {
  const d = signedDistanceToLine(p, line.a, line.b);
  const s = Math.sign(d) as Side;

  // 1. Did the anchor pass over the infinite line since it was last off it? Record where.
  let lastPassInExtent = prev.lastPassInExtent;
  if (s !== 0 && prev.lastOffP && Math.sign(prev.lastOffD) === -s) {
    const u = lineCrossingParameter(prev.lastOffP, p, line.a, line.b);
    lastPassInExtent = u >= 0 && u <= 1;
  }

  // 2. Confirm a side change only once the anchor is `hysteresis` past the line.
  let side = prev.side;
  let crossed: CrossingDirection | null = null;
  if (s !== 0 && Math.abs(d) >= hysteresis) {
    if (side === -s && lastPassInExtent) crossed = s > 0 ? 'a_to_b' : 'b_to_a';
    side = s;
  }

  return {
    memory: { side, lastOffP: s !== 0 ? p : prev.lastOffP, lastOffD: s !== 0 ? d : prev.lastOffD, lastPassInExtent },
    crossed,
  };
}
