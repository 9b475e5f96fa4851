/**
 * From the config's `detector` section to the detector pool that runs it: the
 * one place that maps engine names to backends and their options.
 */
import type { DetectorConfig } from '../../config/schema.js';
import type { DetectorBackendName } from './detector.js';
import { createDetectorPool, type DetectorPool } from './pool.js';

export interface EnginePoolOptions {
  /** Score floor of every detection (the tracker's low-score association needs low scores). */
  readonly minScore: number;
  /** Worker threads; overrides `detector.workers`. */
  readonly workers?: number | undefined;
  /** Live cameras: a deep queue bounded by time (see `LIVE_QUEUE`), so that cameras whose frames arrive together all get a turn. */
  readonly live?: boolean;
}

/**
 * The live pool's queue: room for a frame (two crops) of many cameras arriving
 * at the same moment, but no frame accepted that would wait more than 0.6 s:
 * under overload a camera gets fewer fresh detections, never late ones. The
 * frame count bounds memory (a queued crop is at most one frame's pixels).
 */
export const LIVE_QUEUE = Object.freeze({ capacity: 32, maxDelayMs: 600 });

/** Starts the detector pool of the configured engine. */
export function createEnginePool(detector: DetectorConfig, options: EnginePoolOptions): Promise<DetectorPool> {
  const workers = options.workers ?? detector.workers;
  const size = {
    ...(workers !== undefined ? { size: workers } : {}),
    ...(options.live ? { queueCapacity: LIVE_QUEUE.capacity, maxQueueDelayMs: LIVE_QUEUE.maxDelayMs } : {}),
  };
  switch (detector.engine) {
    case 'centernet-onnx':
      return createDetectorPool({ backend: 'centernet-onnx', ...size, detector: { minScore: options.minScore } });
    case 'centernet-tfjs':
      return createDetectorPool({ backend: 'centernet', ...size, detector: { minScore: options.minScore } });
    case 'yolo-onnx': {
      if (!detector.model || !detector.format) throw new Error('detector engine yolo-onnx needs model and format');
      const backend: DetectorBackendName = 'yolo-onnx';
      return createDetectorPool({
        backend,
        ...size,
        detector: {
          minScore: options.minScore,
          modelPath: detector.model,
          format: detector.format,
          ...(detector.input_size !== undefined ? { inputSize: detector.input_size } : {}),
        },
      });
    }
  }
}
