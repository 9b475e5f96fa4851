import { afterEach, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { cameraSchema, type CameraConfig } from '../../src/config/schema.js';
import type { EventChange } from '../../src/events/lifecycle.js';
import type { CameraHealth } from '../../src/pipeline/health.js';
import { createCameraSupervisor, type CameraSupervisor } from '../../src/pipeline/supervisor.js';
import { datasetFile } from '../helpers/datasets.js';

// car-detection.mp4 (30 s at 12.5 fps), looping in real time like a camera, with
// the motion backend (no detector): cars pass at ~4-9 s, ~14-20 s and ~25-28 s of each loop.
const clip = datasetFile('intel-sample-videos/car-detection.mp4');
const fixture = loadConfigFile(new URL('../fixtures/car-park.yaml', import.meta.url).pathname).cameras[0] as CameraConfig;

/** The fixture's camera on the real clip, looping, with the given rules (and the middle line only when asked). */
function camera(rules: unknown[], withLine: boolean): CameraConfig {
  return cameraSchema.parse({
    id: fixture.id,
    source: clip.path,
    loop: true,
    detect: fixture.detect,
    zones: fixture.zones,
    lines: withLine ? fixture.lines : [],
    rules,
  });
}
const intrusion = { id: 'entree-voie', type: 'intrusion', zone: 'voie-descendante', classes: ['any'], min_duration_s: 0.5 };
const crossing = { id: 'comptage', type: 'line_crossing', line: 'milieu', direction: 'any', classes: ['any'] };

/** Waits (polling) until `predicate` holds; fails after `limitMs` with `what`. */
async function until(what: string, predicate: () => boolean, limitMs = 90_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

describe.skipIf(clip.missing)('camera supervisor on a looping real clip (car-detection.mp4, motion backend)', () => {
  let supervisor: CameraSupervisor | null = null;
  afterEach(async () => {
    await supervisor?.stop();
  });

  it('runs, reports health and events, applies a new rule on the same ffmpeg, and stops clean', async () => {
    const events: EventChange[] = [];
    const healths: CameraHealth[] = [];
    supervisor = createCameraSupervisor({
      camera: camera([intrusion], false),
      detector: null,
      healthPolicy: { windowMs: 3000 },
      onEvent: (c) => events.push(c),
      onHealth: (h) => healths.push(h),
    });
    const s = supervisor;
    s.start();
    expect(s.health().state).toBe('starting');

    // Running at the target rate, measured over a whole window.
    await until('a running camera with a full window', () => s.health().state === 'running' && healths.filter((h) => h.state === 'running').length >= 4);
    const h = s.health();
    expect(h.targetFps).toBe(12.5);
    expect(h.analysisFps).toBeGreaterThanOrEqual(0.8 * 12.5);
    expect(h.analysisFps).toBeLessThanOrEqual(1.2 * 12.5);
    expect(h.lastFrameAt).not.toBeNull();
    expect(healths[0]?.state).toBe('starting');

    // Events arrive live: a car drives into the zone.
    await until('an intrusion event', () => events.some((e) => e.event.rule === 'entree-voie'));
    expect(events.every((e) => e.event.camera === 'parking-allee')).toBe(true);

    // A line and a crossing rule added while running: crossings appear, same ffmpeg.
    const pid = s.sourceStats()?.ffmpegPid;
    expect(pid).toEqual(expect.any(Number));
    s.update(camera([intrusion, crossing], true));
    await until('a line crossing event', () => events.some((e) => e.event.rule === 'comptage' && e.kind === 'closed'));
    expect(s.sourceStats()?.ffmpegPid).toBe(pid);
    expect(s.health().restarts).toBe(0);

    await s.stop();
    expect(s.sourceStats()).toBeNull();
    expect(pidAlive(pid as number)).toBe(false);
  });
});
