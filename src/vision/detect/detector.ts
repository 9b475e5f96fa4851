import type { Detection } from '../../contracts/detection.js';
import type { ObjectClass } from '../../contracts/classes.js';
import type { CenterNetOptions } from './centernet.js';
import type { CenterNetOnnxOptions } from './onnx/centernet-onnx.js';
import type { YoloOnnxOptions } from './onnx/yolo-detector.js';
import type { CropRect, InputShape } from './preprocess.js';

/** Input sizes a flexible detector accepts: each side a multiple of `step` within [min, max]. */
export interface FlexibleInput {
  readonly step: number;
  readonly min: number;
  readonly max: number;
}

/**
 * The pixels a detector needs: packed RGB24 (`width * height * 3` bytes, row-major).
 * `RgbFrame` (src/contracts/frame.ts) satisfies it.
 */
export interface DetectorFrame {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  /** Search only this rectangle of the frame (region crops); boxes stay in frame pixels. Default: the whole frame. */
  readonly crop?: CropRect | undefined;
  /** Model input size wanted for this frame, for backends with `flexibleInput` (others ignore it). */
  readonly input?: InputShape | undefined;
}

/**
 * Port of an object detector backend (the bundled CenterNet on ONNX Runtime or
 * TF.js, a user-supplied YOLO-family ONNX model). One instance is not re-entrant: callers await
 * each `detect()` before the next (the worker pool runs one instance per thread).
 */
export interface Detector {
  /** Backend and model, for logs and metrics, e.g. `centernet`. */
  readonly name: string;
  /**
   * Present when the model runs at any input width and height that are
   * multiples of `step` within [min, max] (fully convolutional models), chosen
   * per frame through `DetectorFrame.input`. Absent: one fixed input size.
   */
  readonly flexibleInput?: FlexibleInput | undefined;
  /**
   * Detects objects in one frame. Boxes are in the pixel coordinates of `frame`,
   * clipped to it; scores are in [0,1]; the result is sorted by score, best first.
   * Does not modify or keep `frame`. Rejects when the frame is malformed or after `close()`.
   */
  detect(frame: DetectorFrame): Promise<Detection[]>;
  /** Releases the model and its memory. Idempotent; `detect()` rejects afterwards. */
  close(): Promise<void>;
}

/** Options every backend understands. */
export interface DetectorOptions {
  /** Detections scored below this are dropped. Default 0.4 (`DEFAULT_MIN_SCORE`). */
  readonly minScore?: number;
  /** IoU threshold of the class-aware NMS. Default 0.5. */
  readonly nmsIouThreshold?: number;
  /** Keep only these classes. Default: all classes the model knows. */
  readonly classes?: readonly ObjectClass[];
}

/** Default score threshold (same as `detect.min_score` in the camera config). */
export const DEFAULT_MIN_SCORE = 0.4;

/** Builds one detector instance. */
export type DetectorFactory<O> = (options: O) => Promise<Detector>;

/** The bundled CenterNet on TF.js's wasm backend (centernet.ts), loaded on first use: the slower fallback. */
const centernet: DetectorFactory<CenterNetOptions> = async (options) => {
  const { createCenterNetDetector } = await import('./centernet.js');
  return createCenterNetDetector(options);
};

/** The same CenterNet converted to ONNX and run by ONNX Runtime (onnx/centernet-onnx.ts): the fast default. */
const centernetOnnx: DetectorFactory<CenterNetOnnxOptions> = async (options) => {
  const { createCenterNetOnnxDetector } = await import('./onnx/centernet-onnx.js');
  return createCenterNetOnnxDetector(options);
};

/** A user-supplied YOLO-family ONNX model (onnx/yolo-detector.ts). */
const yoloOnnx: DetectorFactory<YoloOnnxOptions> = async (options) => {
  const { createYoloOnnxDetector } = await import('./onnx/yolo-detector.js');
  return createYoloOnnxDetector(options);
};

/**
 * Every detector backend Vigie ships, listed explicitly (nothing registers itself
 * on import). Backends are imported lazily, so choosing one never loads the
 * others' libraries. A new backend = one more entry here plus its adapter file.
 */
export const DETECTOR_BACKENDS = Object.freeze({ centernet, 'centernet-onnx': centernetOnnx, 'yolo-onnx': yoloOnnx });

export type DetectorBackendName = keyof typeof DETECTOR_BACKENDS;

/** Options of a backend, by name. */
export type DetectorBackendOptions<N extends DetectorBackendName> = Parameters<(typeof DETECTOR_BACKENDS)[N]>[0];

/** true when `name` is a backend of `DETECTOR_BACKENDS`. */
export function isDetectorBackendName(name: string): name is DetectorBackendName {
  return Object.hasOwn(DETECTOR_BACKENDS, name);
}

/**
 * Creates a detector of the named backend. A name outside `DETECTOR_BACKENDS`
 * is an error (never a silent fallback).
 */
export async function createDetector<N extends DetectorBackendName>(
  backend: N,
  options: DetectorBackendOptions<N>,
): Promise<Detector> {
  if (!isDetectorBackendName(backend)) {
    throw new Error(`unknown detector backend "${String(backend)}": use one of ${Object.keys(DETECTOR_BACKENDS).join(', ')}`);
  }
  // Each entry's options type is tied to its name by DetectorBackendOptions<N>; TS cannot follow that through the union.
  const factory = DETECTOR_BACKENDS[backend] as DetectorFactory<DetectorBackendOptions<N>>;
  return factory(options);
}
