import type { NormPoint } from '../../contracts/geometry.js';
import { pointInPolygon } from '../../geometry/polygon.js';
import type { LampColour, LampReading, SceneAnalyser, SceneFrame, SmallFrame } from './types.js';

/** Brightness (max of R, G, B) below which nothing in the zone is lit. */
export const LAMP_LIT_MIN = 110;
/** Pixels at least this share of the zone's brightest are the lamp's; the rest is housing and background. */
export const LAMP_BRIGHT_SHARE = 0.6;
/** Saturation ((max - min) / max) a lit pixel needs to have a colour; a white or grey glare has none. */
export const LAMP_MIN_SATURATION = 0.35;

const READINGS: Readonly<Record<LampColour, LampReading>> = Object.freeze({
  red: Object.freeze({ colour: 'red' }),
  amber: Object.freeze({ colour: 'amber' }),
  green: Object.freeze({ colour: 'green' }),
  off: Object.freeze({ colour: 'off' }),
});

interface LampMask {
  readonly id: string;
  readonly polygon: readonly NormPoint[];
  /** Indices of the small frame's pixels inside the polygon (rebuilt when the frame size changes). */
  pixels: Int32Array;
}

/**
 * Reads the colour of each traffic-light lamp zone on the shared small frame:
 * the lit pixels (the brightest of the zone, above LAMP_LIT_MIN) that have a
 * colour are averaged and their hue decides red, amber or green; nothing lit or
 * only white glare reads `off`. Masks are built once per frame size.
 */
export function createLampReader(lamps: readonly { readonly id: string; readonly polygon: readonly NormPoint[] }[]): SceneAnalyser<'lamps'> {
  const byId = new Map<string, LampMask>();
  for (const lamp of lamps) if (!byId.has(lamp.id)) byId.set(lamp.id, { id: lamp.id, polygon: lamp.polygon, pixels: new Int32Array(0) });
  const masks = [...byId.values()];
  let maskW = -1;
  let maskH = -1;

  return {
    key: 'lamps',
    observe(frame: SceneFrame) {
      const small = frame.small;
      if (small.width !== maskW || small.height !== maskH) {
        for (const m of masks) m.pixels = polygonPixels(m.polygon, small.width, small.height);
        maskW = small.width;
        maskH = small.height;
      }
      const out = new Map<string, LampReading>();
      for (const m of masks) out.set(m.id, READINGS[lampColour(small, m.pixels)]);
      return out;
    },
  };
}

/** Colour of the lamp lit among `pixels` of the small frame. */
export function lampColour(small: SmallFrame, pixels: Int32Array): LampColour {
  const rgb = small.rgb;
  let maxV = 0;
  for (let k = 0; k < pixels.length; k++) {
    const o = (pixels[k] as number) * 3;
    const v = Math.max(rgb[o] as number, rgb[o + 1] as number, rgb[o + 2] as number);
    if (v > maxV) maxV = v;
  }
  if (maxV < LAMP_LIT_MIN) return 'off';
  const floor = Math.max(LAMP_LIT_MIN, maxV * LAMP_BRIGHT_SHARE);
  let r = 0;
  let g = 0;
  let b = 0;
  let n = 0;
  for (let k = 0; k < pixels.length; k++) {
    const o = (pixels[k] as number) * 3;
    const pr = rgb[o] as number;
    const pg = rgb[o + 1] as number;
    const pb = rgb[o + 2] as number;
    const v = Math.max(pr, pg, pb);
    if (v < floor || (v - Math.min(pr, pg, pb)) / v < LAMP_MIN_SATURATION) continue;
    r += pr;
    g += pg;
    b += pb;
    n++;
  }
  return n === 0 ? 'off' : hueColour(hueDeg(r / n, g / n, b / n));
}

/** Hue in degrees [0, 360) of an RGB colour. */
export function hueDeg(r: number, g: number, b: number): number {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const c = max - min;
  if (c <= 0) return 0;
  let h: number;
  if (max === r) h = ((g - b) / c) % 6;
  else if (max === g) h = (b - r) / c + 2;
  else h = (r - g) / c + 4;
  return (h * 60 + 360) % 360;
}

/** Traffic-light colour of a hue: red below 25° (and from 330°), amber to 70°, green (often bluish) to 200°. */
export function hueColour(h: number): LampColour {
  if (h < 25 || h >= 330) return 'red';
  if (h < 70) return 'amber';
  if (h < 200) return 'green';
  return 'off';
}

/**
 * Indices of the pixels of a width x height grid whose centres are inside the
 * polygon; a polygon smaller than a pixel gets the pixel under its centroid.
 */
export function polygonPixels(polygon: readonly NormPoint[], width: number, height: number): Int32Array {
  const inside: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (pointInPolygon([(x + 0.5) / width, (y + 0.5) / height], polygon)) inside.push(y * width + x);
    }
  }
  if (inside.length === 0 && polygon.length > 0) {
    const cx = polygon.reduce((s, p) => s + p[0], 0) / polygon.length;
    const cy = polygon.reduce((s, p) => s + p[1], 0) / polygon.length;
    const x = Math.min(width - 1, Math.max(0, Math.floor(cx * width)));
    const y = Math.min(height - 1, Math.max(0, Math.floor(cy * height)));
    inside.push(y * width + x);
  }
  return Int32Array.from(inside);
}
