/**
 * Decoders of the output tensor of YOLO-family detectors exported to ONNX
 * (pure functions: no ONNX Runtime here, so they are tested on hand-built tensors).
 *
 * Formats (`nc` = number of classes of the model, 80 for COCO):
 * - `ultralytics` (YOLOv8, v9, v11, v10 exported without its built-in NMS):
 *   `[1, 4 + nc, N]`, per anchor cx, cy, w, h (model-input pixels) then nc class
 *   scores in [0,1], no objectness. The transposed `[1, N, 4 + nc]` is read too.
 * - `yolov5`: `[1, N, 5 + nc]`, per anchor cx, cy, w, h (input pixels), objectness,
 *   nc class scores; score = objectness * class score.
 * - `yolox`: `[1, N, 5 + nc]` as the official YOLOX export gives it (without
 *   `--decode_in_inference`): raw box offsets on the stride 8, 16 and 32 grids,
 *   objectness and class scores already through a sigmoid. With `decoded: true`,
 *   a YOLOX output whose boxes are already cx, cy, w, h in input pixels.
 *
 * Which axis holds the attributes: the one whose size is 4 + nc (ultralytics) or
 * 5 + nc (yolov5, yolox). When both axes have that size (e.g. an ultralytics COCO
 * model at input 64 has 84 anchors and 84 attributes), the format's own export
 * layout wins: attributes on axis 1 for ultralytics, on the last axis for yolov5
 * and yolox. A batch of 1 (`[1, a, b]`) or no batch axis (`[a, b]`) is accepted.
 *
 * Each anchor keeps its best class over all the model's classes (as Ultralytics
 * and YOLOX do); the anchor is then dropped when that class is ignored
 * (`classNames` entry null) or outside `classes`. Boxes go back to frame pixels
 * through the preprocessor's `InputMapping`, are clipped to the frame, and pass
 * a class-aware NMS.
 */
import { COCO_CLASSES, isObjectClass, type ObjectClass } from '../../../contracts/classes.js';
import type { Detection } from '../../../contracts/detection.js';
import type { BoxXYXY } from '../../../contracts/geometry.js';
import { DEFAULT_MIN_SCORE } from '../detector.js';
import { DEFAULT_NMS_IOU_THRESHOLD, nonMaxSuppression } from '../nms.js';
import type { InputMapping } from '../preprocess.js';

export type YoloFormat = 'ultralytics' | 'yolov5' | 'yolox';

export const YOLO_FORMATS: readonly YoloFormat[] = Object.freeze(['ultralytics', 'yolov5', 'yolox']);

export function isYoloFormat(name: string): name is YoloFormat {
  return (YOLO_FORMATS as readonly string[]).includes(name);
}

/** Strides of the three YOLOX output levels, in the order the export concatenates them. */
export const YOLOX_STRIDES: readonly number[] = Object.freeze([8, 16, 32]);

/** At most this many detections per frame after NMS (Ultralytics' `max_det`). */
export const DEFAULT_YOLO_MAX_DETECTIONS = 300;

export interface YoloDecodeOptions {
  readonly format: YoloFormat;
  /** Side of the square model input in pixels (YOLOX grids are built from it). */
  readonly inputSize: number;
  /** `yolox` only: the output boxes are already decoded (cx, cy, w, h in input pixels). Default false. Ignored by the other formats. */
  readonly decoded?: boolean;
  /**
   * Vigie class of each model class index, or null to ignore that class. Its
   * length is the model's class count. Default: the 80 COCO classes in COCO order.
   */
  readonly classNames?: readonly (string | null)[];
  /** Default `DEFAULT_MIN_SCORE`. */
  readonly minScore?: number;
  /** IoU threshold of the class-aware NMS. Default `DEFAULT_NMS_IOU_THRESHOLD`. */
  readonly nmsIouThreshold?: number;
  /** Keep only these classes. Default: every class of `classNames`. */
  readonly classes?: readonly ObjectClass[];
  /** Default `DEFAULT_YOLO_MAX_DETECTIONS`. */
  readonly maxDetections?: number;
}

/** A decoder bound to one model's format, classes and input size (its tables are built once). */
export interface YoloDecoder {
  readonly format: YoloFormat;
  /** Number of classes of the model. */
  readonly classCount: number;
  /** Values per anchor: 4 + classCount (ultralytics) or 5 + classCount. */
  readonly attributes: number;
  /**
   * Detections in frame pixels, sorted by score, best first. `data` is the output
   * tensor's values, `dims` its shape. Throws a RangeError naming the problem when
   * the shape does not fit the format. Does not modify or keep `data`.
   */
  decode(data: ArrayLike<number>, dims: readonly number[], mapping: InputMapping): Detection[];
}

/** Cell coordinates and stride of every YOLOX anchor, in output order. */
export interface YoloxGrid {
  readonly anchors: number;
  readonly gridX: Float32Array;
  readonly gridY: Float32Array;
  readonly stride: Float32Array;
}

/**
 * The YOLOX anchor grid of a square input: for each stride (8, 16, 32) the
 * `ceil(inputSize / stride)` squared cells, row by row (as the export flattens
 * them). 640 gives 80x80 + 40x40 + 20x20 = 8400 anchors.
 */
export function yoloxGrid(inputSize: number, strides: readonly number[] = YOLOX_STRIDES): YoloxGrid {
  const sides = strides.map((s) => Math.ceil(inputSize / s));
  const anchors = sides.reduce((n, side) => n + side * side, 0);
  const gridX = new Float32Array(anchors);
  const gridY = new Float32Array(anchors);
  const stride = new Float32Array(anchors);
  let i = 0;
  strides.forEach((s, level) => {
    const side = sides[level]!;
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++, i++) {
        gridX[i] = x;
        gridY[i] = y;
        stride[i] = s;
      }
    }
  });
  return { anchors, gridX, gridY, stride };
}

/**
 * The Vigie class of each model class index: the 80 COCO classes by default, or
 * `classNames` checked (each entry a Vigie class name such as `person`,
 * `traffic_light`, `object`, or null to ignore the class).
 */
export function resolveYoloClasses(classNames?: readonly (string | null)[]): readonly (ObjectClass | null)[] {
  if (classNames === undefined) return COCO_CLASSES;
  if (classNames.length === 0) throw new RangeError('classNames is empty: give the Vigie class (or null) of each class index of the model');
  return classNames.map((name, index) => {
    if (name === null) return null;
    if (!isObjectClass(name)) {
      throw new RangeError(
        `classNames[${index}] is "${name}", which is not a Vigie class: use a COCO name in snake_case (person, car, traffic_light, ...), "object", or null to ignore that class`,
      );
    }
    return name;
  });
}

/** Where anchor `i`'s attribute `a` lies: `data[i * anchorStride + a * attrStride]`. */
interface Layout {
  readonly anchors: number;
  readonly anchorStride: number;
  readonly attrStride: number;
}

function shapeText(dims: readonly number[]): string {
  return `[${dims.join(', ')}]`;
}

/**
 * Finds the attribute axis of a `[1, a, b]` or `[a, b]` output: the axis of size
 * `attributes`, the format's own axis first when both match.
 */
function resolveLayout(
  dims: readonly number[],
  length: number,
  format: YoloFormat,
  attributes: number,
  classCount: number,
): Layout {
  const rank = dims.length;
  if (!(rank === 2 || (rank === 3 && dims[0] === 1))) {
    throw new RangeError(`${format} output has shape ${shapeText(dims)}: expected [1, a, b] (one image) or [a, b]`);
  }
  const a = dims[rank - 2]!;
  const b = dims[rank - 1]!;
  if (a * b !== length) throw new RangeError(`${format} output has shape ${shapeText(dims)} but ${length} values`);
  const attrsFirst = format === 'ultralytics';
  if (attrsFirst ? a === attributes : b !== attributes && a === attributes) {
    return { anchors: b, anchorStride: 1, attrStride: b };
  }
  if (b === attributes) return { anchors: a, anchorStride: b, attrStride: 1 };
  const base = attributes - classCount;
  // The class count the shape suggests: the smaller axis (anchors outnumber attributes), else the format's own attribute axis.
  const guess = (Math.min(a, b) > base ? Math.min(a, b) : attrsFirst ? a : b) - base;
  const hints: string[] = [];
  if (guess > 0) hints.push(`a model with ${guess} classes needs classNames with ${guess} entries (${classCount} classes now)`);
  if (b === 6 || b === 7) {
    hints.push('an end-to-end export with NMS inside the model (rows x1, y1, x2, y2, score, class) is not read by this backend: export without NMS');
  }
  const hint = ['check format', ...hints].join('; ');
  throw new RangeError(
    `${format} output has shape ${shapeText(dims)}, with no axis of ${attributes} values (${base} + ${classCount} classes): ${hint}`,
  );
}

/**
 * Maps a centre-size box from input pixels to frame pixels, clipped to the frame
 * (the same as `clipBox(inputBoxToFrame(...))`, without the intermediate arrays).
 * `undefined` when nothing of it is left or it is not finite.
 */
function frameBox(cx: number, cy: number, w: number, h: number, m: InputMapping): BoxXYXY | undefined {
  const x1 = Math.min(Math.max((cx - w / 2 - m.offsetX) / m.scaleX, 0), m.frameWidth);
  const y1 = Math.min(Math.max((cy - h / 2 - m.offsetY) / m.scaleY, 0), m.frameHeight);
  const x2 = Math.min(Math.max((cx + w / 2 - m.offsetX) / m.scaleX, 0), m.frameWidth);
  const y2 = Math.min(Math.max((cy + h / 2 - m.offsetY) / m.scaleY, 0), m.frameHeight);
  return x2 > x1 && y2 > y1 ? [x1, y1, x2, y2] : undefined;
}

/** Creates a decoder; checks the options once (RangeError naming the bad one). */
export function createYoloDecoder(options: YoloDecodeOptions): YoloDecoder {
  const { format, inputSize } = options;
  if (!isYoloFormat(format)) throw new RangeError(`unknown YOLO output format "${String(format)}": use ${YOLO_FORMATS.join(', ')}`);
  if (!Number.isInteger(inputSize) || inputSize <= 0) throw new RangeError(`inputSize must be a positive integer, got ${inputSize}`);
  const minScore = options.minScore ?? DEFAULT_MIN_SCORE;
  if (!(minScore >= 0 && minScore <= 1)) throw new RangeError(`minScore must be in [0,1], got ${minScore}`);
  const iouThreshold = options.nmsIouThreshold ?? DEFAULT_NMS_IOU_THRESHOLD;
  if (!(iouThreshold >= 0 && iouThreshold <= 1)) throw new RangeError(`nmsIouThreshold must be in [0,1], got ${iouThreshold}`);
  const maxDetections = options.maxDetections ?? DEFAULT_YOLO_MAX_DETECTIONS;
  if (!Number.isInteger(maxDetections) || maxDetections <= 0) throw new RangeError(`maxDetections must be a positive integer, got ${maxDetections}`);

  const classTable = resolveYoloClasses(options.classNames);
  const classCount = classTable.length;
  const wanted = options.classes ? new Set<ObjectClass>(options.classes) : undefined;
  // allowed[c] = 1 when model class c is reported.
  const allowed = Uint8Array.from(classTable, (cls) => (cls !== null && (!wanted || wanted.has(cls)) ? 1 : 0));
  if (wanted && !allowed.includes(1)) {
    const known = [...new Set(classTable.filter((c): c is ObjectClass => c !== null))];
    throw new RangeError(`none of the classes ${[...wanted].join(', ')} is among the model's classes (${known.join(', ')})`);
  }

  const hasObjectness = format !== 'ultralytics';
  const firstClass = hasObjectness ? 5 : 4;
  const attributes = firstClass + classCount;
  const grid = format === 'yolox' && options.decoded !== true ? yoloxGrid(inputSize) : undefined;
  const nms = { iouThreshold, maxDetections };

  // Best class and its score per anchor: scratch buffers reused across calls (grown when needed).
  let bestClass = new Int32Array(0);
  let bestScore = new Float64Array(0);

  function findBestClasses(data: ArrayLike<number>, anchors: number, anchorStride: number, attrStride: number): void {
    if (bestClass.length < anchors) {
      bestClass = new Int32Array(anchors);
      bestScore = new Float64Array(anchors);
    }
    if (attrStride === 1) {
      // One row per anchor (yolov5, yolox, transposed ultralytics).
      for (let i = 0; i < anchors; i++) {
        const first = i * anchorStride + firstClass;
        // Class scores are sigmoid outputs (<= 1): an anchor whose objectness is below minScore cannot reach it.
        if (hasObjectness && !(data[first - 1]! >= minScore)) {
          bestClass[i] = 0;
          bestScore[i] = Number.NaN; // never passes the score test
          continue;
        }
        let best = 0;
        let top = data[first]!;
        for (let c = 1; c < classCount; c++) {
          const v = data[first + c]!;
          if (v > top) {
            top = v;
            best = c;
          }
        }
        bestClass[i] = best;
        bestScore[i] = top;
      }
      return;
    }
    // One row per attribute (the ultralytics export layout, anchorStride 1): sweep each class row in memory order.
    const firstRow = firstClass * attrStride;
    for (let i = 0; i < anchors; i++) {
      bestClass[i] = 0;
      bestScore[i] = data[firstRow + i]!;
    }
    for (let c = 1, row = firstRow + attrStride; c < classCount; c++, row += attrStride) {
      for (let i = 0; i < anchors; i++) {
        const v = data[row + i]!;
        if (v > bestScore[i]!) {
          bestScore[i] = v;
          bestClass[i] = c;
        }
      }
    }
  }

  function decode(data: ArrayLike<number>, dims: readonly number[], mapping: InputMapping): Detection[] {
    const { anchors, anchorStride, attrStride } = resolveLayout(dims, data.length, format, attributes, classCount);
    if (grid && anchors !== grid.anchors) {
      throw new RangeError(
        `yolox output has ${anchors} anchors, but a ${inputSize}x${inputSize} input gives ${grid.anchors} on the stride 8/16/32 grids: ` +
          'check inputSize, or set decoded: true if the model was exported with --decode_in_inference',
      );
    }
    const found: Detection[] = [];
    findBestClasses(data, anchors, anchorStride, attrStride);
    for (let i = 0; i < anchors; i++) {
      const base = i * anchorStride;
      const objectness = hasObjectness ? data[base + 4 * attrStride]! : 1;
      const best = bestClass[i]!;
      const score = objectness * bestScore[i]!;
      if (!(score >= minScore) || allowed[best] === 0) continue;
      let cx = data[base]!;
      let cy = data[base + attrStride]!;
      let w = data[base + 2 * attrStride]!;
      let h = data[base + 3 * attrStride]!;
      if (grid) {
        const stride = grid.stride[i]!;
        cx = (cx + grid.gridX[i]!) * stride;
        cy = (cy + grid.gridY[i]!) * stride;
        w = Math.exp(w) * stride;
        h = Math.exp(h) * stride;
      }
      const box = frameBox(cx, cy, w, h, mapping);
      if (box) found.push({ box, score: Math.min(score, 1), cls: classTable[best]! });
    }
    return nonMaxSuppression(found, nms);
  }

  return { format, classCount, attributes, decode };
}

/** One-shot `createYoloDecoder(options).decode(data, dims, mapping)` (builds the tables each call). */
export function decodeYoloOutput(
  data: ArrayLike<number>,
  dims: readonly number[],
  mapping: InputMapping,
  options: YoloDecodeOptions,
): Detection[] {
  return createYoloDecoder(options).decode(data, dims, mapping);
}
