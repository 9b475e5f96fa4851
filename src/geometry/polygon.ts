import type { Vec2 } from './vector.js';

/**
 * True when `p` is inside the polygon (any simple polygon, convex or not, given in
 * either winding). Uses the even-odd ray-casting test. Points exactly on an edge
 * count as inside, so a foot point resting on a zone's border is in the zone.
 */
export function pointInPolygon(p: Vec2, polygon: readonly Vec2[]): boolean {
  const n = polygon.length;
  if (n < 3) return false;
  const [px, py] = p;
  let inside = false;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const [xi, yi] = polygon[i] as Vec2;
    const [xj, yj] = polygon[j] as Vec2;
    if (pointOnSegment(p, [xj, yj], [xi, yi])) return true;
    // Edge (j -> i) straddles the horizontal through p: half-open in y so a vertex
    // shared by two edges is counted once.
    if (yi > py !== yj > py) {
      const xAtPy = xj + ((py - yj) * (xi - xj)) / (yi - yj);
      if (px < xAtPy) inside = !inside;
    }
  }
  return inside;
}

/** Axis-aligned bounds of a polygon as `[minX, minY, maxX, maxY]`. */
export function polygonBounds(polygon: readonly Vec2[]): readonly [number, number, number, number] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [x, y] of polygon) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  return [minX, minY, maxX, maxY];
}

const ON_EDGE_EPS = 1e-12;

function pointOnSegment(p: Vec2, a: Vec2, b: Vec2): boolean {
  const cr = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
  if (Math.abs(cr) > ON_EDGE_EPS) return false;
  return (
    p[0] >= Math.min(a[0], b[0]) - ON_EDGE_EPS &&
    p[0] <= Math.max(a[0], b[0]) + ON_EDGE_EPS &&
    p[1] >= Math.min(a[1], b[1]) - ON_EDGE_EPS &&
    p[1] <= Math.max(a[1], b[1]) + ON_EDGE_EPS
  );
}
