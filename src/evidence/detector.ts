/**
 * The person detector of anonymised exports: a worker pool of the configured
 * engine, started for one export and closed after it. Loaded lazily, so a
 * plain export never loads a model.
 */
import { detectorSchema, type DetectorConfig } from '../config/schema.js';
import { ANONYMIZE_MIN_SCORE } from './anonymize.js';
import type { AnonymizeDetector } from './export.js';

export async function openEngineDetector(config: DetectorConfig | null, workers?: number): Promise<AnonymizeDetector> {
  const { createEnginePool } = await import('../vision/detect/engine.js');
  const detector = config ?? detectorSchema.parse({});
  const pool = await createEnginePool(detector, { minScore: ANONYMIZE_MIN_SCORE, ...(workers !== undefined ? { workers } : {}) });
  return {
    name: detector.engine,
    inFlight: pool.stats().size + 1,
    detect: (frame) => pool.detect(frame),
    close: () => pool.close(),
  };
}
