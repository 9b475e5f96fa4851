import { existsSync } from 'node:fs';
import { mkdir, appendFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DemoCliOptions } from '../main.js';
import { loadConfigFile } from '../../config/load.js';
import type { CameraConfig } from '../../config/schema.js';
import type { EventChange } from '../../events/lifecycle.js';
import { probeSource } from '../../media/ffprobe.js';
import { runAnalysisSession } from '../../pipeline/analysis-session.js';
import { UserError } from '../errors.js';
import { datasetsDir } from '../datasets.js';

const DEMO_CONFIG = fileURLToPath(new URL('../../../examples/demo.yaml', import.meta.url));

/** An instantaneous event (a line crossing) is opened and closed at once. */
const isInstant = (change: EventChange): boolean => change.event.end !== null && change.event.end === change.event.start;

function describe(change: EventChange): string {
  const e = change.event;
  const label = isInstant(change) ? 'event' : change.kind;
  const when = new Date().toISOString().slice(11, 19);
  const where = Object.entries(e.details)
    .filter(([k]) => k === 'zone' || k === 'line' || k === 'direction')
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');
  return `${when}  ${label.padEnd(7)} ${e.type.padEnd(13)} ${e.severity.padEnd(6)} track ${e.track_ids.join(',')} ${e.classes.join(',')}  t=${e.start.toFixed(1)}s  ${where}`;
}

/**
 * `vigie demo`: the demo camera on real street footage, looping in real time;
 * events are printed as they happen and appended to DATA/events.jsonl.
 */
export async function runDemo(opts: DemoCliOptions): Promise<void> {
  const footage = join(datasetsDir(), 'pets09-s2l1', 'vtest.avi');
  if (!existsSync(footage)) {
    throw new UserError(`demo footage not found at ${footage}: put the shared datasets there or set VIGIE_DATASETS to their folder`);
  }
  const demo = loadConfigFile(DEMO_CONFIG).cameras[0] as CameraConfig;
  const camera: CameraConfig = { ...demo, source: footage, loop: true };
  const eventsFile = resolve(opts.data, 'events.jsonl');
  await mkdir(dirname(eventsFile), { recursive: true });

  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const timer = opts.duration ? setTimeout(stop, opts.duration * 1000) : null;

  process.stderr.write(
    `Vigie demo: camera "${camera.name ?? camera.id}" on ${footage}, looping in real time at ${camera.detect.fps} analysed frames/s.\n` +
      `Rules: ${camera.rules.map((r) => `${r.id} (${r.type})`).join(', ')}. Events are printed below and appended to ${eventsFile}. Ctrl-C stops.\n`,
  );
  const writes: Promise<void>[] = [];
  try {
    const outcome = await runAnalysisSession({
      camera,
      source: footage,
      info: await probeSource(footage),
      fps: camera.detect.fps,
      width: camera.detect.width,
      loop: true,
      realtime: true,
      signal: controller.signal,
      onEvent: (change) => {
        if (!(isInstant(change) && change.kind === 'opened')) process.stdout.write(`${describe(change)}\n`);
        if (change.kind === 'closed') writes.push(appendFile(eventsFile, `${JSON.stringify(change.event)}\n`));
      },
      onStreamState: (state, error) => {
        if (state !== 'running' && !controller.signal.aborted) process.stderr.write(`camera ${camera.id}: ${state}${error ? ` (${error})` : ''}\n`);
      },
    });
    await Promise.all(writes);
    const s = outcome.summary;
    process.stderr.write(`Stopped after ${s.frames} frames: ${s.events} events, ${s.tracks} tracks.\n`);
  } finally {
    if (timer) clearTimeout(timer);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
