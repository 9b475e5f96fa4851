import type { NormPoint } from '../contracts/geometry.js';

/** A point on the ground, in metres. */
export type GroundPoint = readonly [x: number, y: number];

/** The camera's ground-plane calibration: four image points (normalised) and their ground positions (metres). */
export interface GroundPlaneCalibration {
  readonly image: readonly [NormPoint, NormPoint, NormPoint, NormPoint];
  readonly world: readonly [GroundPoint, GroundPoint, GroundPoint, GroundPoint];
}

/** Measures on the ground plane, from normalised image points. */
export interface GroundPlane {
  /** Ground position (metres) of an image point. */
  toGround(p: NormPoint): GroundPoint;
  /** Ground distance in metres between two image points. */
  distanceM(a: NormPoint, b: NormPoint): number;
  /** Ground area in square metres of an image polygon; throws GroundPlaneError if a vertex is not on the ground. */
  areaM2(polygon: readonly NormPoint[]): number;
  /** False for image points at or beyond the horizon of the calibrated plane (sky, walls far above it). */
  onGround(p: NormPoint): boolean;
}

/** A ground-plane calibration that defines no usable mapping. */
export class GroundPlaneError extends Error {
  constructor(message: string) {
    super(`ground_plane: ${message}`);
    this.name = 'GroundPlaneError';
  }
}

/** Row-major 3x3 matrix: [h11, h12, h13, h21, ..., h33]. */
export type Mat3 = readonly [number, number, number, number, number, number, number, number, number];

/**
 * Builds the image -> ground mapping of a calibration. Fails with a
 * GroundPlaneError when three of the four points (image or ground) are on one
 * line: no plane-to-plane mapping is then defined.
 */
export function createGroundPlane(config: GroundPlaneCalibration): GroundPlane {
  const h = homographyFrom4(config.image, config.world);
  const toGround = (p: NormPoint): GroundPoint => applyHomography(h, p);
  // The projective weight has one sign on the ground side of the horizon: the sign it has inside the calibration quad.
  const [cx, cy] = config.image.reduce(([sx, sy], [x, y]) => [sx + x / 4, sy + y / 4], [0, 0]);
  const groundSign = Math.sign(weight(h, [cx, cy]));
  const onGround = (p: NormPoint): boolean => weight(h, p) * groundSign > HORIZON_EPS;
  return {
    toGround,
    onGround,
    distanceM(a, b) {
      const [ax, ay] = toGround(a);
      const [bx, by] = toGround(b);
      return Math.hypot(bx - ax, by - ay);
    },
    areaM2(polygon) {
      const beyond = polygon.findIndex((p) => !onGround(p));
      if (beyond >= 0) throw new GroundPlaneError(`polygon point ${beyond + 1} is at or beyond the horizon of the calibrated ground: it has no ground position`);
      return Math.abs(shoelace(polygon.map(toGround)));
    },
  };
}

/** Below this projective weight a point is treated as on the horizon (it would map to a huge distance). */
const HORIZON_EPS = 1e-9;

function weight(h: Mat3, [x, y]: readonly [number, number]): number {
  return h[6] * x + h[7] * y + h[8];
}

/** Maps `p` through `h` (projective division included). Points on the horizon line map to infinity. */
export function applyHomography(h: Mat3, p: readonly [number, number]): GroundPoint {
  const [x, y] = p;
  const w = weight(h, p);
  return [(h[0] * x + h[1] * y + h[2]) / w, (h[3] * x + h[4] * y + h[5]) / w];
}

/** Smallest |cross product| (relative to the points' spread) three of four points may have: below it they are collinear. */
const COLLINEAR_REL_EPS = 1e-6;

/**
 * Homography taking the four `src` points to the four `dst` points (direct
 * linear transform with h33 = 1: an 8x8 linear system).
 */
export function homographyFrom4(src: readonly (readonly [number, number])[], dst: readonly (readonly [number, number])[]): Mat3 {
  if (src.length !== 4 || dst.length !== 4) throw new GroundPlaneError('give exactly four image points and four ground points');
  assertNoThreeCollinear(src, 'image');
  assertNoThreeCollinear(dst, 'world');
  const a: number[][] = [];
  const b: number[] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = src[i] as readonly [number, number];
    const [u, v] = dst[i] as readonly [number, number];
    // u = (h11 x + h12 y + h13) / (h31 x + h32 y + 1), likewise v.
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y]);
    b.push(u);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y]);
    b.push(v);
  }
  const s = solveLinear(a, b);
  if (!s) throw new GroundPlaneError('the four points define no mapping (degenerate configuration)');
  const [h11, h12, h13, h21, h22, h23, h31, h32] = s as [number, number, number, number, number, number, number, number];
  return [h11, h12, h13, h21, h22, h23, h31, h32, 1];
}

/**
 * Solves `a x = b` by Gaussian elimination with partial pivoting; undefined when
 * the matrix is singular. Works on copies: the inputs are not modified.
 */
export function solveLinear(a: readonly (readonly number[])[], b: readonly number[]): number[] | undefined {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i] as number]);
  const scale = Math.max(...m.flatMap((row) => row.slice(0, n).map(Math.abs)), 1e-300);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) {
      if (Math.abs((m[r] as number[])[col] as number) > Math.abs((m[pivot] as number[])[col] as number)) pivot = r;
    }
    const pivotRow = m[pivot] as number[];
    const p = pivotRow[col] as number;
    if (Math.abs(p) <= scale * 1e-12) return undefined;
    [m[col], m[pivot]] = [pivotRow, m[col] as number[]];
    for (let r = col + 1; r < n; r++) {
      const row = m[r] as number[];
      const k = (row[col] as number) / p;
      if (k === 0) continue;
      for (let c = col; c <= n; c++) row[c] = (row[c] as number) - k * (pivotRow[c] as number);
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    const row = m[r] as number[];
    let acc = row[n] as number;
    for (let c = r + 1; c < n; c++) acc -= (row[c] as number) * (x[c] as number);
    x[r] = acc / (row[r] as number);
  }
  return x;
}

function assertNoThreeCollinear(points: readonly (readonly [number, number])[], which: 'image' | 'world'): void {
  const spread = Math.max(
    ...points.flatMap((p) => points.map((q) => Math.hypot(q[0] - p[0], q[1] - p[1]))),
  );
  if (spread === 0) throw new GroundPlaneError(`the four ${which} points are identical`);
  for (let i = 0; i < 4; i++) {
    for (let j = i + 1; j < 4; j++) {
      for (let k = j + 1; k < 4; k++) {
        const [p, q, r] = [points[i], points[j], points[k]] as [readonly [number, number], readonly [number, number], readonly [number, number]];
        const cr = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]);
        if (Math.abs(cr) <= COLLINEAR_REL_EPS * spread * spread) {
          throw new GroundPlaneError(`${which} points ${i + 1}, ${j + 1} and ${k + 1} are on one line: choose four points that form a quadrilateral on the ground`);
        }
      }
    }
  }
}

/** Signed area of a polygon (shoelace formula). */
function shoelace(points: readonly GroundPoint[]): number {
  let twice = 0;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const [xi, yi] = points[i] as GroundPoint;
    const [xj, yj] = points[j] as GroundPoint;
    twice += xj * yi - xi * yj;
  }
  return twice / 2;
}
