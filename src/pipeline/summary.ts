import type { VigieEvent } from '../contracts/event.js';
import type { FrameResult } from './camera-pipeline.js';

/** What an analysis run did, for people (summary line) and machines (`--json`). */
export interface AnalysisSummary {
  readonly camera: string;
  readonly fps: number;
  readonly frames: number;
  /** Frames on which the detector ran (the rest were skipped by motion gating). */
  readonly frames_detected: number;
  readonly detections: number;
  /** Distinct track ids seen. */
  readonly tracks: number;
  readonly events: number;
  readonly events_by_type: Readonly<Record<string, number>>;
  /** Seconds of video analysed. */
  readonly video_s: number;
  /** Seconds the analysis took. */
  readonly elapsed_s: number;
  /** Analysed frames per second of wall time. */
  readonly speed_fps: number;
}

export interface SummaryBuilder {
  add(result: FrameResult): void;
  finish(events: readonly VigieEvent[]): AnalysisSummary;
}

export function createSummary(camera: string, fps: number, now: () => number = () => performance.now()): SummaryBuilder {
  const startedMs = now();
  let frames = 0;
  let detected = 0;
  let detections = 0;
  let lastTSec = 0;
  const trackIds = new Set<number>();
  return {
    add(result) {
      frames += 1;
      if (result.detected) detected += 1;
      detections += result.detections.length;
      lastTSec = result.tracks.tSec;
      for (const t of result.tracks.tracks) trackIds.add(t.id);
    },
    finish(events) {
      const elapsed = (now() - startedMs) / 1000;
      const byType: Record<string, number> = {};
      for (const e of events) byType[e.type] = (byType[e.type] ?? 0) + 1;
      return {
        camera,
        fps,
        frames,
        frames_detected: detected,
        detections,
        tracks: trackIds.size,
        events: events.length,
        events_by_type: byType,
        video_s: Math.round((lastTSec + 1 / fps) * 100) / 100,
        elapsed_s: Math.round(elapsed * 100) / 100,
        speed_fps: elapsed > 0 ? Math.round((frames / elapsed) * 10) / 10 : 0,
      };
    },
  };
}
