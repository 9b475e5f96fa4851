import type { Detection } from '../../contracts/detection.js';
import type { RgbFrame } from '../../contracts/frame.js';
import type { BoxXYXY } from '../../contracts/geometry.js';
import { createMotionDetector, type MotionDetector } from '../motion/motion-detector.js';
import type { MotionDetectorOptions, MotionRegion, MotionResult } from '../motion/types.js';

/**
 * Class-agnostic detector backend (`detect.backend: motion`): moving blobs
 * become `Detection`s of class `object`, for views a COCO model does not
 * understand (cars seen from overhead come out as tables and benches).
 *
 * Per frame, on top of the motion detector's regions:
 *  1. merge regions closer than `mergeGapFrac` (fragments of one object);
 *  2. drop blobs smaller than `minObjectAreaFrac` or larger than `maxObjectAreaFrac`;
 *  3. match blobs to the previous frames' blobs (IoU or containment) and count
 *     how many consecutive-ish frames each has persisted;
 *  4. report the blobs that persisted `minPersistFrames` (more during an
 *     exposure change), scored from solidity and persistence.
 * The output is meant for the ByteTrack tracker: persistence keeps one-frame
 * flickers out, and boxes are the blob's extent in this frame (no smoothing:
 * the tracker's Kalman filter does that).
 *
 * Stateful: one instance per camera, frames in stream order. It therefore
 * runs inline in the camera's pipeline (a few ms per frame), not in the
 * detector worker pool, whose workers may see a camera's frames out of order.
 */
export interface MotionObjectDetectorOptions {
  /** Options of the internal motion detector (ignored by `detectFromMotion`). */
  readonly motion: Partial<MotionDetectorOptions>;
  /**
   * Regions whose boxes are closer than this fraction of the frame width (in
   * both x and y) are merged into one object. Larger joins the fragments of a
   * low-contrast object; too large joins neighbours (two cars side by side in
   * adjacent lanes, people walking together).
   */
  readonly mergeGapFrac: number;
  /** Blobs smaller than this fraction of the frame area are not objects (a person far away at 640 px is ~0.005). */
  readonly minObjectAreaFrac: number;
  /** Blobs whose box covers more than this fraction of the frame are not objects (a global change that got through). */
  readonly maxObjectAreaFrac: number;
  /**
   * Frames a blob must be seen in before it is reported. Higher removes more
   * flicker (waving leaves, reflections) but reports objects later.
   */
  readonly minPersistFrames: number;
  /** `minPersistFrames` for blobs that first appear while the exposure is changing. */
  readonly minPersistFramesInLightingChange: number;
  /** A blob continues a previous one when their IoU reaches this, or when one holds `matchContainmentMin` of the other. */
  readonly matchIouMin: number;
  /** Intersection over the smaller box from which a blob continues a previous one (objects entering the frame grow fast). */
  readonly matchContainmentMin: number;
  /** Frames a previous blob may go unseen before its persistence is forgotten. */
  readonly maxMissedFrames: number;
}

export const DEFAULT_MOTION_OBJECT_OPTIONS: Readonly<MotionObjectDetectorOptions> = Object.freeze({
  motion: Object.freeze({}),
  mergeGapFrac: 0.015,
  minObjectAreaFrac: 0.002,
  maxObjectAreaFrac: 0.4,
  minPersistFrames: 3,
  minPersistFramesInLightingChange: 6,
  matchIouMin: 0.2,
  matchContainmentMin: 0.6,
  maxMissedFrames: 2,
});

export interface MotionObjectDetector {
  /** Runs the internal motion detector on `frame` and returns the objects found. */
  detect(frame: RgbFrame): Detection[];
  /**
   * Same, from a motion result computed elsewhere (the pipeline's gating
   * detector), to avoid analysing the frame twice. Use one source per instance.
   */
  detectFromMotion(motion: MotionResult): Detection[];
  /** Forgets all state (background and blob persistence). */
  reset(): void;
}

interface Blob {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  areaPx: number;
}

interface BlobTrack {
  box: Blob;
  /** Frames in which the blob was seen. */
  hits: number;
  /** Consecutive frames in which it was not seen. */
  misses: number;
  /** Hits needed before it is reported (fixed when the blob first appears). */
  needed: number;
}

const boxArea = (b: Blob): number => Math.max(0, b.x2 - b.x1) * Math.max(0, b.y2 - b.y1);

function intersection(a: Blob, b: Blob): number {
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Merges regions whose boxes are within `gapPx` of each other, transitively. */
export function mergeRegions(regions: readonly MotionRegion[], gapPx: number): Blob[] {
  const blobs: Blob[] = regions.map((r) => ({ x1: r.box[0], y1: r.box[1], x2: r.box[2], y2: r.box[3], areaPx: r.areaPx }));
  let merged = true;
  while (merged) {
    merged = false;
    for (let i = 0; i < blobs.length && !merged; i++) {
      for (let j = i + 1; j < blobs.length; j++) {
        const a = blobs[i]!;
        const b = blobs[j]!;
        const gapX = Math.max(a.x1 - b.x2, b.x1 - a.x2);
        const gapY = Math.max(a.y1 - b.y2, b.y1 - a.y2);
        if (gapX <= gapPx && gapY <= gapPx) {
          blobs[i] = { x1: Math.min(a.x1, b.x1), y1: Math.min(a.y1, b.y1), x2: Math.max(a.x2, b.x2), y2: Math.max(a.y2, b.y2), areaPx: a.areaPx + b.areaPx };
          blobs.splice(j, 1);
          merged = true;
          break;
        }
      }
    }
  }
  return blobs;
}

function checkOptions(o: MotionObjectDetectorOptions): void {
  const fracs: (keyof MotionObjectDetectorOptions)[] = ['mergeGapFrac', 'minObjectAreaFrac', 'maxObjectAreaFrac', 'matchIouMin', 'matchContainmentMin'];
  for (const key of fracs) {
    const v = o[key] as number;
    if (!(v >= 0 && v <= 1)) throw new RangeError(`motion object option ${key} must be in [0, 1], got ${v}`);
  }
  const counts: (keyof MotionObjectDetectorOptions)[] = ['minPersistFrames', 'minPersistFramesInLightingChange', 'maxMissedFrames'];
  for (const key of counts) {
    const v = o[key] as number;
    if (!(Number.isInteger(v) && v >= (key === 'maxMissedFrames' ? 0 : 1))) throw new RangeError(`motion object option ${key} must be a whole number of frames, got ${v}`);
  }
}

/**
 * Creates a class-agnostic motion-blob detector for one camera.
 *
 * @throws RangeError when an option is out of range.
 */
export function createMotionObjectDetector(options: Partial<MotionObjectDetectorOptions> = {}): MotionObjectDetector {
  const opt: MotionObjectDetectorOptions = { ...DEFAULT_MOTION_OBJECT_OPTIONS, ...options };
  checkOptions(opt);
  let motion: MotionDetector | null = null;
  let tracks: BlobTrack[] = [];

  function associate(blobs: Blob[], lightingChange: boolean): (BlobTrack | null)[] {
    // Greedy matching, best overlap first.
    const pairs: { t: number; b: number; iou: number }[] = [];
    tracks.forEach((track, t) => {
      blobs.forEach((blob, b) => {
        const inter = intersection(track.box, blob);
        if (inter === 0) return;
        const union = boxArea(track.box) + boxArea(blob) - inter;
        const iou = inter / union;
        const containment = inter / Math.max(1, Math.min(boxArea(track.box), boxArea(blob)));
        if (iou >= opt.matchIouMin || containment >= opt.matchContainmentMin) pairs.push({ t, b, iou });
      });
    });
    pairs.sort((p, q) => q.iou - p.iou);
    const trackUsed = new Set<number>();
    const matchOf: (BlobTrack | null)[] = blobs.map(() => null);
    for (const { t, b } of pairs) {
      if (trackUsed.has(t) || matchOf[b] !== null) continue;
      trackUsed.add(t);
      matchOf[b] = tracks[t]!;
    }
    const next: BlobTrack[] = [];
    tracks.forEach((track, t) => {
      if (trackUsed.has(t)) return;
      track.misses++;
      if (track.misses <= opt.maxMissedFrames) next.push(track);
    });
    blobs.forEach((blob, b) => {
      const track = matchOf[b];
      if (track) {
        track.box = blob;
        track.hits++;
        track.misses = 0;
        next.push(track);
      } else {
        const fresh: BlobTrack = { box: blob, hits: 1, misses: 0, needed: lightingChange ? opt.minPersistFramesInLightingChange : opt.minPersistFrames };
        matchOf[b] = fresh;
        next.push(fresh);
      }
    });
    tracks = next;
    return matchOf;
  }

  function detectFromMotion(m: MotionResult): Detection[] {
    if (m.backgroundReset) {
      tracks = [];
      return [];
    }
    const frameArea = m.width * m.height;
    const blobs = mergeRegions(m.regions, opt.mergeGapFrac * m.width).filter(
      (b) => b.areaPx >= opt.minObjectAreaFrac * frameArea && boxArea(b) <= opt.maxObjectAreaFrac * frameArea,
    );
    const matched = associate(blobs, m.lightingChange);
    const out: Detection[] = [];
    blobs.forEach((blob, i) => {
      const track = matched[i]!;
      if (track.hits < track.needed) return;
      const solidity = Math.min(1, blob.areaPx / Math.max(1, boxArea(blob)));
      const persistence = Math.min(1, track.hits / (2 * track.needed));
      const score = Math.round((0.5 * solidity + 0.5 * persistence) * 1000) / 1000;
      const box: BoxXYXY = [Math.max(0, blob.x1), Math.max(0, blob.y1), Math.min(m.width, blob.x2), Math.min(m.height, blob.y2)];
      out.push({ box, score, cls: 'object' });
    });
    // Best first, as the detector port (detector.ts) orders its results.
    return out.sort((p, q) => q.score - p.score);
  }

  return {
    detect(frame: RgbFrame): Detection[] {
      motion ??= createMotionDetector(opt.motion);
      return detectFromMotion(motion.update(frame));
    },
    detectFromMotion,
    reset() {
      motion = null;
      tracks = [];
    },
  };
}
