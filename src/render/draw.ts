/**
 * Pure drawing on packed RGB24 buffers (no canvas dependency).
 *
 * Every primitive is bounds-checked: anything outside the frame is clipped,
 * non-finite coordinates draw nothing, and nothing throws for shapes partly or
 * wholly out of the frame. Nothing is allocated per pixel: rows are written
 * with `fill`/`set` spans, and the only scratch arrays are per call.
 *
 * Pixel conventions:
 * - a box [x1, y1, x2, y2] covers the pixel columns round(x1) .. round(x2) - 1
 *   and rows round(y1) .. round(y2) - 1 (the tracker's continuous corners);
 *   its outline is drawn INSIDE that area, `thickness` pixels wide;
 * - a line's end points are rounded to the nearest pixel and joined with
 *   Bresenham's algorithm, thickened across its minor axis;
 * - a polygon fill covers the pixels whose centre (x + 0.5, y + 0.5) is inside
 *   the polygon (non-zero winding rule).
 *
 * Text: a built-in 5x7 bitmap font (digits, A-Z, a few signs); lower case is
 * drawn as upper case, accents are dropped, anything else becomes `?`.
 */
import type { ObjectClass } from '../contracts/classes.js';
import type { NormPoint, SizeWH } from '../contracts/geometry.js';
import type { Severity } from '../contracts/event.js';

/** Anything with packed RGB24 pixels: an RgbFrame satisfies it. */
export interface Raster extends SizeWH {
  readonly data: Uint8Array;
}

/** A colour as [red, green, blue], each 0..255. */
export type Rgb = readonly [r: number, g: number, b: number];

/** A pixel point [x, y]. */
export type PixelPoint = readonly [x: number, y: number];

/**
 * The overlay's colour legend (the console can show it): boxes by class,
 * the event's own boxes by severity, zones, lines and masks each in their own hue.
 */
export const COLORS = {
  person: [0, 230, 118],
  vehicle: [0, 200, 255],
  object: [200, 200, 200],
  otherClass: [190, 130, 255],
  zone: [64, 128, 255],
  line: [255, 0, 255],
  mask: [150, 150, 150],
  severity: { low: [255, 230, 0], medium: [255, 140, 0], high: [255, 32, 32] },
  text: [255, 255, 255],
  textOnLight: [0, 0, 0],
  labelBackground: [0, 0, 0],
} as const satisfies {
  person: Rgb; vehicle: Rgb; object: Rgb; otherClass: Rgb; zone: Rgb; line: Rgb; mask: Rgb;
  severity: Record<Severity, Rgb>; text: Rgb; textOnLight: Rgb; labelBackground: Rgb;
};

const VEHICLES: ReadonlySet<ObjectClass> = new Set<ObjectClass>(['bicycle', 'car', 'motorcycle', 'bus', 'truck', 'train', 'boat', 'airplane']);

/** Colour of a track's box by class (see COLORS). */
export function classColor(cls: ObjectClass): Rgb {
  if (cls === 'person') return COLORS.person;
  if (cls === 'object') return COLORS.object;
  return VEHICLES.has(cls) ? COLORS.vehicle : COLORS.otherClass;
}

/** Colour of an event's own boxes and banner by severity (see COLORS). */
export function severityColor(severity: Severity): Rgb {
  return COLORS.severity[severity];
}

/** Text colour readable on `background` (black on light colours, white on dark). */
export function textColorOn(background: Rgb): Rgb {
  const luma = 0.299 * background[0] + 0.587 * background[1] + 0.114 * background[2];
  return luma > 140 ? COLORS.textOnLight : COLORS.text;
}

/** Normalised points to pixel points of a frame (x * width, y * height). */
export function normToPixels(points: readonly NormPoint[], size: SizeWH): PixelPoint[] {
  return points.map(([x, y]) => [x * size.width, y * size.height] as const);
}

/**
 * Normalised points to pixel points for strokes: like normToPixels, but a
 * coordinate of exactly 1 lands on the last pixel (width - 1) instead of just
 * outside the frame, so an outline along the frame's border stays visible.
 */
export function normToStrokePixels(points: readonly NormPoint[], size: SizeWH): PixelPoint[] {
  const sx = (x: number): number => (x >= 0 && x <= 1 ? Math.min(x * size.width, size.width - 1) : x * size.width);
  const sy = (y: number): number => (y >= 0 && y <= 1 ? Math.min(y * size.height, size.height - 1) : y * size.height);
  return points.map(([x, y]) => [sx(x), sy(y)] as const);
}

/** Checks that `data` has exactly width * height * 3 bytes. */
export function assertRaster(img: Raster): void {
  if (!Number.isInteger(img.width) || !Number.isInteger(img.height) || img.width <= 0 || img.height <= 0) {
    throw new RangeError(`frame size must be positive integers, got ${img.width}x${img.height}`);
  }
  if (img.data.length !== img.width * img.height * 3) {
    throw new RangeError(`frame buffer has ${img.data.length} bytes, expected ${img.width * img.height * 3} for ${img.width}x${img.height} RGB24`);
  }
}

/** Alpha in [0,1] to the integer weight 0..256 used by the blending loops. */
function alphaWeight(alpha: number): number {
  if (!(alpha > 0)) return 0;
  return alpha >= 1 ? 256 : Math.round(alpha * 256);
}

/** Writes the pixels [x0, x1) of row y (already clipped) with `color` at weight a (0..256). */
function span(data: Uint8Array, width: number, y: number, x0: number, x1: number, color: Rgb, a: number): void {
  if (x1 <= x0 || a === 0) return;
  const start = (y * width + x0) * 3;
  const end = (y * width + x1) * 3;
  const [r, g, b] = color;
  if (a >= 256) {
    for (let i = start; i < end; i += 3) {
      data[i] = r;
      data[i + 1] = g;
      data[i + 2] = b;
    }
    return;
  }
  for (let i = start; i < end; i += 3) {
    const dr = data[i]!;
    const dg = data[i + 1]!;
    const db = data[i + 2]!;
    data[i] = dr + (((r - dr) * a + 128) >> 8);
    data[i + 1] = dg + (((g - dg) * a + 128) >> 8);
    data[i + 2] = db + (((b - db) * a + 128) >> 8);
  }
}

/**
 * Fills the integer pixel rectangle [x0, x1) x [y0, y1) (clipped to the frame),
 * opaque or blended with `alpha` in [0,1].
 */
export function fillRect(img: Raster, x0: number, y0: number, x1: number, y1: number, color: Rgb, alpha = 1): void {
  if (!Number.isFinite(x0 + y0 + x1 + y1)) return;
  const a = alphaWeight(alpha);
  const cx0 = Math.max(0, Math.round(x0));
  const cy0 = Math.max(0, Math.round(y0));
  const cx1 = Math.min(img.width, Math.round(x1));
  const cy1 = Math.min(img.height, Math.round(y1));
  for (let y = cy0; y < cy1; y++) span(img.data, img.width, y, cx0, cx1, color, a);
}

/** Sets one pixel if it is inside the frame. */
export function setPixel(img: Raster, x: number, y: number, color: Rgb): void {
  if (!(x >= 0 && y >= 0 && x < img.width && y < img.height)) return;
  const i = (Math.floor(y) * img.width + Math.floor(x)) * 3;
  img.data[i] = color[0];
  img.data[i + 1] = color[1];
  img.data[i + 2] = color[2];
}

/**
 * Outlines a pixel box [x1, y1, x2, y2] (see the module's conventions), the
 * stroke `thickness` pixels wide inside the box. Parts out of the frame are clipped.
 */
export function drawRect(img: Raster, box: readonly [number, number, number, number], color: Rgb, thickness = 1): void {
  if (!Number.isFinite(box[0] + box[1] + box[2] + box[3])) return;
  const l = Math.round(box[0]);
  const t = Math.round(box[1]);
  const r = Math.round(box[2]); // exclusive
  const b = Math.round(box[3]); // exclusive
  if (r <= l || b <= t) return;
  const th = Math.max(1, Math.round(thickness));
  if (2 * th >= r - l || 2 * th >= b - t) {
    fillRect(img, l, t, r, b, color);
    return;
  }
  fillRect(img, l, t, r, t + th, color); // top
  fillRect(img, l, b - th, r, b, color); // bottom
  fillRect(img, l, t + th, l + th, b - th, color); // left
  fillRect(img, r - th, t + th, r, b - th, color); // right
}

/**
 * Clips the segment to the rectangle [xmin, xmax] x [ymin, ymax] (Liang-Barsky).
 * Returns false when nothing of it is inside; otherwise writes the clipped ends to `out`.
 */
function clipSegment(x0: number, y0: number, x1: number, y1: number, xmin: number, ymin: number, xmax: number, ymax: number, out: Float64Array): boolean {
  let t0 = 0;
  let t1 = 1;
  const dx = x1 - x0;
  const dy = y1 - y0;
  const edges: readonly (readonly [number, number])[] = [[-dx, x0 - xmin], [dx, xmax - x0], [-dy, y0 - ymin], [dy, ymax - y0]];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return false;
      continue;
    }
    const t = q / p;
    if (p < 0) {
      if (t > t1) return false;
      if (t > t0) t0 = t;
    } else {
      if (t < t0) return false;
      if (t < t1) t1 = t;
    }
  }
  out[0] = x0 + t0 * dx;
  out[1] = y0 + t0 * dy;
  out[2] = x0 + t1 * dx;
  out[3] = y0 + t1 * dy;
  return true;
}

/**
 * Draws a straight segment from (x0, y0) to (x1, y1) with Bresenham's
 * algorithm; a thickness above 1 widens it across its minor axis (a mostly
 * horizontal line gets `thickness` pixels per column, centred). Both end
 * points are drawn. Segments reaching out of the frame are clipped first, so a
 * far-away end point costs nothing.
 */
export function drawLine(img: Raster, x0: number, y0: number, x1: number, y1: number, color: Rgb, thickness = 1): void {
  if (!Number.isFinite(x0 + y0 + x1 + y1)) return;
  const th = Math.max(1, Math.round(thickness));
  const { width, height } = img;
  const inside = (x: number, y: number): boolean => x >= 0 && y >= 0 && x <= width - 1 && y <= height - 1;
  if (!inside(x0, y0) || !inside(x1, y1)) {
    const c = new Float64Array(4);
    if (!clipSegment(x0, y0, x1, y1, -th, -th, width - 1 + th, height - 1 + th, c)) return;
    [x0, y0, x1, y1] = [c[0]!, c[1]!, c[2]!, c[3]!];
  }
  let x = Math.round(x0);
  let y = Math.round(y0);
  const xe = Math.round(x1);
  const ye = Math.round(y1);
  const dx = Math.abs(xe - x);
  const dy = -Math.abs(ye - y);
  const sx = x < xe ? 1 : -1;
  const sy = y < ye ? 1 : -1;
  const steep = -dy > dx;
  const before = (th - 1) >> 1;
  let err = dx + dy;
  for (;;) {
    if (steep) {
      // Horizontal run of `th` pixels centred on x.
      if (y >= 0 && y < height) span(img.data, width, y, Math.max(0, x - before), Math.min(width, x - before + th), color, 256);
    } else {
      for (let k = 0; k < th; k++) {
        const yy = y - before + k;
        if (x >= 0 && x < width && yy >= 0 && yy < height) span(img.data, width, yy, x, x + 1, color, 256);
      }
    }
    if (x === xe && y === ye) break;
    const e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y += sy;
    }
  }
}

/** Joins the points with segments; `closed` also joins the last to the first. */
export function drawPolyline(img: Raster, points: readonly PixelPoint[], color: Rgb, thickness = 1, closed = false): void {
  const n = points.length;
  if (n === 1) {
    const p = points[0]!;
    drawLine(img, p[0], p[1], p[0], p[1], color, thickness);
    return;
  }
  const last = closed && n > 2 ? n : n - 1;
  for (let i = 0; i < last; i++) {
    const a = points[i]!;
    const b = points[(i + 1) % n]!;
    drawLine(img, a[0], a[1], b[0], b[1], color, thickness);
  }
}

/**
 * Fills a polygon (pixel coordinates): every pixel whose centre is inside
 * (non-zero winding), opaque or blended with `alpha` in [0,1]. Fewer than 3
 * points, or a non-finite point, fills nothing.
 */
export function fillPolygon(img: Raster, points: readonly PixelPoint[], color: Rgb, alpha = 1): void {
  const n = points.length;
  if (n < 3) return;
  const a = alphaWeight(alpha);
  if (a === 0) return;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const [px, py] of points) {
    if (!Number.isFinite(px) || !Number.isFinite(py)) return;
    if (py < minY) minY = py;
    if (py > maxY) maxY = py;
  }
  const { width, height } = img;
  const rowFirst = Math.max(0, Math.ceil(minY - 0.5));
  const rowLast = Math.min(height - 1, Math.floor(maxY - 0.5));
  const xs = new Float64Array(n);
  const ws = new Int8Array(n);
  const order = new Int32Array(n);
  for (let row = rowFirst; row <= rowLast; row++) {
    const sy = row + 0.5;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const p = points[i]!;
      const q = points[i + 1 === n ? 0 : i + 1]!;
      const y0 = p[1];
      const y1 = q[1];
      // Half-open [min, max): a vertex on the scanline counts once.
      let w = 0;
      if (y0 <= sy && y1 > sy) w = 1;
      else if (y1 <= sy && y0 > sy) w = -1;
      if (w === 0) continue;
      xs[m] = p[0] + ((sy - y0) / (y1 - y0)) * (q[0] - p[0]);
      ws[m] = w;
      m++;
    }
    if (m < 2) continue;
    // Insertion sort of the m crossings by x (m is small: the polygon's edges on this row).
    for (let k = 0; k < m; k++) order[k] = k;
    for (let k = 1; k < m; k++) {
      const v = order[k]!;
      const xv = xs[v]!;
      let j = k - 1;
      while (j >= 0 && xs[order[j]!]! > xv) {
        order[j + 1] = order[j]!;
        j--;
      }
      order[j + 1] = v;
    }
    let winding = 0;
    for (let k = 0; k < m - 1; k++) {
      winding += ws[order[k]!]!;
      if (winding === 0) continue;
      // Inside between this crossing and the next: pixels with centre in [xa, xb).
      const xa = xs[order[k]!]!;
      const xb = xs[order[k + 1]!]!;
      const first = Math.max(0, Math.ceil(xa - 0.5));
      const lastX = Math.min(width - 1, Math.ceil(xb - 0.5) - 1);
      if (lastX >= first) span(img.data, width, row, first, lastX + 1, color, a);
    }
  }
}

/**
 * A segment from a to b with an arrow head at b showing the a -> b direction.
 * `headLength` is in pixels (default: 4 x thickness + 4, at most half the segment).
 */
export function drawArrow(img: Raster, a: PixelPoint, b: PixelPoint, color: Rgb, thickness = 1, headLength?: number): void {
  drawLine(img, a[0], a[1], b[0], b[1], color, thickness);
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len = Math.hypot(dx, dy);
  if (!(len > 0)) return;
  const head = Math.min(headLength ?? 4 * thickness + 4, len / 2);
  const ux = dx / len;
  const uy = dy / len;
  // Two barbs at +-30 degrees from the reversed direction, and a filled head.
  const cos = Math.cos(Math.PI / 6);
  const sin = Math.sin(Math.PI / 6);
  const left: PixelPoint = [b[0] - head * (ux * cos - uy * sin), b[1] - head * (uy * cos + ux * sin)];
  const right: PixelPoint = [b[0] - head * (ux * cos + uy * sin), b[1] - head * (uy * cos - ux * sin)];
  fillPolygon(img, [b, left, right], color);
  drawLine(img, b[0], b[1], left[0], left[1], color, thickness);
  drawLine(img, b[0], b[1], right[0], right[1], color, thickness);
}

// --- Text ------------------------------------------------------------------

/** Width and height of a glyph, in font pixels; glyphs are one font pixel apart. */
export const GLYPH_WIDTH = 5;
export const GLYPH_HEIGHT = 7;

/** Each glyph: 7 rows, 5 bits each, the most significant bit leftmost. */
const GLYPHS: Readonly<Record<string, readonly number[]>> = {
  '0': [0b01110, 0b10001, 0b10011, 0b10101, 0b11001, 0b10001, 0b01110],
  '1': [0b00100, 0b01100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110],
  '2': [0b01110, 0b10001, 0b00001, 0b00010, 0b00100, 0b01000, 0b11111],
  '3': [0b11110, 0b00001, 0b00001, 0b01110, 0b00001, 0b00001, 0b11110],
  '4': [0b00010, 0b00110, 0b01010, 0b10010, 0b11111, 0b00010, 0b00010],
  '5': [0b11111, 0b10000, 0b11110, 0b00001, 0b00001, 0b10001, 0b01110],
  '6': [0b00110, 0b01000, 0b10000, 0b11110, 0b10001, 0b10001, 0b01110],
  '7': [0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b01000, 0b01000],
  '8': [0b01110, 0b10001, 0b10001, 0b01110, 0b10001, 0b10001, 0b01110],
  '9': [0b01110, 0b10001, 0b10001, 0b01111, 0b00001, 0b00010, 0b01100],
  A: [0b01110, 0b10001, 0b10001, 0b11111, 0b10001, 0b10001, 0b10001],
  B: [0b11110, 0b10001, 0b10001, 0b11110, 0b10001, 0b10001, 0b11110],
  C: [0b01110, 0b10001, 0b10000, 0b10000, 0b10000, 0b10001, 0b01110],
  D: [0b11110, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b11110],
  E: [0b11111, 0b10000, 0b10000, 0b11110, 0b10000, 0b10000, 0b11111],
  F: [0b11111, 0b10000, 0b10000, 0b11110, 0b10000, 0b10000, 0b10000],
  G: [0b01110, 0b10001, 0b10000, 0b10111, 0b10001, 0b10001, 0b01111],
  H: [0b10001, 0b10001, 0b10001, 0b11111, 0b10001, 0b10001, 0b10001],
  I: [0b01110, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110],
  J: [0b00111, 0b00010, 0b00010, 0b00010, 0b00010, 0b10010, 0b01100],
  K: [0b10001, 0b10010, 0b10100, 0b11000, 0b10100, 0b10010, 0b10001],
  L: [0b10000, 0b10000, 0b10000, 0b10000, 0b10000, 0b10000, 0b11111],
  M: [0b10001, 0b11011, 0b10101, 0b10101, 0b10001, 0b10001, 0b10001],
  N: [0b10001, 0b10001, 0b11001, 0b10101, 0b10011, 0b10001, 0b10001],
  O: [0b01110, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01110],
  P: [0b11110, 0b10001, 0b10001, 0b11110, 0b10000, 0b10000, 0b10000],
  Q: [0b01110, 0b10001, 0b10001, 0b10001, 0b10101, 0b10010, 0b01101],
  R: [0b11110, 0b10001, 0b10001, 0b11110, 0b10100, 0b10010, 0b10001],
  S: [0b01111, 0b10000, 0b10000, 0b01110, 0b00001, 0b00001, 0b11110],
  T: [0b11111, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100],
  U: [0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01110],
  V: [0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01010, 0b00100],
  W: [0b10001, 0b10001, 0b10001, 0b10101, 0b10101, 0b10101, 0b01010],
  X: [0b10001, 0b10001, 0b01010, 0b00100, 0b01010, 0b10001, 0b10001],
  Y: [0b10001, 0b10001, 0b01010, 0b00100, 0b00100, 0b00100, 0b00100],
  Z: [0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b10000, 0b11111],
  ' ': [0, 0, 0, 0, 0, 0, 0],
  '-': [0, 0, 0, 0b11111, 0, 0, 0],
  _: [0, 0, 0, 0, 0, 0, 0b11111],
  '.': [0, 0, 0, 0, 0, 0b01100, 0b01100],
  ',': [0, 0, 0, 0, 0b01100, 0b00100, 0b01000],
  ':': [0, 0b01100, 0b01100, 0, 0b01100, 0b01100, 0],
  '#': [0b01010, 0b01010, 0b11111, 0b01010, 0b11111, 0b01010, 0b01010],
  '/': [0b00001, 0b00010, 0b00010, 0b00100, 0b01000, 0b01000, 0b10000],
  '%': [0b11001, 0b11010, 0b00010, 0b00100, 0b01000, 0b01011, 0b10011],
  '(': [0b00010, 0b00100, 0b01000, 0b01000, 0b01000, 0b00100, 0b00010],
  ')': [0b01000, 0b00100, 0b00010, 0b00010, 0b00010, 0b00100, 0b01000],
  '+': [0, 0b00100, 0b00100, 0b11111, 0b00100, 0b00100, 0],
  '<': [0b00010, 0b00100, 0b01000, 0b10000, 0b01000, 0b00100, 0b00010],
  '>': [0b01000, 0b00100, 0b00010, 0b00001, 0b00010, 0b00100, 0b01000],
  '?': [0b01110, 0b10001, 0b00001, 0b00010, 0b00100, 0, 0b00100],
};

function glyphOf(ch: string): readonly number[] {
  return GLYPHS[ch] ?? GLYPHS[ch.toUpperCase()] ?? GLYPHS['?']!;
}

/** Text as the font draws it: accents dropped (é -> E), lower case as upper case. */
function fontText(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

export interface LabelStyle {
  /** Text colour; default: black or white, whichever reads better on the background. */
  readonly color?: Rgb;
  readonly background?: Rgb;
  /** Size of one font pixel in frame pixels (default 1). */
  readonly scale?: number;
  /** Background margin around the text, in font pixels (default 1). */
  readonly padding?: number;
}

/** Size in pixels of a label drawn with `drawLabel` (background included). */
export function measureLabel(text: string, style: LabelStyle = {}): SizeWH {
  const scale = Math.max(1, Math.round(style.scale ?? 1));
  const pad = Math.max(0, Math.round(style.padding ?? 1));
  const n = [...fontText(text)].length;
  const inner = n === 0 ? 0 : n * (GLYPH_WIDTH + 1) - 1;
  return { width: (inner + 2 * pad) * scale, height: (GLYPH_HEIGHT + 2 * pad) * scale };
}

/**
 * Draws `text` on a filled background whose top-left corner is (x, y), clipped
 * to the frame. Returns the label's size.
 */
export function drawLabel(img: Raster, x: number, y: number, text: string, style: LabelStyle = {}): SizeWH {
  const size = measureLabel(text, style);
  if (!Number.isFinite(x + y)) return size;
  const scale = Math.max(1, Math.round(style.scale ?? 1));
  const pad = Math.max(0, Math.round(style.padding ?? 1));
  const bg = style.background ?? COLORS.labelBackground;
  const fg = style.color ?? textColorOn(bg);
  const x0 = Math.round(x);
  const y0 = Math.round(y);
  fillRect(img, x0, y0, x0 + size.width, y0 + size.height, bg);
  let cx = x0 + pad * scale;
  const cy = y0 + pad * scale;
  for (const ch of fontText(text)) {
    if (cx >= img.width) break;
    const rows = glyphOf(ch);
    for (let r = 0; r < GLYPH_HEIGHT; r++) {
      const bits = rows[r] ?? 0;
      if (bits === 0) continue;
      for (let c = 0; c < GLYPH_WIDTH; c++) {
        if ((bits >> (GLYPH_WIDTH - 1 - c)) & 1) {
          const px = cx + c * scale;
          const py = cy + r * scale;
          fillRect(img, px, py, px + scale, py + scale, fg);
        }
      }
    }
    cx += (GLYPH_WIDTH + 1) * scale;
  }
  return size;
}
