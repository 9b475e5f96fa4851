/**
 * The bundled CenterNet run natively by ONNX Runtime: its TF.js graph (read
 * through the model allow-list) is converted to ONNX in memory when a worker
 * starts (about 0.1 s, nothing written to disk), and the raw heads (class heat
 * maps and box sizes) are decoded here in TypeScript. Same weights, same
 * outputs as the TF.js backend within float rounding
 * (test/integration/detect-centernet-onnx.test.ts), several times faster.
 */
import type { Detection } from '../../../contracts/detection.js';
import type { ObjectClass } from '../../../contracts/classes.js';
import { cocoIndexOfClass } from '../coco.js';
import { readAllowedModel, decodeCenterNetOutput, type CenterNetOptions, type DecodeOptions } from '../centernet.js';
import { DEFAULT_MIN_SCORE, type Detector, type DetectorFrame, type FlexibleInput } from '../detector.js';
import { DEFAULT_NMS_IOU_THRESHOLD } from '../nms.js';
import { createPreprocessor, type InputShape } from '../preprocess.js';
import { encodeOnnxModel } from './onnx-model.js';
import { createOrtSession, loadOrt } from './ort-session.js';
import { convertTfjsGraphToOnnx, type TfjsGraphNode } from './tfjs-to-onnx.js';
import { decodeTfjsWeights, type TfjsWeightSpec } from './tfjs-weights.js';

const TF_INPUT = 'tower_0/images';
const TF_KEYPOINTS = 'tower_0/keypoints';
const TF_SIZES = 'tower_0/wh';
/** Output stride of the heads: one heat-map cell per 4x4 input pixels. */
const HEAD_STRIDE = 4;
/** CenterNet keeps its 100 best peaks (the TF graph's TopKV2). */
export const CENTERNET_MAX_PEAKS = 100;
const COCO_CLASS_COUNT = 80;
/**
 * Input sizes the converted model runs at: each side a multiple of 32 (the
 * backbone's total stride, so that its upsampled feature maps line up), up to
 * 512, the size it was trained at.
 */
export const CENTERNET_FLEXIBLE_INPUT: FlexibleInput = Object.freeze({ step: 32, min: 64, max: 512 });

export interface CenterNetOnnxOptions extends CenterNetOptions {
  /** Input side used when a frame asks for no size (square). Default 512. */
  readonly inputSize?: number;
  /** Threads of the ONNX Runtime session. Default 1 (one session per pool worker). */
  readonly threads?: number;
}

/** Converts the allow-listed TF.js CenterNet to ONNX bytes (backbone and heads, NCHW, any input size multiple of 32). */
export async function convertBundledCenterNet(modelDir?: string): Promise<Uint8Array> {
  const artifacts = await readAllowedModel('centernet', modelDir);
  const weights = decodeTfjsWeights(artifacts.weightSpecs as TfjsWeightSpec[], artifacts.weightData as ArrayBuffer);
  const nodes = (artifacts.modelTopology as { node: TfjsGraphNode[] }).node;
  const model = convertTfjsGraphToOnnx(nodes, weights, {
    input: TF_INPUT,
    inputHeight: 512,
    inputWidth: 512,
    inputChannels: 3,
    outputs: [TF_KEYPOINTS, TF_SIZES],
    producerName: 'vigie (converted from @vladmandic/human centernet)',
  });
  return encodeOnnxModel(model);
}

/** Scratch space of `decodeCenterNetHeads`, reused across frames. */
export interface PeakBuffers {
  /** At least `maxPeaks * 6` floats. */
  readonly rows: Float32Array;
}

/**
 * Finds the heat-map peaks (a cell at least as high as its 8 neighbours, as the
 * TF graph's 3x3 max-pool equality does) scoring `minScore` or more in the
 * channels `classIndices`, keeps the `maxPeaks` best, and writes CenterNet rows
 * (x1, y1, x2, y2 in input pixels, score, COCO index) into `buffers.rows`.
 * `keypoints` is `[80, h, w]`, `sizes` `[4, h, w]` (left, top, right, bottom
 * distances in input pixels). Returns the number of rows. Pure apart from the scratch buffers.
 */
export function decodeCenterNetHeads(
  keypoints: Float32Array,
  sizes: Float32Array,
  gridH: number,
  gridW: number,
  classIndices: readonly number[],
  minScore: number,
  buffers: PeakBuffers,
  maxPeaks = CENTERNET_MAX_PEAKS,
): number {
  const plane = gridH * gridW;
  let count = 0;
  const rows = buffers.rows;
  const push = (score: number, cls: number, cell: number): void => {
    // Keep the best `maxPeaks`: insertion into a short sorted list (peaks above the threshold are few).
    let at = count < maxPeaks ? count : maxPeaks - 1;
    if (count >= maxPeaks && score <= rows[at * 6 + 4]!) return;
    while (at > 0 && rows[(at - 1) * 6 + 4]! < score) {
      rows.copyWithin(at * 6, (at - 1) * 6, at * 6);
      at--;
    }
    const y = Math.floor(cell / gridW);
    const x = cell - y * gridW;
    const cx = x * HEAD_STRIDE;
    const cy = y * HEAD_STRIDE;
    const o = at * 6;
    rows[o] = cx - sizes[cell]!;
    rows[o + 1] = cy - sizes[plane + cell]!;
    rows[o + 2] = cx + sizes[2 * plane + cell]!;
    rows[o + 3] = cy + sizes[3 * plane + cell]!;
    rows[o + 4] = score;
    rows[o + 5] = cls;
    if (count < maxPeaks) count++;
  };
  for (const cls of classIndices) {
    const base = cls * plane;
    for (let y = 0; y < gridH; y++) {
      for (let x = 0; x < gridW; x++) {
        const v = keypoints[base + y * gridW + x]!;
        if (!(v >= minScore) || !isPeak(keypoints, base, x, y, gridW, gridH, v)) continue;
        push(v, cls, y * gridW + x);
      }
    }
  }
  return count;
}

function isPeak(k: Float32Array, base: number, x: number, y: number, w: number, h: number, v: number): boolean {
  for (let dy = -1; dy <= 1; dy++) {
    const yy = y + dy;
    if (yy < 0 || yy >= h) continue;
    for (let dx = -1; dx <= 1; dx++) {
      const xx = x + dx;
      if (xx < 0 || xx >= w || (dx === 0 && dy === 0)) continue;
      if (k[base + yy * w + xx]! > v) return false;
    }
  }
  return true;
}

function assertInputShape(shape: InputShape): void {
  const { step, min, max } = CENTERNET_FLEXIBLE_INPUT;
  const ok = (side: number): boolean => Number.isInteger(side) && side % step === 0 && side >= min && side <= max;
  if (!ok(shape.width) || !ok(shape.height)) {
    throw new RangeError(`CenterNet input ${shape.width}x${shape.height}: each side must be a multiple of ${step} in [${min}, ${max}]`);
  }
}

const classIndicesOf = (classes: readonly ObjectClass[] | undefined): number[] =>
  classes
    ? classes.map(cocoIndexOfClass).filter((i) => i >= 0)
    : Array.from({ length: COCO_CLASS_COUNT }, (_, i) => i);

/**
 * Loads the bundled CenterNet on ONNX Runtime (CPU). A frame's `input` size
 * (see `CENTERNET_FLEXIBLE_INPUT`) overrides the default square per call;
 * `crop` limits the search to a rectangle of the frame. Not re-entrant (the pool runs one per worker thread).
 */
export async function createCenterNetOnnxDetector(options: CenterNetOnnxOptions = {}): Promise<Detector> {
  const minScore = options.minScore ?? DEFAULT_MIN_SCORE;
  if (!(minScore >= 0 && minScore <= 1)) throw new RangeError(`minScore must be in [0,1], got ${minScore}`);
  const defaultSize = options.inputSize ?? CENTERNET_FLEXIBLE_INPUT.max;
  const square: InputShape = { width: defaultSize, height: defaultSize };
  assertInputShape(square);
  const decode: DecodeOptions = {
    minScore,
    nmsIouThreshold: options.nmsIouThreshold ?? DEFAULT_NMS_IOU_THRESHOLD,
    classes: options.classes ? new Set(options.classes) : undefined,
  };
  const classIndices = classIndicesOf(options.classes);
  const ort = await loadOrt();
  const session = await createOrtSession(await convertBundledCenterNet(options.modelDir), { threads: options.threads ?? 1 });
  const preprocessor = createPreprocessor({ inputSize: defaultSize, mode: options.resize, layout: 'nchw' });
  const buffers: PeakBuffers = { rows: new Float32Array(CENTERNET_MAX_PEAKS * 6) };
  let closed = false;

  return {
    name: 'centernet-onnx',
    flexibleInput: CENTERNET_FLEXIBLE_INPUT,
    async detect(frame: DetectorFrame): Promise<Detection[]> {
      if (closed) throw new Error('centernet-onnx detector is closed');
      const shape = frame.input ?? square;
      assertInputShape(shape);
      const { input, mapping } = preprocessor.prepare(frame, frame.crop, shape);
      const feeds = { images: new ort.Tensor('float32', input, [1, 3, shape.height, shape.width]) };
      const out = await session.run(feeds);
      const keypoints = out[TF_KEYPOINTS]!;
      const sizes = out[TF_SIZES]!;
      try {
        const n = decodeCenterNetHeads(
          keypoints.data as Float32Array, sizes.data as Float32Array, shape.height / HEAD_STRIDE, shape.width / HEAD_STRIDE, classIndices, minScore, buffers,
        );
        return decodeCenterNetOutput(buffers.rows.subarray(0, n * 6), mapping, decode);
      } finally {
        keypoints.dispose();
        sizes.dispose();
      }
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await session.release();
    },
  };
}
