import { emptyConfig, type CameraConfig, type DetectorConfig } from '../config/schema.js';
import type { EventChange } from '../events/lifecycle.js';
import type { VigieEvent } from '../contracts/event.js';
import { openFrameSource } from '../media/frame-source.js';
import type { StreamInfo } from '../media/ffprobe.js';
import { createEnginePool } from '../vision/detect/engine.js';
import type { DetectorPool } from '../vision/detect/pool.js';
import { createCameraPipeline, DETECTION_FLOOR_SCORE, waitForDetections, type FrameResult } from './camera-pipeline.js';
import { createSummary, type AnalysisSummary } from './summary.js';
import type { CountRecord } from '../rules/types.js';

export interface AnalysisSessionOptions {
  readonly camera: CameraConfig;
  /** The detector engine (the config's `detector` section); default: the bundled CenterNet on ONNX Runtime. */
  readonly detector?: DetectorConfig;
  /** File or stream to read (for `analyze`, the video given on the command line). */
  readonly source: string;
  readonly info: StreamInfo;
  /** Analysis fps; undefined = every source frame. */
  readonly fps?: number;
  /** Analysis width; undefined = native. */
  readonly width?: number;
  readonly workers?: number;
  readonly realtime?: boolean;
  readonly loop?: boolean;
  readonly signal?: AbortSignal;
  readonly onFrame?: (result: FrameResult) => void;
  readonly onEvent?: (change: EventChange) => void;
  readonly onStreamState?: (state: string, error: string | null) => void;
  /** Count buckets of `counting` rules, as they close (and the open ones at the end). */
  readonly onCounts?: (counts: readonly CountRecord[]) => void;
  /** Time zone of rule schedules (config `timezone`); default Europe/Paris. */
  readonly timeZone?: string;
}

export interface AnalysisOutcome {
  readonly summary: AnalysisSummary;
  /** Final state of every event, by start time. */
  readonly events: readonly VigieEvent[];
}

/**
 * Runs one camera's pipeline over a source until it ends (or `signal` aborts):
 * the composition used by `vigie analyze`, `vigie track` and `vigie demo`.
 * Every resource it starts (ffmpeg, detector workers) is stopped before it returns.
 */
export async function runAnalysisSession(options: AnalysisSessionOptions): Promise<AnalysisOutcome> {
  const { camera, info } = options;
  const fps = options.fps ?? info.fps;
  const pool: DetectorPool | null =
    camera.detect.backend === 'motion'
      ? null
      : await createEnginePool(options.detector ?? emptyConfig().detector, { minScore: DETECTION_FLOOR_SCORE, workers: options.workers });
  try {
    const pipeline = createCameraPipeline({
      camera,
      detector: pool ? waitForDetections(pool) : null,
      fps,
      maxInFlight: (pool?.stats().size ?? 1) + 1,
      ...(options.timeZone ? { timeZone: options.timeZone } : {}),
    });
    if (options.onCounts) pipeline.subscribeCounts(options.onCounts);
    const latest = new Map<string, VigieEvent>();
    pipeline.subscribe((change) => {
      latest.set(change.event.id, change.event);
      options.onEvent?.(change);
    });
    const source = openFrameSource({
      source: options.source,
      cameraId: camera.id,
      info,
      ...(options.fps !== undefined ? { fps: options.fps } : {}),
      ...(options.width !== undefined ? { width: options.width } : {}),
      loop: options.loop ?? false,
      realtime: options.realtime ?? false,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onStreamState ? { onState: (c: { state: string; error: { message: string } | null }) => options.onStreamState?.(c.state, c.error?.message ?? null) } : {}),
    });
    const summary = createSummary(camera.id, fps);
    try {
      for await (const result of pipeline.run(source)) {
        summary.add(result);
        options.onFrame?.(result);
      }
    } finally {
      await source.stop();
    }
    const events = [...latest.values()].sort((a, b) => a.start - b.start);
    return { summary: summary.finish(events), events };
  } finally {
    await pool?.close();
  }
}
