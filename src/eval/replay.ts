import type { VigieEvent } from '../contracts/event.js';
import { createEventLifecycle } from '../events/lifecycle.js';
import type { CameraRules } from '../rules/registry.js';
import type { RuleContext } from '../rules/types.js';
import type { AnalysisSummary } from '../pipeline/summary.js';
import type { TrackRecording } from './track-cache.js';

/** Rules replayed from tracks read no pixels: the scene the pipeline gives them when no rule asks for any. */
const NO_SCENE = Object.freeze({});

export interface ReplayOptions {
  /** Event id source; default crypto.randomUUID (as in a live run). */
  readonly newId?: () => string;
}

/**
 * Runs a camera's rules over recorded tracks exactly as the camera pipeline does
 * (same frames in order, same wall-clock context, same event lifecycle and
 * end-of-stream flush), and returns the final state of every event by start
 * time. Only for rules that need no pixels (`rules.sceneRequests` empty).
 */
export function replayRules(recording: TrackRecording, rules: CameraRules, options: ReplayOptions = {}): VigieEvent[] {
  if (rules.sceneRequests.length > 0) throw new Error('rules that read pixels cannot be replayed from tracks');
  const latest = new Map<string, VigieEvent>();
  const lifecycle = createEventLifecycle({
    camera: recording.camera,
    rules: rules.meta,
    baseWallMs: recording.baseWallMs,
    ...(options.newId ? { newId: options.newId } : {}),
  });
  lifecycle.subscribe((change) => latest.set(change.event.id, change.event));
  let state = rules.init();
  let lastTSec = 0;
  for (const frame of recording.frames) {
    const context: RuleContext = { wallMs: frame.wallMs, scene: NO_SCENE };
    const step = rules.evaluate(state, frame.tracks, context);
    state = step.state;
    lifecycle.ingest(step.signals, frame.tracks.tSec);
    lastTSec = frame.tracks.tSec;
  }
  lifecycle.flush(lastTSec);
  return [...latest.values()].sort((a, b) => a.start - b.start);
}

/** The `vigie analyze` summary of a replay: frame and detection counts come from the recording. */
export function replaySummary(recording: TrackRecording, events: readonly VigieEvent[], elapsedS: number): AnalysisSummary {
  const trackIds = new Set<number>();
  let detected = 0;
  let detections = 0;
  for (const f of recording.frames) {
    if (f.detected) detected += 1;
    detections += f.detections;
    for (const t of f.tracks.tracks) trackIds.add(t.id);
  }
  const byType: Record<string, number> = {};
  for (const e of events) byType[e.type] = (byType[e.type] ?? 0) + 1;
  const frames = recording.frames.length;
  const lastTSec = recording.frames.at(-1)?.tracks.tSec ?? 0;
  return {
    camera: recording.camera,
    fps: recording.fps,
    frames,
    frames_detected: detected,
    detections,
    tracks: trackIds.size,
    events: events.length,
    events_by_type: byType,
    video_s: Math.round((lastTSec + 1 / recording.fps) * 100) / 100,
    elapsed_s: Math.round(elapsedS * 100) / 100,
    speed_fps: elapsedS > 0 ? Math.round((frames / elapsedS) * 10) / 10 : 0,
  };
}
