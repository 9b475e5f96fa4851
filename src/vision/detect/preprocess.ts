import type { BoxXYXY } from '../../contracts/geometry.js';
import type { DetectorFrame } from './detector.js';

/**
 * How a frame is fitted into the model's square input:
 * - `letterbox`: scaled to fit with the aspect ratio kept, centred, with
 *   `padValue` bands on the short side (the default, see `DEFAULT_RESIZE_MODE`);
 * - `stretch`: scaled to fill the square, aspect ratio not kept.
 */
export type ResizeMode = 'letterbox' | 'stretch';

export const RESIZE_MODES: readonly ResizeMode[] = ['letterbox', 'stretch'];

/**
 * Measured with the bundled CenterNet on all 795 PETS09-S2L1 frames (768x576,
 * persons, IoU 0.5, bench/dump-detections.ts), recall / precision:
 *
 * | score >= | letterbox     | stretch       |
 * |----------|---------------|---------------|
 * | 0.3      | 0.895 / 0.642 | 0.890 / 0.696 |
 * | 0.4      | 0.865 / 0.894 | 0.848 / 0.902 |
 * | 0.5      | 0.738 / 0.951 | 0.705 / 0.958 |
 *
 * Letterbox finds more people at the scores a tracker trusts (0.4, 0.5) for
 * slightly lower precision (better F1 at both), and it does not squash 16:9
 * cameras, which stretch distorts more than this 4:3 clip.
 */
export const DEFAULT_RESIZE_MODE: ResizeMode = 'letterbox';

/** Grey used for letterbox bands (0..255), the usual value for COCO detectors. */
export const DEFAULT_LETTERBOX_PAD_VALUE = 114;

/**
 * Affine map from frame pixels to model-input pixels, per axis:
 * `input = frame * scale + offset`. Boxes go back with `inputBoxToFrame`.
 */
export interface InputMapping {
  readonly scaleX: number;
  readonly scaleY: number;
  readonly offsetX: number;
  readonly offsetY: number;
  readonly frameWidth: number;
  readonly frameHeight: number;
}

/** The model input filled from one frame, and how to map its boxes back. */
export interface PreparedInput {
  /**
   * `[size, size, 3]` RGB float32 values in 0..255, row-major (NHWC without the batch).
   * The same buffer is reused and overwritten by the next `prepare()` call.
   */
  readonly input: Float32Array;
  readonly mapping: InputMapping;
}

export interface PreprocessorOptions {
  /** Side of the square model input in pixels. Default 512 (CenterNet). */
  readonly inputSize?: number;
  /** Default `DEFAULT_RESIZE_MODE`. */
  readonly mode?: ResizeMode;
  /** Value (0..255) of the letterbox bands. Default `DEFAULT_LETTERBOX_PAD_VALUE`. */
  readonly padValue?: number;
}

/** Resizes RGB frames into a square float32 model input, reusing its buffers across frames. */
export interface Preprocessor {
  readonly inputSize: number;
  readonly mode: ResizeMode;
  /** Fills the (reused) input buffer from `frame` with bilinear sampling. */
  prepare(frame: DetectorFrame): PreparedInput;
}

/** Sampling tables for one frame size; rebuilt only when the frame size changes. */
interface Plan {
  readonly width: number;
  readonly height: number;
  readonly mapping: InputMapping;
  /** Content rectangle inside the input. */
  readonly left: number;
  readonly top: number;
  readonly contentWidth: number;
  readonly contentHeight: number;
  /** Per output column: byte offsets of the two source pixels in a row, and the weight of the second. */
  readonly x0: Int32Array;
  readonly x1: Int32Array;
  readonly wx: Float32Array;
  /** Per output row: byte offsets of the two source rows, and the weight of the second. */
  readonly y0: Int32Array;
  readonly y1: Int32Array;
  readonly wy: Float32Array;
}

/** Checks a frame's geometry; throws a RangeError naming the problem. */
export function assertValidFrame(frame: DetectorFrame): void {
  const { width, height, data } = frame;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`frame size must be positive integers, got ${width}x${height}`);
  }
  if (data.length < width * height * 3) {
    throw new RangeError(
      `frame data has ${data.length} bytes, but a ${width}x${height} RGB24 frame needs ${width * height * 3}`,
    );
  }
}

/** Source sample positions for `outSize` outputs over `srcSize` inputs (half-pixel centres). */
function axisTable(srcSize: number, outSize: number, stride: number) {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const w = new Float32Array(outSize);
  const ratio = srcSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const s = Math.min(Math.max((o + 0.5) * ratio - 0.5, 0), srcSize - 1);
    const lo = Math.floor(s);
    const hi = Math.min(lo + 1, srcSize - 1);
    i0[o] = lo * stride;
    i1[o] = hi * stride;
    w[o] = s - lo;
  }
  return { i0, i1, w };
}

/**
 * Creates a preprocessor. It owns one `inputSize * inputSize * 3` Float32Array
 * that every `prepare()` overwrites (no allocation per frame once the frame size is known).
 */
export function createPreprocessor(options: PreprocessorOptions = {}): Preprocessor {
  const inputSize = options.inputSize ?? 512;
  const mode = options.mode ?? DEFAULT_RESIZE_MODE;
  const padValue = options.padValue ?? DEFAULT_LETTERBOX_PAD_VALUE;
  if (!Number.isInteger(inputSize) || inputSize <= 0) throw new RangeError(`inputSize must be a positive integer, got ${inputSize}`);
  if (!RESIZE_MODES.includes(mode)) throw new RangeError(`unknown resize mode "${String(mode)}": use ${RESIZE_MODES.join(' or ')}`);
  if (!(padValue >= 0 && padValue <= 255)) throw new RangeError(`padValue must be in 0..255, got ${padValue}`);

  const input = new Float32Array(inputSize * inputSize * 3);
  let plan: Plan | undefined;

  function makePlan(width: number, height: number): Plan {
    let contentWidth = inputSize;
    let contentHeight = inputSize;
    if (mode === 'letterbox') {
      const scale = Math.min(inputSize / width, inputSize / height);
      contentWidth = Math.max(1, Math.min(inputSize, Math.round(width * scale)));
      contentHeight = Math.max(1, Math.min(inputSize, Math.round(height * scale)));
    }
    const left = Math.floor((inputSize - contentWidth) / 2);
    const top = Math.floor((inputSize - contentHeight) / 2);
    const xs = axisTable(width, contentWidth, 3);
    const ys = axisTable(height, contentHeight, width * 3);
    // The bands never change for a given frame size: paint them once here.
    input.fill(padValue);
    return {
      width, height, left, top, contentWidth, contentHeight,
      x0: xs.i0, x1: xs.i1, wx: xs.w, y0: ys.i0, y1: ys.i1, wy: ys.w,
      mapping: {
        scaleX: contentWidth / width,
        scaleY: contentHeight / height,
        offsetX: left,
        offsetY: top,
        frameWidth: width,
        frameHeight: height,
      },
    };
  }

  return {
    inputSize,
    mode,
    prepare(frame: DetectorFrame): PreparedInput {
      assertValidFrame(frame);
      if (plan?.width !== frame.width || plan.height !== frame.height) plan = makePlan(frame.width, frame.height);
      const p = plan;
      const src = frame.data;
      const rowStride = inputSize * 3;
      for (let oy = 0; oy < p.contentHeight; oy++) {
        const r0 = p.y0[oy]!;
        const r1 = p.y1[oy]!;
        const wy = p.wy[oy]!;
        let o = (p.top + oy) * rowStride + p.left * 3;
        for (let ox = 0; ox < p.contentWidth; ox++) {
          const c0 = p.x0[ox]!;
          const c1 = p.x1[ox]!;
          const wx = p.wx[ox]!;
          const a = r0 + c0;
          const b = r0 + c1;
          const c = r1 + c0;
          const d = r1 + c1;
          for (let ch = 0; ch < 3; ch++) {
            const top = src[a + ch]! + (src[b + ch]! - src[a + ch]!) * wx;
            const bottom = src[c + ch]! + (src[d + ch]! - src[c + ch]!) * wx;
            input[o++] = top + (bottom - top) * wy;
          }
        }
      }
      return { input, mapping: p.mapping };
    },
  };
}

/** Maps a box from model-input pixels back to frame pixels (not clipped). */
export function inputBoxToFrame(box: BoxXYXY, m: InputMapping): BoxXYXY {
  return [
    (box[0] - m.offsetX) / m.scaleX,
    (box[1] - m.offsetY) / m.scaleY,
    (box[2] - m.offsetX) / m.scaleX,
    (box[3] - m.offsetY) / m.scaleY,
  ];
}

/** Clips a box to `[0,width] x [0,height]`; returns `undefined` when nothing of it is left. */
export function clipBox(box: BoxXYXY, width: number, height: number): BoxXYXY | undefined {
  const x1 = Math.min(Math.max(box[0], 0), width);
  const y1 = Math.min(Math.max(box[1], 0), height);
  const x2 = Math.min(Math.max(box[2], 0), width);
  const y2 = Math.min(Math.max(box[3], 0), height);
  if (x2 <= x1 || y2 <= y1) return undefined;
  return [x1, y1, x2, y2];
}
