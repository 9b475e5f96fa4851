import { describe, expect, it } from 'vitest';
import { applyHomography, createGroundPlane, GroundPlaneError, homographyFrom4, solveLinear, type Mat3 } from '../../src/geometry/homography.js';
import { groundPlaneSchema } from '../../src/config/schema.js';

// A known projective mapping (a camera looking down at a slant): image -> ground.
const H_TRUE: Mat3 = [12, 3, -2, 1, 25, -4, 0.4, 1.5, 1];

function imageToGroundPairs(points: readonly (readonly [number, number])[]) {
  return points.map((p) => applyHomography(H_TRUE, p));
}

describe('solveLinear', () => {
  it('solves a system that needs pivoting (zero on the diagonal)', () => {
    const x = solveLinear([[0, 2, 1], [1, 1, 1], [2, 0, 3]], [5, 6, 13]);
    expect(x).toBeDefined();
    const [a, b, c] = x as number[];
    expect(a).toBeCloseTo(2, 9);
    expect(b).toBeCloseTo(1, 9);
    expect(c).toBeCloseTo(3, 9);
  });

  it('returns undefined for a singular matrix and leaves its inputs intact', () => {
    const a = [[1, 2], [2, 4]];
    expect(solveLinear(a, [1, 2])).toBeUndefined();
    expect(a).toEqual([[1, 2], [2, 4]]);
  });
});

describe('homographyFrom4', () => {
  it('recovers a known homography from four correspondences and maps other points like it', () => {
    const image = [[0.2, 0.5], [0.8, 0.5], [0.95, 0.95], [0.05, 0.95]] as const;
    const h = homographyFrom4(image, imageToGroundPairs(image));
    for (const p of [[0.5, 0.7], [0.3, 0.9], [0.7, 0.55]] as const) {
      const [x, y] = applyHomography(h, p);
      const [ex, ey] = applyHomography(H_TRUE, p);
      expect(x).toBeCloseTo(ex, 6);
      expect(y).toBeCloseTo(ey, 6);
    }
  });

  it('maps the four calibration points exactly onto their ground positions', () => {
    const image = [[0.1, 0.4], [0.9, 0.42], [0.99, 0.98], [0.02, 0.9]] as const;
    const world = [[0, 30], [20, 30], [20, 0], [0, 0]] as const;
    const h = homographyFrom4(image, world);
    image.forEach((p, i) => {
      const [x, y] = applyHomography(h, p);
      expect(x).toBeCloseTo((world[i] as readonly number[])[0] as number, 9);
      expect(y).toBeCloseTo((world[i] as readonly number[])[1] as number, 9);
    });
  });

  it('rejects three collinear image points with an error naming them', () => {
    const image = [[0.1, 0.5], [0.5, 0.5], [0.9, 0.5], [0.5, 0.9]] as const;
    const world = [[0, 0], [10, 0], [10, 10], [0, 10]] as const;
    expect(() => homographyFrom4(image, world)).toThrow(GroundPlaneError);
    expect(() => homographyFrom4(image, world)).toThrow(/image points 1, 2 and 3 are on one line/);
  });

  it('rejects collinear ground points too, and repeated points', () => {
    const image = [[0.1, 0.5], [0.9, 0.5], [0.9, 0.9], [0.1, 0.9]] as const;
    expect(() => homographyFrom4(image, [[0, 0], [5, 5], [10, 10], [0, 10]])).toThrow(/world points 1, 2 and 3/);
    expect(() => homographyFrom4(image, [[0, 0], [0, 0], [10, 10], [0, 10]])).toThrow(GroundPlaneError);
    expect(() => homographyFrom4(image, [[1, 1], [1, 1], [1, 1], [1, 1]])).toThrow(/identical/);
  });
});

describe('createGroundPlane', () => {
  // A 10 m x 20 m rectangle seen in perspective: far edge (y = 20 m) is narrower at the top of the image.
  const config = groundPlaneSchema.parse({
    image: [[0.3, 0.3], [0.7, 0.3], [0.9, 0.9], [0.1, 0.9]],
    world: [[0, 20], [10, 20], [10, 0], [0, 0]],
  });
  const plane = createGroundPlane(config);

  it('measures ground distances: the same image length is longer far away', () => {
    expect(plane.distanceM([0.1, 0.9], [0.9, 0.9])).toBeCloseTo(10, 6);
    expect(plane.distanceM([0.3, 0.3], [0.7, 0.3])).toBeCloseTo(10, 6);
    expect(plane.distanceM([0.1, 0.9], [0.3, 0.3])).toBeCloseTo(20, 6);
    // 0.1 of image width near the top covers more ground than near the bottom.
    const far = plane.distanceM([0.45, 0.35], [0.55, 0.35]);
    const near = plane.distanceM([0.45, 0.85], [0.55, 0.85]);
    expect(far).toBeGreaterThan(near * 1.5);
  });

  it('measures ground areas of image polygons, in either winding', () => {
    const quad = [[0.3, 0.3], [0.7, 0.3], [0.9, 0.9], [0.1, 0.9]] as const;
    expect(plane.areaM2(quad)).toBeCloseTo(200, 6);
    expect(plane.areaM2([...quad].reverse())).toBeCloseTo(200, 6);
    // Perspective: the upper half of the image trapezoid (far) covers more ground than the lower half (near).
    const upper = plane.areaM2([[0.3, 0.3], [0.7, 0.3], [0.8, 0.6], [0.2, 0.6]]);
    const lower = plane.areaM2([[0.2, 0.6], [0.8, 0.6], [0.9, 0.9], [0.1, 0.9]]);
    expect(upper + lower).toBeCloseTo(200, 6);
    expect(upper).toBeGreaterThan(lower);
    expect(plane.toGround([0.5, 0.6])[0]).toBeCloseTo(5, 6); // the image's axis of symmetry is the ground's x = 5
  });

  it('knows the horizon: points above it are not on the ground and give no area', () => {
    expect(plane.onGround([0.5, 0.6])).toBe(true);
    // The trapezoid's sides (ground x = 0 and x = 10) meet at the vanishing point y = -0.3: the horizon.
    expect(plane.onGround([0.5, -0.29])).toBe(true);
    expect(plane.toGround([0.5, -0.29])[1]).toBeGreaterThan(500); // far away, but on the ground
    expect(plane.onGround([0.5, -0.3])).toBe(false);
    expect(plane.onGround([0.5, -0.31])).toBe(false);
    expect(() => plane.areaM2([[0.4, -0.4], [0.6, -0.4], [0.6, 0.5], [0.4, 0.5]])).toThrow(/point 1 is at or beyond the horizon/);
  });

  it('accepts a config straight from the schema and fails on a degenerate one', () => {
    const bad = groundPlaneSchema.parse({ image: [[0.1, 0.1], [0.2, 0.2], [0.3, 0.3], [0.1, 0.9]], world: [[0, 0], [1, 0], [1, 1], [0, 1]] });
    expect(() => createGroundPlane(bad)).toThrow(/ground_plane: image points 1, 2 and 3 are on one line/);
  });
});
