/**
 * The analysis overlay drawn on a camera frame for operators: privacy masks,
 * zones, lines and track boxes, optionally with people blurred. Used by event
 * snapshots and the live preview.
 */
import type { ObjectClass } from '../contracts/classes.js';
import type { Severity } from '../contracts/event.js';
import type { RgbFrame } from '../contracts/frame.js';
import type { BoxXYXY, NormPolygon, SizeWH } from '../contracts/geometry.js';
import type { TrackSnapshot } from '../contracts/track.js';
import { ruleTargets, type CameraConfig } from '../config/schema.js';
import { createPrivacyMasker, type PrivacyMasker } from '../privacy/mask.js';
import { blurBoxes, DEFAULT_BLUR_STRENGTH, padBox } from './blur.js';
import {
  assertRaster, classColor, COLORS, drawArrow, drawLabel, drawPolyline, drawRect, fillPolygon, measureLabel,
  normToPixels, normToStrokePixels, severityColor, type PixelPoint, type Raster, type Rgb,
} from './draw.js';

/** The parts of a camera's configuration the overlay draws. */
export type OverlayCamera = Pick<CameraConfig, 'masks' | 'zones' | 'lines' | 'rules'>;

/** Classes blurred by `blurPeople`: people, and class-less motion blobs (which may be people). */
export const DEFAULT_BLUR_CLASSES: readonly ObjectClass[] = ['person', 'object'];

export interface OverlayOptions {
  readonly camera: OverlayCamera;
  /** Tracks to box, with pixel boxes in `tracksSize` coordinates. */
  readonly tracks?: readonly TrackSnapshot[];
  /** Size of the frame the track boxes refer to (the analysed frame); default: this frame's size. */
  readonly tracksSize?: SizeWH;
  /** Ids of the tracks that triggered the event: drawn thicker, in the severity colour, labelled. */
  readonly highlight?: readonly number[];
  /** Severity colour for highlighted tracks (default high). */
  readonly severity?: Severity;
  /** Rule of the event: its zone or line is drawn emphasised. */
  readonly focusRule?: string;
  /** Blur the tracks of `blurClasses` (default false here; snapshots default to true). */
  readonly blurPeople?: boolean;
  readonly blurClasses?: readonly ObjectClass[];
  /** Blur strength in [0, 1] (see blurBoxes). */
  readonly blurStrength?: number;
  /** Label every track with its id and class (highlighted tracks are always labelled). Default true. */
  readonly labels?: boolean;
  /** Opacity of the zones' fill, in [0, 1] (default 0.18). */
  readonly zoneFillAlpha?: number;
}

/** Stroke width and font scale for a frame width: 1 px up to 480 px wide, 2 at 640, 3 at 1280... */
export function overlayScale(width: number): { readonly stroke: number; readonly font: number } {
  return { stroke: Math.max(1, Math.round(width / 400)), font: width >= 1200 ? 2 : 1 };
}

// Maskers by mask list (the camera config object): rasterised once per frame size.
const maskers = new WeakMap<readonly NormPolygon[], PrivacyMasker>();

function maskerFor(masks: readonly NormPolygon[]): PrivacyMasker {
  let m = maskers.get(masks);
  if (!m) {
    m = createPrivacyMasker(masks);
    maskers.set(masks, m);
  }
  return m;
}

function scaleBox(box: BoxXYXY, from: SizeWH, to: SizeWH): BoxXYXY {
  if (from.width === to.width && from.height === to.height) return box;
  const sx = to.width / from.width;
  const sy = to.height / from.height;
  return [box[0] * sx, box[1] * sy, box[2] * sx, box[3] * sy];
}

function centroid(points: readonly PixelPoint[]): PixelPoint {
  let x = 0;
  let y = 0;
  for (const p of points) {
    x += p[0];
    y += p[1];
  }
  return [x / points.length, y / points.length];
}

/** Places a label of `size` at (x, y), moved inside the frame where it would stick out. */
function labelAt(img: Raster, x: number, y: number, size: SizeWH): PixelPoint {
  return [Math.max(0, Math.min(img.width - size.width, x)), Math.max(0, Math.min(img.height - size.height, y))];
}

function drawTag(img: Raster, x: number, y: number, text: string, background: Rgb, font: number): void {
  const style = { background, scale: font };
  const [lx, ly] = labelAt(img, x, y, measureLabel(text, style));
  drawLabel(img, lx, ly, text, style);
}

/** Zones and lines referenced by the rule `focusRule` (ids). */
function focusTargets(camera: OverlayCamera, focusRule: string | undefined): { zone: string | null; line: string | null } {
  const rule = focusRule === undefined ? undefined : camera.rules.find((r) => r.id === focusRule);
  if (!rule) return { zone: null, line: null };
  return ruleTargets(rule);
}

/**
 * Draws the overlay on a copy of `frame` and returns the copy (the input is
 * never modified). In order:
 * 1. the camera's privacy masks are blacked out again (frames from the
 *    pipeline already are; this makes the overlay safe for any frame);
 * 2. with `blurPeople`, the boxes of tracks of `blurClasses` (grown by 10%) are blurred;
 * 3. zones: translucent fill, outline, the id, and the allowed direction as an arrow;
 * 4. lines: the a -> b arrow, the id at a, and for line_crossing rules with a
 *    direction, a short arrow across the line showing the counted crossing;
 * 5. mask outlines (grey);
 * 6. track boxes by class colour, then the highlighted tracks on top, thicker,
 *    in the severity colour, each labelled `#id class`.
 */
export function renderOverlay(frame: RgbFrame, options: OverlayOptions): RgbFrame {
  assertRaster(frame);
  const out: RgbFrame = { ...frame, data: new Uint8Array(frame.data) };
  const { camera } = options;
  const size: SizeWH = { width: frame.width, height: frame.height };
  const { stroke, font } = overlayScale(frame.width);

  // 1. Masks.
  maskerFor(camera.masks).apply(out);

  const tracksSize = options.tracksSize ?? size;
  const tracks = (options.tracks ?? []).map((t) => ({ track: t, box: scaleBox(t.box, tracksSize, size) }));

  // 2. Blur.
  if (options.blurPeople) {
    const classes = new Set(options.blurClasses ?? DEFAULT_BLUR_CLASSES);
    const boxes = tracks.filter((t) => classes.has(t.track.cls)).map((t) => padBox(t.box, 0.1));
    blurBoxes(out, boxes, options.blurStrength ?? DEFAULT_BLUR_STRENGTH);
  }

  const focus = focusTargets(camera, options.focusRule);

  // 3. Zones.
  for (const zone of camera.zones) {
    const emphasised = zone.id === focus.zone;
    fillPolygon(out, normToPixels(zone.polygon, size), COLORS.zone, (options.zoneFillAlpha ?? 0.18) * (emphasised ? 1.6 : 1));
    const outline = normToStrokePixels(zone.polygon, size);
    drawPolyline(out, outline, COLORS.zone, emphasised ? stroke * 2 : stroke, true);
    const c = centroid(outline);
    if (zone.direction) {
      const len = Math.hypot(zone.direction[0], zone.direction[1]);
      const reach = 0.08 * Math.min(size.width, size.height);
      const ux = (zone.direction[0] / len) * reach;
      const uy = (zone.direction[1] / len) * reach;
      drawArrow(out, [c[0] - ux, c[1] - uy], [c[0] + ux, c[1] + uy], COLORS.zone, stroke + 1);
    }
    const first = outline[0];
    if (first) drawTag(out, first[0] + stroke + 1, first[1] + stroke + 1, zone.id, COLORS.zone, font);
  }

  // 4. Lines.
  for (const line of camera.lines) {
    const [a, b] = normToStrokePixels(line.points, size) as [PixelPoint, PixelPoint];
    const emphasised = line.id === focus.line;
    drawArrow(out, a, b, COLORS.line, emphasised ? stroke * 2 : stroke + 1);
    drawTag(out, a[0] + 3, a[1] + 3, line.id, COLORS.line, font);
    const directions = new Set(camera.rules.flatMap((r) => (r.type === 'line_crossing' && r.line === line.id && r.enabled ? [r.direction] : [])));
    const dx = b[0] - a[0];
    const dy = b[1] - a[1];
    const len = Math.hypot(dx, dy);
    if (len > 0) {
      // Right of a -> b in image coordinates (y down) is (-dy, dx): a_to_b crosses towards it.
      const reach = 0.05 * Math.min(size.width, size.height);
      const rx = (-dy / len) * reach;
      const ry = (dx / len) * reach;
      const m: PixelPoint = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
      if (directions.has('a_to_b')) drawArrow(out, [m[0] - rx, m[1] - ry], [m[0] + rx, m[1] + ry], COLORS.line, stroke);
      if (directions.has('b_to_a')) drawArrow(out, [m[0] + rx, m[1] + ry], [m[0] - rx, m[1] - ry], COLORS.line, stroke);
    }
  }

  // 5. Mask outlines.
  for (const mask of camera.masks) drawPolyline(out, normToStrokePixels(mask, size), COLORS.mask, stroke, true);

  // 6. Track boxes.
  const highlight = new Set(options.highlight ?? []);
  const labels = options.labels ?? true;
  for (const { track, box } of tracks) {
    if (highlight.has(track.id)) continue;
    const color = classColor(track.cls);
    drawRect(out, box, color, track.matched ? stroke : Math.max(1, stroke - 1));
    if (labels) drawTag(out, box[0], box[1] - (9 * font + 1), `${track.id}`, color, font);
  }
  const hl = severityColor(options.severity ?? 'high');
  for (const { track, box } of tracks) {
    if (!highlight.has(track.id)) continue;
    drawRect(out, box, hl, stroke + 1);
    drawTag(out, box[0], box[1] - (9 * font + 1), `#${track.id} ${track.cls.replace(/_/g, ' ')}`, hl, font);
  }
  return out;
}
