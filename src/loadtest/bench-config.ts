/**
 * The configuration the load benchmark runs: N identical cameras on one looping
 * file, with rules that fire every few seconds on PETS09 S2.L1 so that event
 * latency is measured on many events. Geometry in normalised coordinates; on
 * other footage the rules simply fire less (or never: then no latency figure).
 */
import { parseConfig } from '../config/load.js';
import type { DetectorConfig, VigieConfig } from '../config/schema.js';

export interface BenchConfigOptions {
  readonly cameras: number;
  /** `detect.fps` of every camera. */
  readonly fps: number;
  readonly source: string;
  /** Detect every frame on the full frame (motion gating and region crops off). */
  readonly naive: boolean;
  /** `detect.input_size` of every camera; default the schema's (512). */
  readonly inputSize?: 320 | 416 | 512;
  /** `detect.width`; default 640, as the demo camera. */
  readonly width?: number;
  /** The shared detector (engine, workers); default the schema's. */
  readonly detector?: DetectorConfig;
}

/** Camera ids: bench-01, bench-02, ... (sorted like the numbers). */
export function benchCameraId(index: number, count: number): string {
  return `bench-${String(index + 1).padStart(Math.max(2, String(count).length), '0')}`;
}

// On the 795 ground-truth frames of PETS09 S2.L1 (114 s): the vertical line (the
// demo's) is crossed 27 times, the horizontal one 32 times, and someone stays 1 s
// in the centre zone 27 times: about one event every 1.3 s per camera.
const SCENE = {
  zones: [{ id: 'centre', name: 'Centre du carrefour', polygon: [[0.3, 0.3], [0.7, 0.3], [0.7, 0.6], [0.3, 0.6]] }],
  lines: [
    { id: 'traversee', name: 'Traversée de la voie', points: [[0.55, 0.25], [0.55, 0.6]] },
    { id: 'allee', name: 'Allée', points: [[0.0, 0.5], [1.0, 0.5]] },
  ],
  rules: [
    { id: 'centre-intrusion', type: 'intrusion', zone: 'centre', classes: ['person'], min_duration_s: 1 },
    { id: 'traversee-comptage', type: 'line_crossing', line: 'traversee', direction: 'any', classes: ['person'] },
    { id: 'allee-comptage', type: 'line_crossing', line: 'allee', direction: 'any', classes: ['person'] },
  ],
} as const;

/** A validated configuration (schema defaults filled in); throws ConfigError when the schema refuses it. */
export function benchConfig(options: BenchConfigOptions): VigieConfig {
  const detect = {
    fps: options.fps,
    width: options.width ?? 640,
    backend: 'model',
    ...(options.inputSize ? { input_size: options.inputSize } : {}),
    ...(options.naive ? { motion_gating: false, region_crops: false } : {}),
  };
  const cameras = Array.from({ length: options.cameras }, (_, i) => ({
    id: benchCameraId(i, options.cameras),
    name: `Bench ${i + 1}`,
    source: options.source,
    loop: true,
    detect,
    ...SCENE,
  }));
  return parseConfig({ ...(options.detector ? { detector: options.detector } : {}), cameras }, 'vigie bench');
}
