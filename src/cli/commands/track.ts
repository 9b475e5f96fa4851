import type { TrackCliOptions } from '../main.js';
import type { ObjectClass } from '../../contracts/classes.js';
import { formatMotRow, trackFrameToMotRows } from '../../eval/mot-io.js';
import { estimateFrameCount, probeSource } from '../../media/ffprobe.js';
import { runAnalysisSession } from '../../pipeline/analysis-session.js';
import { chooseCamera, chooseDetector, defaultCamera } from '../camera-choice.js';
import { createProgress } from '../progress.js';
import { linesText, writeLines, writeOutFile } from '../output.js';

/**
 * `vigie track <video>`: people's tracks in MOT Challenge text, frames counted
 * from 1 in the source's frame numbering, boxes in source pixels.
 */
export async function runTrack(video: string, opts: TrackCliOptions): Promise<void> {
  const base = opts.config ? chooseCamera(opts.config, opts.camera) : defaultCamera('track', video);
  // Tracking output must not depend on rules; zones and lines are irrelevant here.
  const camera = { ...base, rules: [] };
  const info = await probeSource(video);
  const fps = opts.fps !== undefined ? Math.min(opts.fps, info.fps) : undefined;
  // With the motion backend there is no class: its objects are what it tracks.
  const wanted: ObjectClass = camera.detect.backend === 'motion' ? 'object' : 'person';
  const progress = createProgress('track', estimateFrameCount(info, fps));
  const rows: string[] = [];
  const startedMs = performance.now();
  const outcome = await runAnalysisSession({
    camera,
    detector: chooseDetector(opts.config, opts.engine),
    source: video,
    info,
    ...(fps !== undefined ? { fps } : {}),
    ...(opts.workers ? { workers: opts.workers } : {}),
    onFrame: (r) => {
      // Source frame number of this analysed frame (they differ only with --fps).
      const motFrame = fps === undefined ? r.frame.seq + 1 : Math.round((r.frame.ptsMs / 1000) * info.fps) + 1;
      const people = { ...r.tracks, tracks: r.tracks.tracks.filter((t) => t.cls === wanted) };
      for (const row of trackFrameToMotRows(people, motFrame)) rows.push(formatMotRow(row));
      const elapsedS = (performance.now() - startedMs) / 1000;
      progress.update(r.frame.seq + 1, { fps: ((r.frame.seq + 1) / elapsedS).toFixed(1), events: 0 });
    },
  }).finally(() => progress.stop());
  if (opts.out) await writeOutFile(opts.out, linesText(rows));
  else await writeLines(process.stdout, rows);
  const s = outcome.summary;
  process.stderr.write(`${video}: ${s.frames} frames in ${s.elapsed_s} s (${s.speed_fps} frames/s), ${s.tracks} tracks, ${rows.length} boxes\n`);
}
