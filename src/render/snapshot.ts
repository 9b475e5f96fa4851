/**
 * Event snapshots: one JPEG per event, the frame with the camera's overlay and
 * the triggering boxes highlighted, people blurred by default (ARCHITECTURE 2:
 * people are blurred in anything that leaves the live console).
 */
import type { VigieEvent } from '../contracts/event.js';
import type { RgbFrame } from '../contracts/frame.js';
import type { SizeWH } from '../contracts/geometry.js';
import type { TrackSnapshot } from '../contracts/track.js';
import { normLtwhToXyxy } from '../geometry/box.js';
import { drawLabel, drawRect, measureLabel, severityColor } from './draw.js';
import { encodeJpeg, type JpegOptions } from './jpeg.js';
import { overlayScale, renderOverlay, type OverlayCamera } from './overlay.js';
import type { ObjectClass } from '../contracts/classes.js';

export interface SnapshotOptions extends JpegOptions {
  /** Blur people (and class-less blobs) — default TRUE: pass false only where unblurred viewing is authorised. */
  readonly blurPeople?: boolean;
  readonly blurClasses?: readonly ObjectClass[];
  readonly blurStrength?: number;
  /** Size of the frame the track boxes refer to; default: the snapshot frame's size. */
  readonly tracksSize?: SizeWH;
  /** Draw the other tracks of the frame too (default true). */
  readonly otherTracks?: boolean;
  /** Banner text at the top right, in the severity colour; default `TYPE rule` (e.g. `INTRUSION r1`). null for none. */
  readonly banner?: string | null;
}

/** Default JPEG settings of event snapshots. */
export const SNAPSHOT_DEFAULTS = { quality: 85, maxWidth: 1280 } as const;

/**
 * Draws the overlay for `event` on a copy of `frame` (never modified) and
 * returns it. The event's tracks found in `tracks` are highlighted; when none
 * of them is there (the frame is not the one the tracks come from), the
 * event's own normalised box is drawn instead. The camera's privacy masks are
 * always applied.
 */
export function renderEventFrame(frame: RgbFrame, event: VigieEvent, tracks: readonly TrackSnapshot[], camera: OverlayCamera, options: SnapshotOptions = {}): RgbFrame {
  const triggering = new Set(event.track_ids);
  const shown = options.otherTracks === false ? tracks.filter((t) => triggering.has(t.id)) : tracks;
  const out = renderOverlay(frame, {
    camera,
    tracks: shown,
    highlight: event.track_ids,
    severity: event.severity,
    focusRule: event.rule,
    blurPeople: options.blurPeople ?? true,
    ...(options.blurClasses ? { blurClasses: options.blurClasses } : {}),
    ...(options.blurStrength !== undefined ? { blurStrength: options.blurStrength } : {}),
    ...(options.tracksSize ? { tracksSize: options.tracksSize } : {}),
  });
  const { stroke, font } = overlayScale(out.width);
  const color = severityColor(event.severity);
  if (!tracks.some((t) => triggering.has(t.id))) {
    drawRect(out, normLtwhToXyxy(event.box, out), color, stroke + 1);
  }
  const banner = options.banner === undefined ? `${event.type.replace(/_/g, ' ')} ${event.rule}`.toUpperCase() : options.banner;
  if (banner) {
    const style = { background: color, scale: font, padding: 2 };
    const size = measureLabel(banner, style);
    drawLabel(out, Math.max(0, out.width - size.width - 4), 4, banner, style);
  }
  return out;
}

/**
 * The event's snapshot as a JPEG: `renderEventFrame` then `encodeJpeg`
 * (defaults: quality 85, at most 1280 px wide).
 */
export async function renderEventSnapshot(frame: RgbFrame, event: VigieEvent, tracks: readonly TrackSnapshot[], camera: OverlayCamera, options: SnapshotOptions = {}): Promise<Buffer> {
  const drawn = renderEventFrame(frame, event, tracks, camera, options);
  return encodeJpeg(drawn, {
    quality: options.quality ?? SNAPSHOT_DEFAULTS.quality,
    maxWidth: options.maxWidth ?? SNAPSHOT_DEFAULTS.maxWidth,
  });
}
