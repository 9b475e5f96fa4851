/**
 * 2-D vector helpers on plain `[x, y]` tuples. Coordinates are whatever the caller
 * uses (normalised frame units in rules); y grows downwards as in images.
 */

/** A 2-D vector or point: `[x, y]`. */
export type Vec2 = readonly [x: number, y: number];

export function add(a: Vec2, b: Vec2): Vec2 {
  return [a[0] + b[0], a[1] + b[1]];
}

export function sub(a: Vec2, b: Vec2): Vec2 {
  return [a[0] - b[0], a[1] - b[1]];
}

export function scale(v: Vec2, k: number): Vec2 {
  return [v[0] * k, v[1] * k];
}

export function dot(a: Vec2, b: Vec2): number {
  return a[0] * b[0] + a[1] * b[1];
}

/**
 * z component of the 3-D cross product `a x b`. In image coordinates (y down) it is
 * positive when `b` points to the right of `a` (clockwise on screen).
 */
export function cross(a: Vec2, b: Vec2): number {
  return a[0] * b[1] - a[1] * b[0];
}

export function length(v: Vec2): number {
  return Math.hypot(v[0], v[1]);
}

export function distance(a: Vec2, b: Vec2): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}

/** Unit vector along `v`, or null for a (near) zero vector. */
export function normalize(v: Vec2): Vec2 | null {
  const len = length(v);
  return len > 1e-12 ? [v[0] / len, v[1] / len] : null;
}

/**
 * Unsigned angle between two vectors in degrees, in [0, 180]; NaN when either is
 * a zero vector (there is no direction to compare).
 */
export function angleBetweenDeg(a: Vec2, b: Vec2): number {
  if (length(a) <= 1e-12 || length(b) <= 1e-12) return Number.NaN;
  // atan2(|cross|, dot) is accurate for small and near-180 angles, unlike acos.
  return (Math.atan2(Math.abs(cross(a, b)), dot(a, b)) * 180) / Math.PI;
}
