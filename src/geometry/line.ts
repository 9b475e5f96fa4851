import { cross, dot, length, sub, type Vec2 } from './vector.js';

/**
 * Signed perpendicular distance from `p` to the infinite line through `a` and `b`.
 *
 * Sign convention (ARCHITECTURE 5.2): looking from `a` towards `b` on the image
 * seen as a map (image top = north), the distance is NEGATIVE on the LEFT side and
 * POSITIVE on the RIGHT side. So a crossing `a_to_b` (left -> right) is a change
 * from negative to positive.
 *
 * Hand-worked example, image coordinates (x right, y DOWN):
 *
 *        x=0            x=1
 *   y=0  +----------------+        top of the image = north
 *        |    P1 (0.5,0.3)|        P1 is above the line = north = LEFT of a->b
 *   y=.5 a=============>b |        a=(0.1,0.5), b=(0.9,0.5): walking east
 *        |    P2 (0.5,0.8)|        P2 is below the line = south = RIGHT of a->b
 *   y=1  +----------------+
 *
 *   d = b - a = (0.8, 0); cross(d, P - a) = dx * (Py - ay) - dy * (Px - ax)
 *   P1: 0.8 * (0.3 - 0.5) = -0.16 -> / |d| = -0.2 (left)
 *   P2: 0.8 * (0.8 - 0.5) = +0.24 -> / |d| = +0.3 (right)
 *
 * So with y growing downwards, a person walking down the image across this line
 * crosses `a_to_b`. (In a y-up maths frame the same formula would flip sides; the
 * image's y-down axis is what makes "positive cross = right" here.)
 *
 * Returns NaN when `a` and `b` coincide.
 */
export function signedDistanceToLine(p: Vec2, a: Vec2, b: Vec2): number {
  const d = sub(b, a);
  const len = length(d);
  if (len <= 1e-12) return Number.NaN;
  return cross(d, sub(p, a)) / len;
}

/** Which side of the directed line a->b `p` is on: -1 left, +1 right, 0 on it (see signedDistanceToLine). */
export function sideOfLine(p: Vec2, a: Vec2, b: Vec2): -1 | 0 | 1 {
  const s = signedDistanceToLine(p, a, b);
  if (!(Math.abs(s) > 0)) return 0;
  return s > 0 ? 1 : -1;
}

/**
 * Position of the orthogonal projection of `p` on the line a->b as a fraction of
 * the segment: 0 at `a`, 1 at `b`, outside [0,1] beyond the ends. NaN if a == b.
 */
export function projectionParameter(p: Vec2, a: Vec2, b: Vec2): number {
  const d = sub(b, a);
  const len2 = dot(d, d);
  if (len2 <= 1e-24) return Number.NaN;
  return dot(sub(p, a), d) / len2;
}

/** Where two segments meet: the point, and its fraction along each segment (both in [0,1]). */
export interface SegmentIntersection {
  readonly point: Vec2;
  /** Fraction along the first segment p1->p2. */
  readonly t: number;
  /** Fraction along the second segment q1->q2. */
  readonly u: number;
}

/**
 * Intersection of segments p1->p2 and q1->q2, ends included; null when they do not
 * meet or are parallel (collinear overlaps return null: there is no single point).
 */
export function segmentIntersection(p1: Vec2, p2: Vec2, q1: Vec2, q2: Vec2): SegmentIntersection | null {
  const r = sub(p2, p1);
  const s = sub(q2, q1);
  const denom = cross(r, s);
  if (Math.abs(denom) <= 1e-15) return null;
  const qp = sub(q1, p1);
  const t = cross(qp, s) / denom;
  const u = cross(qp, r) / denom;
  const EPS = 1e-12;
  if (t < -EPS || t > 1 + EPS || u < -EPS || u > 1 + EPS) return null;
  return { point: [p1[0] + t * r[0], p1[1] + t * r[1]], t, u };
}

/**
 * Fraction along a->b where the infinite line through a and b is cut by the path
 * p1->p2 (the path is assumed to cross it). NaN for a path parallel to the line.
 */
export function lineCrossingParameter(p1: Vec2, p2: Vec2, a: Vec2, b: Vec2): number {
  const r = sub(p2, p1);
  const s = sub(b, a);
  const denom = cross(r, s);
  if (Math.abs(denom) <= 1e-15) return Number.NaN;
  return cross(sub(a, p1), r) / denom;
}
