/**
 * Region crops: which rectangles of a frame the detector should look at, given
 * where something moves, and at what model input size each. Pure.
 *
 * A crop is a moving region padded generously (a person whose legs alone move
 * must fit whole), merged with the crops it overlaps. Each crop is fed at the
 * input size that keeps the full frame's resolution (rounded up to what the
 * model accepts), so small people are never seen smaller than on the full
 * frame, and non-square crops get non-square inputs (no letterbox bands to
 * pay for). When the crops would cost about as much as the full frame (motion
 * everywhere), the full frame is used instead.
 */
import type { BoxXYXY } from '../contracts/geometry.js';
import type { FlexibleInput } from '../vision/detect/detector.js';
import type { CropRect, InputShape } from '../vision/detect/preprocess.js';

/** One rectangle to detect on, and the model input size for it. */
export interface RegionCrop {
  readonly rect: CropRect;
  readonly input: InputShape;
}

export interface RegionCropOptions {
  /** Input sizes the detector accepts. */
  readonly flexible: FlexibleInput;
  /** Input size used for the full frame. */
  readonly fullFrameInput: InputShape;
  /** Padding around a moving region, as a share of its longer side. Default 0.5. */
  readonly padRatio?: number;
  /** Minimum padding in frame pixels. Default 16. */
  readonly minPadPx?: number;
  /** At most this many crops per frame (the closest ones are merged beyond). Default 2. */
  readonly maxCrops?: number;
  /** Use the full frame when the crops' total input area exceeds this share of the full frame's. Default 0.75. */
  readonly maxCostShare?: number;
}

export const DEFAULT_REGION_CROP_OPTIONS = Object.freeze({ padRatio: 0.5, minPadPx: 16, maxCrops: 2, maxCostShare: 0.75 });

type Box = [number, number, number, number];

const fitSide = (side: number, f: FlexibleInput): number => Math.min(f.max, Math.max(f.min, Math.ceil(side / f.step - 1e-9) * f.step));


const area = (b: Box): number => (b[2] - b[0]) * (b[3] - b[1]);
const union = (a: Box, b: Box): Box => [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
const overlaps = (a: Box, b: Box): boolean => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];

/** Merges overlapping boxes until none overlap (a merge can create new overlaps, hence the loop). */
function mergeOverlapping(boxes: Box[]): Box[] {
  let merged = true;
  while (merged) {
    merged = false;
    for (let i = 0; i < boxes.length && !merged; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        if (!overlaps(boxes[i]!, boxes[j]!)) continue;
        boxes[i] = union(boxes[i]!, boxes[j]!);
        boxes.splice(j, 1);
        merged = true;
        break;
      }
    }
  }
  return boxes;
}

/** Merges the pair whose union grows the covered area least, until at most `max` remain. */
function mergeDownTo(boxes: Box[], max: number): Box[] {
  while (boxes.length > max) {
    let best: [number, number] = [0, 1];
    let bestGrowth = Number.POSITIVE_INFINITY;
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const growth = area(union(boxes[i]!, boxes[j]!)) - area(boxes[i]!) - area(boxes[j]!);
        if (growth < bestGrowth) {
          bestGrowth = growth;
          best = [i, j];
        }
      }
    }
    boxes[best[0]] = union(boxes[best[0]]!, boxes[best[1]]!);
    boxes.splice(best[1], 1);
    mergeOverlapping(boxes);
  }
  return boxes;
}

/**
 * Plans the crops of one frame from its moving regions (frame pixels). Returns
 * `null` when the full frame should be used: no size to choose from, no region,
 * or crops that would not be cheaper. Crops are whole pixels inside the frame.
 */
export function planRegionCrops(
  regions: readonly BoxXYXY[],
  frameWidth: number,
  frameHeight: number,
  options: RegionCropOptions,
): RegionCrop[] | null {
  const padRatio = options.padRatio ?? DEFAULT_REGION_CROP_OPTIONS.padRatio;
  const minPad = options.minPadPx ?? DEFAULT_REGION_CROP_OPTIONS.minPadPx;
  const maxCrops = options.maxCrops ?? DEFAULT_REGION_CROP_OPTIONS.maxCrops;
  const maxCostShare = options.maxCostShare ?? DEFAULT_REGION_CROP_OPTIONS.maxCostShare;
  if (regions.length === 0) return null;

  if (!Number.isInteger(maxCrops) || maxCrops < 1) throw new RangeError(`maxCrops must be an integer >= 1, got ${maxCrops}`);
  const padded = regions
    .map((r): Box => {
      const pad = Math.max(minPad, padRatio * Math.max(r[2] - r[0], r[3] - r[1]));
      return [Math.max(0, r[0] - pad), Math.max(0, r[1] - pad), Math.min(frameWidth, r[2] + pad), Math.min(frameHeight, r[3] + pad)];
    })
    // A region wholly outside the frame leaves nothing to look at.
    .filter((b) => b[2] - b[0] >= 1 && b[3] - b[1] >= 1);
  if (padded.length === 0) return null;
  const boxes = mergeDownTo(mergeOverlapping(padded), maxCrops);

  // The full frame is shrunk by this factor; a crop must not be shrunk more.
  const full = options.fullFrameInput;
  const fullScale = Math.min(full.width / frameWidth, full.height / frameHeight);
  const crops: RegionCrop[] = [];
  let cost = 0;
  for (const b of boxes) {
    const x = Math.floor(b[0]);
    const y = Math.floor(b[1]);
    const rect = { x, y, width: Math.ceil(b[2]) - x, height: Math.ceil(b[3]) - y };
    const input = { width: fitSide(rect.width * fullScale, options.flexible), height: fitSide(rect.height * fullScale, options.flexible) };
    cost += input.width * input.height;
    crops.push({ rect, input });
  }
  return cost > maxCostShare * full.width * full.height ? null : crops;
}
