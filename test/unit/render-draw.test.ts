import { describe, expect, it } from 'vitest';
import {
  drawArrow, drawLabel, drawLine, drawPolyline, drawRect, fillPolygon, fillRect, measureLabel,
  normToPixels, normToStrokePixels, type Raster, type Rgb,
} from '../../src/render/draw.js';

const RED: Rgb = [255, 0, 0];

function blank(width: number, height: number, fill = 0): Raster {
  return { width, height, data: new Uint8Array(width * height * 3).fill(fill) };
}

function px(img: Raster, x: number, y: number): [number, number, number] {
  const i = (y * img.width + x) * 3;
  return [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
}

/** Pixels that differ from `bg` as "x,y" strings. */
function painted(img: Raster, bg = 0): Set<string> {
  const out = new Set<string>();
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const [r, g, b] = px(img, x, y);
      if (r !== bg || g !== bg || b !== bg) out.add(`${x},${y}`);
    }
  }
  return out;
}

function cells(list: readonly (readonly [number, number])[]): Set<string> {
  return new Set(list.map(([x, y]) => `${x},${y}`));
}

function rect(x0: number, y0: number, x1: number, y1: number): [number, number][] {
  const out: [number, number][] = [];
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) out.push([x, y]);
  return out;
}

describe('drawRect', () => {
  it('outlines exactly the border pixels of the box, inside it', () => {
    const img = blank(10, 8);
    drawRect(img, [2, 1, 7, 6], RED, 1);
    const inner = cells(rect(3, 2, 6, 5));
    const expected = new Set([...cells(rect(2, 1, 7, 6))].filter((c) => !inner.has(c)));
    expect(painted(img)).toEqual(expected);
    expect(px(img, 2, 1)).toEqual([255, 0, 0]);
  });

  it('draws a thick stroke inward', () => {
    const img = blank(12, 12);
    drawRect(img, [1, 1, 11, 11], RED, 2);
    const inner = cells(rect(3, 3, 9, 9));
    expect(painted(img)).toEqual(new Set([...cells(rect(1, 1, 11, 11))].filter((c) => !inner.has(c))));
  });

  it('clips a box partly out of the frame, and ignores boxes wholly outside or not finite', () => {
    const img = blank(10, 8);
    expect(() => drawRect(img, [-5, -5, 3, 3], RED, 1)).not.toThrow();
    // Only the right and bottom edges are inside the frame.
    expect(painted(img)).toEqual(cells([...rect(2, 0, 3, 3), ...rect(0, 2, 3, 3)]));
    const img2 = blank(10, 8);
    drawRect(img2, [20, 20, 30, 30], RED, 3);
    drawRect(img2, [Number.NaN, 0, 5, 5], RED, 1);
    drawRect(img2, [-1e12, -1e12, 1e12, 1e12], RED, 1);
    expect(painted(img2).size).toBe(0);
  });
});

describe('drawLine', () => {
  it('sets the Bresenham pixels of a shallow line, both ends included', () => {
    const img = blank(8, 4);
    drawLine(img, 0, 0, 5, 2, RED);
    expect(painted(img)).toEqual(cells([[0, 0], [1, 0], [2, 1], [3, 1], [4, 2], [5, 2]]));
  });

  it('draws the same pixels in either direction for a diagonal', () => {
    const a = blank(6, 6);
    const b = blank(6, 6);
    drawLine(a, 0, 0, 4, 4, RED);
    drawLine(b, 4, 4, 0, 0, RED);
    expect(painted(a)).toEqual(cells([[0, 0], [1, 1], [2, 2], [3, 3], [4, 4]]));
    expect(painted(b)).toEqual(painted(a));
  });

  it('thickens across the minor axis', () => {
    const img = blank(10, 10);
    drawLine(img, 2, 5, 7, 5, RED, 3);
    expect(painted(img)).toEqual(cells(rect(2, 4, 8, 7)));
    const v = blank(10, 10);
    drawLine(v, 5, 1, 5, 8, RED, 2);
    expect(painted(v)).toEqual(cells(rect(5, 1, 7, 9)));
  });

  it('clips lines that leave the frame, even from far away, and draws nothing for NaN', () => {
    const img = blank(8, 8);
    drawLine(img, -1e9, -1e9, 1e9, 1e9, RED);
    expect(painted(img)).toEqual(cells([0, 1, 2, 3, 4, 5, 6, 7].map((k) => [k, k] as const)));
    const none = blank(8, 8);
    drawLine(none, -10, -3, -1, -20, RED, 2);
    drawLine(none, 0, 0, Number.NaN, 3, RED);
    expect(painted(none).size).toBe(0);
  });
});

describe('fillPolygon', () => {
  it('fills the pixels whose centre is inside, nothing outside', () => {
    const img = blank(8, 6);
    fillPolygon(img, [[1, 1], [5, 1], [5, 4], [1, 4]], RED);
    expect(painted(img)).toEqual(cells(rect(1, 1, 5, 4)));
  });

  it('leaves the notch of a concave polygon empty', () => {
    const img = blank(10, 10);
    // A "U": outer 1..9, notch 4..6 from the top down to y=6.
    fillPolygon(img, [[1, 1], [4, 1], [4, 6], [6, 6], [6, 1], [9, 1], [9, 9], [1, 9]], RED);
    expect(px(img, 5, 3)).toEqual([0, 0, 0]); // in the notch
    expect(px(img, 2, 3)).toEqual([255, 0, 0]); // left arm
    expect(px(img, 7, 3)).toEqual([255, 0, 0]); // right arm
    expect(px(img, 5, 7)).toEqual([255, 0, 0]); // base
    expect(px(img, 0, 0)).toEqual([0, 0, 0]);
  });

  it('blends a translucent fill', () => {
    const img = blank(4, 4, 100);
    fillPolygon(img, [[0, 0], [4, 0], [4, 4], [0, 4]], [200, 0, 100], 0.5);
    expect(px(img, 2, 2)).toEqual([150, 50, 100]);
  });

  it('clips a polygon reaching out of the frame, and ignores degenerate input', () => {
    const img = blank(6, 6);
    expect(() => fillPolygon(img, [[-100, -100], [3, -100], [3, 1e6], [-100, 1e6]], RED)).not.toThrow();
    expect(painted(img)).toEqual(cells(rect(0, 0, 3, 6)));
    const none = blank(6, 6);
    fillPolygon(none, [[0, 0], [5, 5]], RED);
    fillPolygon(none, [[0, 0], [5, Number.NaN], [0, 5]], RED);
    expect(painted(none).size).toBe(0);
  });
});

describe('polylines, arrows, labels, coordinates', () => {
  it('closes a polygon outline', () => {
    const img = blank(6, 6);
    drawPolyline(img, [[1, 1], [4, 1], [4, 4], [1, 4]], RED, 1, true);
    const inner = cells(rect(2, 2, 4, 4));
    expect(painted(img)).toEqual(new Set([...cells(rect(1, 1, 5, 5))].filter((c) => !inner.has(c))));
  });

  it('draws the arrow head at b, not at a', () => {
    const img = blank(40, 20);
    drawArrow(img, [2, 10], [36, 10], RED, 1, 8);
    // The head spreads above and below the line near b only.
    expect(px(img, 32, 8)).toEqual([255, 0, 0]);
    expect(px(img, 32, 12)).toEqual([255, 0, 0]);
    expect(px(img, 6, 8)).toEqual([0, 0, 0]);
    expect(px(img, 6, 12)).toEqual([0, 0, 0]);
  });

  it('draws a label within its measured background, clipped at the frame edge', () => {
    const img = blank(40, 12, 7);
    const size = drawLabel(img, 2, 1, 'A1', { background: [0, 0, 255], color: [255, 255, 255] });
    expect(size).toEqual(measureLabel('A1'));
    expect(size).toEqual({ width: 13, height: 9 });
    const touched = painted(img, 7);
    expect(touched).toEqual(cells(rect(2, 1, 2 + size.width, 1 + size.height)));
    // 'A' top row is .###. : pixel (1,0) of the glyph is text, (0,0) background.
    expect(px(img, 2 + 1 + 1, 1 + 1)).toEqual([255, 255, 255]);
    expect(px(img, 2 + 1, 1 + 1)).toEqual([0, 0, 255]);
    expect(() => drawLabel(img, 35, 8, 'élan-42 zone_été ~', { scale: 2 })).not.toThrow();
  });

  it('converts normalised points to pixels, keeping border outlines on the frame', () => {
    expect(normToPixels([[0.5, 1]], { width: 640, height: 480 })).toEqual([[320, 480]]);
    expect(normToStrokePixels([[1, 1], [0, 0.5]], { width: 640, height: 480 })).toEqual([[639, 479], [0, 240]]);
    const img = blank(10, 10);
    drawPolyline(img, normToStrokePixels([[0, 0], [1, 0], [1, 1], [0, 1]], img), RED, 1, true);
    expect(px(img, 9, 5)).toEqual([255, 0, 0]);
    expect(px(img, 5, 9)).toEqual([255, 0, 0]);
  });

  it('fillRect blends and clips', () => {
    const img = blank(4, 4);
    fillRect(img, -2, -2, 2, 2, [255, 255, 255], 0.25);
    expect(painted(img)).toEqual(cells(rect(0, 0, 2, 2)));
    expect(px(img, 1, 1)).toEqual([64, 64, 64]);
  });
});
