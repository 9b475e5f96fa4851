import { describe, expect, it } from 'vitest';
import { anchorPoint, normaliseBox, resolveAnchor } from '../../../src/geometry/anchor.js';
import { lineCrossingParameter, projectionParameter, segmentIntersection, sideOfLine, signedDistanceToLine } from '../../../src/geometry/line.js';
import { pointInPolygon, polygonBounds } from '../../../src/geometry/polygon.js';
import { angleBetweenDeg, cross, distance, dot, length, normalize } from '../../../src/geometry/vector.js';

describe('vector', () => {
  it.each([
    // a, b, dot, cross, angle
    [[1, 0], [0, 1], 0, 1, 90],
    [[1, 0], [1, 0], 1, 0, 0],
    [[1, 0], [-1, 0], -1, 0, 180],
    [[1, 1], [1, 0], 1, -1, 45],
    [[3, 4], [-4, 3], 0, 25, 90],
  ] as const)('%j . %j = %d, x = %d, angle %d deg', (a, b, d, c, angle) => {
    expect(dot(a, b)).toBeCloseTo(d, 12);
    expect(cross(a, b)).toBeCloseTo(c, 12);
    expect(angleBetweenDeg(a, b)).toBeCloseTo(angle, 9);
  });

  it('lengths, distances and unit vectors', () => {
    expect(length([3, 4])).toBe(5);
    expect(distance([1, 1], [4, 5])).toBe(5);
    expect(normalize([0, -2])).toEqual([0, -1]);
    expect(normalize([0, 0])).toBeNull();
    expect(angleBetweenDeg([0, 0], [1, 0])).toBeNaN();
  });
});

describe('pointInPolygon', () => {
  // A concave "U": the notch between x=0.4 and x=0.6 above y=0.6 is outside.
  //  (0.2,0.2) +--+ (0.4,0.2)   (0.6,0.2) +--+ (0.8,0.2)
  //            |  |                       |  |
  //            |  +---------------------- +  |   y = 0.6
  //  (0.2,0.8) +-----------------------------+ (0.8,0.8)
  const u = [
    [0.2, 0.2], [0.4, 0.2], [0.4, 0.6], [0.6, 0.6], [0.6, 0.2], [0.8, 0.2], [0.8, 0.8], [0.2, 0.8],
  ] as const;
  it.each([
    [[0.3, 0.3], true],
    [[0.7, 0.3], true],
    [[0.5, 0.4], false], // in the notch
    [[0.5, 0.7], true],
    [[0.1, 0.5], false],
    [[0.9, 0.5], false],
    [[0.5, 0.9], false],
    [[0.2, 0.5], true], // on the left edge
    [[0.4, 0.2], true], // on a vertex
    [[0.5, 0.6], true], // on the notch's bottom edge
    [[0.3, 0.6], true], // level with a horizontal edge, inside
  ] as const)('U-shape: %j inside = %s', (p, inside) => {
    expect(pointInPolygon(p, u)).toBe(inside);
  });

  it('does not depend on winding', () => {
    const reversed = [...u].reverse();
    expect(pointInPolygon([0.5, 0.4], reversed)).toBe(false);
    expect(pointInPolygon([0.3, 0.3], reversed)).toBe(true);
  });

  it('degenerate polygons contain nothing; bounds', () => {
    expect(pointInPolygon([0.5, 0.5], [[0, 0], [1, 1]])).toBe(false);
    expect(polygonBounds(u)).toEqual([0.2, 0.2, 0.8, 0.8]);
  });
});

describe('side of a directed line (image y grows downwards, image top = north)', () => {
  // Hand-drawn: a=(0.1,0.5) -> b=(0.9,0.5) points east. Facing east on a map,
  // left is north = image top (smaller y), right is south = image bottom.
  //   y=0.3   P1 .            left  (negative)
  //   y=0.5   a ==========> b
  //   y=0.8   P2 .            right (positive)
  const a = [0.1, 0.5] as const;
  const b = [0.9, 0.5] as const;
  it('east-pointing line: above is left, below is right', () => {
    expect(signedDistanceToLine([0.5, 0.3], a, b)).toBeCloseTo(-0.2, 12);
    expect(signedDistanceToLine([0.5, 0.8], a, b)).toBeCloseTo(0.3, 12);
    expect(sideOfLine([0.5, 0.3], a, b)).toBe(-1);
    expect(sideOfLine([0.5, 0.8], a, b)).toBe(1);
    expect(sideOfLine([0.95, 0.5], a, b)).toBe(0);
  });

  it.each([
    // Line pointing south (down the image): facing south, right is west = image left.
    [[0.5, 0.1], [0.5, 0.9], [0.2, 0.5], 1],
    [[0.5, 0.1], [0.5, 0.9], [0.8, 0.5], -1],
    // Line pointing north (up the image): right is east = image right.
    [[0.5, 0.9], [0.5, 0.1], [0.8, 0.5], 1],
    // Line pointing west: right is north = image top.
    [[0.9, 0.5], [0.1, 0.5], [0.5, 0.2], 1],
  ] as const)('a=%j b=%j: %j is on side %d', (la, lb, p, side) => {
    expect(sideOfLine(p, la, lb)).toBe(side);
  });

  it('reversing the line flips the side', () => {
    expect(signedDistanceToLine([0.3, 0.7], b, a)).toBeCloseTo(-signedDistanceToLine([0.3, 0.7], a, b), 12);
  });

  it('a degenerate line has no side', () => {
    expect(signedDistanceToLine([0.3, 0.7], a, a)).toBeNaN();
    expect(sideOfLine([0.3, 0.7], a, a)).toBe(0);
  });

  it('projection parameter: 0 at a, 1 at b, outside beyond the ends', () => {
    expect(projectionParameter([0.1, 0.2], a, b)).toBeCloseTo(0, 12);
    expect(projectionParameter([0.5, 0.9], a, b)).toBeCloseTo(0.5, 12);
    expect(projectionParameter([1.0, 0.5], a, b)).toBeCloseTo(1.125, 12);
  });
});

describe('segment intersection', () => {
  it.each([
    // p1, p2, q1, q2, expected point or null
    [[0, 0], [1, 1], [0, 1], [1, 0], [0.5, 0.5]],
    [[0, 0], [1, 0], [0.5, -1], [0.5, 1], [0.5, 0]],
    [[0, 0], [1, 0], [1, 0], [1, 1], [1, 0]], // touching at an end
    [[0, 0], [1, 0], [2, -1], [2, 1], null], // would meet beyond p2
    [[0, 0], [1, 0], [0, 1], [1, 1], null], // parallel
    [[0, 0], [1, 0], [0.5, 0], [2, 0], null], // collinear overlap: no single point
  ] as const)('%j-%j x %j-%j -> %j', (p1, p2, q1, q2, expected) => {
    const hit = segmentIntersection(p1, p2, q1, q2);
    if (expected === null) {
      expect(hit).toBeNull();
    } else {
      expect(hit?.point[0]).toBeCloseTo(expected[0], 12);
      expect(hit?.point[1]).toBeCloseTo(expected[1], 12);
    }
  });

  it('fractions along both segments', () => {
    const hit = segmentIntersection([0, 0], [4, 0], [1, -1], [1, 3]);
    expect(hit?.t).toBeCloseTo(0.25, 12);
    expect(hit?.u).toBeCloseTo(0.25, 12);
  });

  it('lineCrossingParameter says where along a->b a path cuts the line', () => {
    const a = [0.2, 0.5] as const;
    const b = [0.6, 0.5] as const;
    expect(lineCrossingParameter([0.3, 0.4], [0.3, 0.6], a, b)).toBeCloseTo(0.25, 12);
    expect(lineCrossingParameter([0.8, 0.4], [0.8, 0.6], a, b)).toBeCloseTo(1.5, 12); // beyond b
    expect(lineCrossingParameter([0.1, 0.2], [0.5, 0.6], a, b)).toBeCloseTo(0.5, 12); // diagonal
  });
});

describe('anchor point', () => {
  const size = { width: 640, height: 360 };
  const box = [64, 36, 128, 180] as const; // x 0.1..0.2, y 0.1..0.5

  it.each([
    ['auto', 'person', [0.15, 0.5]], // foot point
    ['auto', 'car', [0.15, 0.3]], // centre
    ['auto', 'object', [0.15, 0.3]],
    ['bottom_center', 'car', [0.15, 0.5]],
    ['center', 'person', [0.15, 0.3]],
  ] as const)('%s for %s -> %j', (mode, cls, expected) => {
    const p = anchorPoint(box, size, mode, cls);
    expect(p[0]).toBeCloseTo(expected[0], 12);
    expect(p[1]).toBeCloseTo(expected[1], 12);
  });

  it('auto resolves by class', () => {
    expect(resolveAnchor('auto', 'person')).toBe('bottom_center');
    expect(resolveAnchor('auto', 'truck')).toBe('center');
  });

  it('normalises a pixel box to [left, top, width, height]', () => {
    const n = normaliseBox(box, size);
    [0.1, 0.1, 0.1, 0.4].forEach((v, i) => expect(n[i]).toBeCloseTo(v, 12));
  });
});
