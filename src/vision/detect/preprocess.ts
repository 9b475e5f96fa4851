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
   * The model input without the batch dimension: `[size, size, 3]` (NHWC) or
   * `[3, size, size]` (NCHW) float32 values, 0..255 times `valueScale`. The same
   * buffer is reused and overwritten by the next `prepare()` call.
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
  /** Memory layout of the input: `nhwc` (TF.js models, the default) or `nchw` (most ONNX models). */
  readonly layout?: 'nhwc' | 'nchw';
  /** Channel order of the input. Default `rgb`. */
  readonly channelOrder?: 'rgb' | 'bgr';
  /** Factor applied to pixel values (e.g. 1/255 for models that take 0..1). Default 1. */
  readonly valueScale?: number;
}

/** Width and height of a model input, in pixels. */
export interface InputShape {
  readonly width: number;
  readonly height: number;
}

/** A rectangle of the frame, in whole pixels, to feed instead of the whole frame (region crops). */
export interface CropRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Resizes RGB frames into a square float32 model input, reusing its buffers across frames. */
export interface Preprocessor {
  readonly inputSize: number;
  readonly mode: ResizeMode;
  /**
   * Fills the (reused) input buffer from `frame`, or from the `crop` rectangle of
   * it, with bilinear sampling, into a `size` input (default `inputSize` square;
   * for models that accept any size). The mapping takes input boxes back to frame pixels.
   */
  prepare(frame: DetectorFrame, crop?: CropRect, size?: InputShape): PreparedInput;
}

/** Sampling tables for one frame size; rebuilt only when the frame size changes. */
interface Plan {
  readonly width: number;
  readonly height: number;
  readonly crop: CropRect;
  readonly input: Float32Array;
  readonly inputWidth: number;
  readonly inputHeight: number;
  /** Offsets of the R, G and B values of a pixel from its first value. */
  readonly channelOffset: readonly [number, number, number];
  readonly rowStep: number;
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

/** Source sample positions for `outSize` outputs over `srcSize` inputs (half-pixel centres), as byte offsets from `base`. */
function axisTable(srcSize: number, outSize: number, stride: number, base: number) {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const w = new Float32Array(outSize);
  const ratio = srcSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const s = Math.min(Math.max((o + 0.5) * ratio - 0.5, 0), srcSize - 1);
    const lo = Math.floor(s);
    const hi = Math.min(lo + 1, srcSize - 1);
    i0[o] = base + lo * stride;
    i1[o] = base + hi * stride;
    w[o] = s - lo;
  }
  return { i0, i1, w };
}

/** Bilinear blend of four source bytes (top-left a, top-right b, bottom-left c, bottom-right d). */
function bilinear(src: Uint8Array, a: number, b: number, c: number, d: number, wx: number, wy: number): number {
  const top = src[a]! + (src[b]! - src[a]!) * wx;
  const bottom = src[c]! + (src[d]! - src[c]!) * wx;
  return top + (bottom - top) * wy;
}

/** Checks that `crop` is a non-empty whole-pixel rectangle inside the frame. */
export function assertValidCrop(crop: CropRect, width: number, height: number): void {
  const { x, y, width: w, height: h } = crop;
  if (![x, y, w, h].every(Number.isInteger) || x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > width || y + h > height) {
    throw new RangeError(`crop ${w}x${h}+${x}+${y} is not a whole-pixel rectangle inside the ${width}x${height} frame`);
  }
}

/**
 * Creates a preprocessor. It owns one Float32Array (grown to the largest input
 * asked for) that every `prepare()` overwrites: no allocation per frame while
 * the frame size, crop and input size stay the same.
 */
export function createPreprocessor(options: PreprocessorOptions = {}): Preprocessor {
  const inputSize = options.inputSize ?? 512;
  const mode = options.mode ?? DEFAULT_RESIZE_MODE;
  const padValue = options.padValue ?? DEFAULT_LETTERBOX_PAD_VALUE;
  const planar = (options.layout ?? 'nhwc') === 'nchw';
  const bgr = options.channelOrder === 'bgr';
  const valueScale = options.valueScale ?? 1;
  if (!Number.isInteger(inputSize) || inputSize <= 0) throw new RangeError(`inputSize must be a positive integer, got ${inputSize}`);
  if (!RESIZE_MODES.includes(mode)) throw new RangeError(`unknown resize mode "${String(mode)}": use ${RESIZE_MODES.join(' or ')}`);
  if (!(padValue >= 0 && padValue <= 255)) throw new RangeError(`padValue must be in 0..255, got ${padValue}`);
  if (!(valueScale > 0)) throw new RangeError(`valueScale must be > 0, got ${valueScale}`);

  // One buffer, grown to the largest input asked for; each plan views the part it fills.
  let buffer = new Float32Array(inputSize * inputSize * 3);
  const pixelStep = planar ? 1 : 3;
  let plan: Plan | undefined;

  function makePlan(width: number, height: number, crop: CropRect, inputWidth: number, inputHeight: number): Plan {
    let contentWidth = inputWidth;
    let contentHeight = inputHeight;
    if (mode === 'letterbox') {
      const scale = Math.min(inputWidth / crop.width, inputHeight / crop.height);
      contentWidth = Math.max(1, Math.min(inputWidth, Math.round(crop.width * scale)));
      contentHeight = Math.max(1, Math.min(inputHeight, Math.round(crop.height * scale)));
    }
    const left = Math.floor((inputWidth - contentWidth) / 2);
    const top = Math.floor((inputHeight - contentHeight) / 2);
    const xs = axisTable(crop.width, contentWidth, 3, crop.x * 3);
    const ys = axisTable(crop.height, contentHeight, width * 3, crop.y * width * 3);
    const length = inputWidth * inputHeight * 3;
    if (buffer.length < length) buffer = new Float32Array(length);
    const input = buffer.length === length ? buffer : buffer.subarray(0, length);
    // The bands never change for a given frame size, crop and input: paint them once here.
    input.fill(padValue * valueScale);
    // Where channel ch of pixel (x, y) goes: y * rowStep + x * pixelStep + channelOffset[ch].
    const area = inputWidth * inputHeight;
    const order = bgr ? [2, 1, 0] : [0, 1, 2];
    const channelOffset = order.map((c) => (planar ? c * area : c)) as [number, number, number];
    const scaleX = contentWidth / crop.width;
    const scaleY = contentHeight / crop.height;
    return {
      width, height, crop, input, inputWidth, inputHeight, channelOffset, rowStep: inputWidth * pixelStep,
      left, top, contentWidth, contentHeight,
      x0: xs.i0, x1: xs.i1, wx: xs.w, y0: ys.i0, y1: ys.i1, wy: ys.w,
      mapping: {
        scaleX,
        scaleY,
        offsetX: left - crop.x * scaleX,
        offsetY: top - crop.y * scaleY,
        frameWidth: width,
        frameHeight: height,
      },
    };
  }

  const samePlan = (p: Plan | undefined, width: number, height: number, crop: CropRect, shape: InputShape): p is Plan =>
    p !== undefined && p.width === width && p.height === height && p.inputWidth === shape.width && p.inputHeight === shape.height &&
    p.crop.x === crop.x && p.crop.y === crop.y && p.crop.width === crop.width && p.crop.height === crop.height;

  const square: InputShape = { width: inputSize, height: inputSize };

  return {
    inputSize,
    mode,
    prepare(frame: DetectorFrame, crop?: CropRect, size: InputShape = square): PreparedInput {
      assertValidFrame(frame);
      const region = crop ?? { x: 0, y: 0, width: frame.width, height: frame.height };
      if (crop) assertValidCrop(crop, frame.width, frame.height);
      if (!Number.isInteger(size.width) || !Number.isInteger(size.height) || size.width <= 0 || size.height <= 0) {
        throw new RangeError(`input size must be positive integers, got ${size.width}x${size.height}`);
      }
      if (!samePlan(plan, frame.width, frame.height, region, size)) plan = makePlan(frame.width, frame.height, region, size.width, size.height);
      const p = plan;
      const { input, rowStep } = p;
      const [ch0, ch1, ch2] = p.channelOffset;
      const src = frame.data;
      for (let oy = 0; oy < p.contentHeight; oy++) {
        const r0 = p.y0[oy]!;
        const r1 = p.y1[oy]!;
        const wy = p.wy[oy]!;
        let o = (p.top + oy) * rowStep + p.left * pixelStep;
        for (let ox = 0; ox < p.contentWidth; ox++, o += pixelStep) {
          const c0 = p.x0[ox]!;
          const c1 = p.x1[ox]!;
          const wx = p.wx[ox]!;
          const a = r0 + c0;
          const b = r0 + c1;
          const c = r1 + c0;
          const d = r1 + c1;
          input[o + ch0] = bilinear(src, a, b, c, d, wx, wy) * valueScale;
          input[o + ch1] = bilinear(src, a + 1, b + 1, c + 1, d + 1, wx, wy) * valueScale;
          input[o + ch2] = bilinear(src, a + 2, b + 2, c + 2, d + 2, wx, wy) * valueScale;
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
