import type { Detection } from '../../contracts/detection.js';
import type { ObjectClass } from '../../contracts/classes.js';
import type { CenterNetOptions } from './centernet.js';

/**
 * The pixels a detector needs: packed RGB24 (`width * height * 3` bytes, row-major).
 * `RgbFrame` (src/contracts/frame.ts) satisfies it.
 */
export interface DetectorFrame {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/**
 * Port of an object detector backend (the bundled TF.js CenterNet today, an ONNX
 * Runtime YOLO-family model later). One instance is not re-entrant: callers await
 * each `detect()` before the next (the worker pool runs one instance per thread).
 */
export interface Detector {
  /** Backend and model, for logs and metrics, e.g. `centernet`. */
  readonly name: string;
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

/** The bundled TF.js CenterNet (centernet.ts), loaded on first use. */
const centernet: DetectorFactory<CenterNetOptions> = async (options) => {
  const { createCenterNetDetector } = await import('./centernet.js');
  return createCenterNetDetector(options);
};

/**
 * Every detector backend Vigie ships, listed explicitly (nothing registers itself
 * on import). Backends are imported lazily, so choosing one never loads the
 * others' libraries. Adding ONNX Runtime = one more entry here plus its adapter file.
 */
export const DETECTOR_BACKENDS = Object.freeze({ centernet });

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
  const factory: DetectorFactory<DetectorBackendOptions<N>> = DETECTOR_BACKENDS[backend];
  return factory(options);
}
