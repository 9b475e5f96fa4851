import type { CameraConfig, DetectorConfig, RuleConfig } from '../config/schema.js';
import { probeSource, estimateFrameCount, type StreamInfo } from '../media/ffprobe.js';
import { runAnalysisSession, type AnalysisOutcome } from '../pipeline/analysis-session.js';
import type { FrameResult } from '../pipeline/camera-pipeline.js';
import { createRule } from '../rules/registry.js';
import { RuleConfigError } from '../rules/types.js';
import { createTrackRecorder, trackCacheKey, type TrackRecording } from '../eval/track-cache.js';
import { fingerprintVideo, readTrackCache, writeTrackCache } from '../eval/track-cache-store.js';
import { UserError } from './errors.js';
import { createProgress } from './progress.js';

/** Ids and types of the rules that read pixels (scene requests): they cannot run on cached tracks. */
export function pixelRules(camera: CameraConfig, rules: readonly RuleConfig[] = camera.rules): string[] {
  const scene = { zones: camera.zones, lines: camera.lines, groundPlane: camera.ground_plane };
  return rules.flatMap((r) => {
    if (!r.enabled || r.type === 'counting') return [];
    try {
      return createRule(r, scene).scene ? [`${r.id} (${r.type})`] : [];
    } catch (err) {
      if (err instanceof RuleConfigError) throw new UserError(err.message);
      throw err;
    }
  });
}

export interface TracksRun {
  readonly video: string;
  readonly camera: CameraConfig;
  readonly detector: DetectorConfig;
  readonly workers?: number;
  readonly timeZone: string;
  /** Folder of the tracks cache; none: nothing is read or written. */
  readonly cacheDir?: string;
}

export interface ResolvedRun {
  readonly info: StreamInfo;
  readonly fps: number;
  readonly width: number;
}

/** The analysis settings of a run, as `vigie analyze` has always resolved them. */
export async function resolveRun(run: TracksRun): Promise<ResolvedRun> {
  const info = await probeSource(run.video);
  return { info, fps: Math.min(run.camera.detect.fps, info.fps), width: Math.min(run.camera.detect.width, info.width) };
}

/** Cache key of the run's tracks: the video file and every setting that changes them. */
export async function tracksKey(run: TracksRun, resolved: ResolvedRun): Promise<string> {
  const { workers: _workers, ...detector } = run.detector;
  return trackCacheKey(await fingerprintVideo(run.video), { detect: run.camera.detect, masks: run.camera.masks, detector, fps: resolved.fps, width: resolved.width });
}

/** The cached tracks of a run, or null (no cache folder, or nothing cached under these settings). */
export async function cachedTracks(run: TracksRun, key: string): Promise<TrackRecording | null> {
  if (run.cacheDir === undefined) return null;
  try {
    return await readTrackCache(run.cacheDir, key);
  } catch (err) {
    throw new UserError((err as Error).message);
  }
}

/**
 * Runs the real pipeline (decode, detection, tracking, and the camera's rules)
 * over the video with a progress bar on a terminal; `onFrame` sees every frame.
 */
export async function analyzeWithProgress(run: TracksRun, resolved: ResolvedRun, label: string, onFrame?: (r: FrameResult) => void): Promise<AnalysisOutcome> {
  const { info, fps, width } = resolved;
  const progress = createProgress(label, estimateFrameCount(info, fps));
  let events = 0;
  const startedMs = performance.now();
  return runAnalysisSession({
    camera: run.camera,
    detector: run.detector,
    source: run.video,
    info,
    fps,
    width,
    ...(run.workers ? { workers: run.workers } : {}),
    timeZone: run.timeZone,
    onEvent: (change) => {
      if (change.kind === 'opened') events += 1;
    },
    onFrame: (r) => {
      onFrame?.(r);
      const elapsedS = (performance.now() - startedMs) / 1000;
      progress.update(r.frame.seq + 1, { fps: elapsedS > 0 ? ((r.frame.seq + 1) / elapsedS).toFixed(1) : '-', events });
    },
  }).finally(() => progress.stop());
}

/** Like `analyzeWithProgress`, recording every frame's tracks; writes them to the cache folder when there is one. */
export async function analyzeAndRecord(run: TracksRun, resolved: ResolvedRun, key: string, label: string): Promise<{ outcome: AnalysisOutcome; recording: TrackRecording }> {
  const recorder = createTrackRecorder(key, run.camera.id, resolved.fps);
  const outcome = await analyzeWithProgress(run, resolved, label, (r) => recorder.add(r));
  const recording = recorder.finish();
  if (run.cacheDir !== undefined) await writeTrackCache(run.cacheDir, recording);
  return { outcome, recording };
}

/** The tracks of a run: from the cache when it has them, else by running detection and tracking once (rules left out). */
export async function loadOrRecordTracks(run: TracksRun): Promise<TrackRecording> {
  const resolved = await resolveRun(run);
  const key = await tracksKey(run, resolved);
  const hit = await cachedTracks(run, key);
  if (hit) return hit;
  // Rules do not change the tracks: leave them out so that pixel analysis is not paid for.
  return (await analyzeAndRecord({ ...run, camera: { ...run.camera, rules: [] } }, resolved, key, 'tracks')).recording;
}
