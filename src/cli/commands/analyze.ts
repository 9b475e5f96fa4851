import { createWriteStream } from 'node:fs';
import type { AnalyzeCliOptions } from '../main.js';
import { loadConfigFile } from '../../config/load.js';
import { probeSource } from '../../media/ffprobe.js';
import { estimateFrameCount } from '../../media/ffprobe.js';
import { runAnalysisSession } from '../../pipeline/analysis-session.js';
import type { AnalysisSummary } from '../../pipeline/summary.js';
import { chooseCamera, chooseDetector } from '../camera-choice.js';
import { UserError } from '../errors.js';
import { createProgress } from '../progress.js';
import { writeLines } from '../output.js';

/** `vigie analyze <video> --config <yaml>`: offline analysis, one JSON event per line. */
export async function runAnalyze(video: string, opts: AnalyzeCliOptions): Promise<void> {
  if (opts.json && !opts.out) throw new UserError('--json prints the summary on stdout: give --out FILE for the events');
  const camera = chooseCamera(opts.config, opts.camera);
  const info = await probeSource(video);
  const fps = Math.min(camera.detect.fps, info.fps);
  const width = Math.min(camera.detect.width, info.width);
  const progress = createProgress('analyze', estimateFrameCount(info, fps));
  let eventCount = 0;
  const startedMs = performance.now();
  const outcome = await runAnalysisSession({
    camera,
    detector: chooseDetector(opts.config, opts.engine),
    source: video,
    info,
    fps,
    width,
    ...(opts.workers ? { workers: opts.workers } : {}),
    timeZone: loadConfigFile(opts.config).timezone,
    onEvent: (change) => {
      if (change.kind === 'opened') eventCount += 1;
    },
    onFrame: (r) => {
      const elapsedS = (performance.now() - startedMs) / 1000;
      progress.update(r.frame.seq + 1, { fps: elapsedS > 0 ? ((r.frame.seq + 1) / elapsedS).toFixed(1) : '-', events: eventCount });
    },
  }).finally(() => progress.stop());

  const lines = outcome.events.map((e) => JSON.stringify(e));
  if (opts.out) await writeLines(createWriteStream(opts.out), lines);
  else await writeLines(process.stdout, lines);
  if (opts.json) process.stdout.write(`${JSON.stringify(outcome.summary)}\n`);
  else process.stderr.write(formatSummary(video, outcome.summary));
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
