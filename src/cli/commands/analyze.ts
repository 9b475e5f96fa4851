import type { AnalyzeCliOptions } from '../main.js';
import { loadConfigFile } from '../../config/load.js';
import type { VigieEvent } from '../../contracts/event.js';
import { replayRules, replaySummary } from '../../eval/replay.js';
import type { AnalysisSummary } from '../../pipeline/summary.js';
import { createCameraRules } from '../../rules/registry.js';
import { chooseCamera, chooseDetector } from '../camera-choice.js';
import { UserError } from '../errors.js';
import { linesText, writeLines, writeOutFile } from '../output.js';
import { analyzeAndRecord, analyzeWithProgress, cachedTracks, pixelRules, resolveRun, tracksKey, type TracksRun } from '../tracks-cache.js';

/** `vigie analyze <video> --config <yaml>`: offline analysis, one JSON event per line. */
export async function runAnalyze(video: string, opts: AnalyzeCliOptions): Promise<void> {
  if (opts.json && !opts.out) throw new UserError('--json prints the summary on stdout: give --out FILE for the events');
  const camera = chooseCamera(opts.config, opts.camera);
  const run: TracksRun = {
    video,
    camera,
    detector: chooseDetector(opts.config, opts.engine),
    timeZone: loadConfigFile(opts.config).timezone,
    ...(opts.workers ? { workers: opts.workers } : {}),
    ...(opts.tracksCache !== undefined ? { cacheDir: opts.tracksCache } : {}),
  };
  const outcome = opts.tracksCache === undefined ? await analyzeWithProgress(run, await resolveRun(run), 'analyze') : await analyzeFromCache(run);

  const lines = outcome.events.map((e) => JSON.stringify(e));
  if (opts.out) await writeOutFile(opts.out, linesText(lines));
  else await writeLines(process.stdout, lines);
  if (opts.json) process.stdout.write(`${JSON.stringify(outcome.summary)}\n`);
  else process.stderr.write(formatSummary(video, outcome.summary));
}

/**
 * `--tracks-cache DIR`: replays the camera's rules over the cached tracks of the
 * clip when they are there (no decoding, no detection), else analyses it and
 * caches its tracks. Rules that read pixels are refused: tracks do not carry them.
 */
async function analyzeFromCache(run: TracksRun): Promise<{ summary: AnalysisSummary; events: readonly VigieEvent[] }> {
  const needPixels = pixelRules(run.camera);
  if (needPixels.length > 0) {
    throw new UserError(`--tracks-cache: rules ${needPixels.join(', ')} read pixels, which cached tracks do not keep: run without --tracks-cache, or on a camera whose rules need only tracks`);
  }
  const resolved = await resolveRun(run);
  const key = await tracksKey(run, resolved);
  const hit = await cachedTracks(run, key);
  if (!hit) return (await analyzeAndRecord(run, resolved, key, 'analyze')).outcome;
  process.stderr.write(`tracks read from the cache in ${run.cacheDir ?? ''}: detection not rerun\n`);
  const startedMs = performance.now();
  const events = replayRules(hit, createCameraRules(run.camera, { timeZone: run.timeZone }));
  return { events, summary: replaySummary(hit, events, (performance.now() - startedMs) / 1000) };
}

export function formatSummary(video: string, s: AnalysisSummary): string {
  const types = Object.entries(s.events_by_type)
    .map(([type, n]) => `${type} ${n}`)
    .join(', ');
  return [
    `${video}: ${s.frames} frames (${s.video_s} s of video at ${s.fps} fps) in ${s.elapsed_s} s, ${s.speed_fps} frames/s`,
    `  detector ran on ${s.frames_detected} frames (${s.frames - s.frames_detected} skipped: no motion), ${s.detections} detections, ${s.tracks} tracks`,
    `  ${s.events} events${types ? `: ${types}` : ''}`,
    '',
  ].join('\n');
}
