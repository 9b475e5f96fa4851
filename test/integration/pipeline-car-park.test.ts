import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import type { CameraConfig } from '../../src/config/schema.js';
import { vigieEventSchema } from '../../src/contracts/event-schema.js';
import type { VigieEvent } from '../../src/contracts/event.js';
import { probeSource } from '../../src/media/ffprobe.js';
import { runAnalysisSession } from '../../src/pipeline/analysis-session.js';
import { datasetFile } from '../helpers/datasets.js';

// car-detection.mp4: four cars in a two-way aisle seen from above, two per lane,
// with two global exposure changes. The motion backend tracks them as `object`s.
const clip = datasetFile('intel-sample-videos/car-detection.mp4');
const camera = loadConfigFile(new URL('../fixtures/car-park.yaml', import.meta.url).pathname).cameras[0] as CameraConfig;

async function analyze(video: string): Promise<readonly VigieEvent[]> {
  const info = await probeSource(video);
  const outcome = await runAnalysisSession({ camera, source: video, info, fps: camera.detect.fps, width: camera.detect.width });
  return outcome.events;
}

const byRule = (events: readonly VigieEvent[], rule: string): VigieEvent[] => events.filter((e) => e.rule === rule);

describe.skipIf(clip.missing)('car park aisle, motion backend (car-detection.mp4)', () => {
  let dir = '';
  let forward: readonly VigieEvent[] = [];
  let reversed: readonly VigieEvent[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-car-'));
    const reversedClip = join(dir, 'reversed.mp4');
    execFileSync('ffmpeg', ['-v', 'error', '-i', clip.path, '-vf', 'reverse', '-an', reversedClip]);
    forward = await analyze(clip.path);
    reversed = await analyze(reversedClip);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('raises no wrong_way event when every car drives its lane the right way', () => {
    expect(forward.filter((e) => e.type === 'wrong_way')).toEqual([]);
  });

  it('raises one wrong_way event per car when the clip plays backwards', () => {
    const down = byRule(reversed, 'sens-interdit-descendante');
    const up = byRule(reversed, 'sens-interdit-montante');
    expect(down).toHaveLength(2);
    expect(up).toHaveLength(2);
    // Four different cars: four distinct tracks, and each car's box lies in its lane.
    expect(new Set(reversed.filter((e) => e.type === 'wrong_way').flatMap((e) => e.track_ids)).size).toBe(4);
    for (const e of down) expect(e.box[0] + e.box[2] / 2).toBeLessThan(0.36);
    for (const e of up) expect(e.box[0] + e.box[2] / 2).toBeGreaterThan(0.36);
  });

  it('counts two cars crossing the middle line downwards and two upwards, swapped when reversed', () => {
    expect(byRule(forward, 'comptage-descente')).toHaveLength(2);
    expect(byRule(forward, 'comptage-montee')).toHaveLength(2);
    expect(byRule(reversed, 'comptage-descente')).toHaveLength(2);
    expect(byRule(reversed, 'comptage-montee')).toHaveLength(2);
  });

  it('creates no object during the exposure changes when no car moves', () => {
    // Exposure changes at frames ~78-90 and ~336-354 (12.5 fps); cars at ~55-110 and ~315-345.
    // All events belong to the four cars: none starts outside their passages.
    const framePassages: [number, number][] = [[55, 115], [180, 245], [315, 350]];
    const passages = framePassages.map(([a, b]) => [a / 12.5, b / 12.5] as const);
    for (const e of forward) {
      expect(passages.some(([a, b]) => e.start >= a && e.start <= b), `event at ${e.start}s`).toBe(true);
    }
  });

  it('emits events in the ARCHITECTURE 5.3 shape, with no field outside it', () => {
    for (const event of [...forward, ...reversed]) expect(() => vigieEventSchema.parse(event)).not.toThrow();
    const e = forward[0] as VigieEvent;
    expect(Object.keys(e).sort()).toEqual(
      ['box', 'camera', 'classes', 'clip', 'details', 'end', 'id', 'rule', 'score', 'severity', 'snapshot', 'start', 'start_time', 'track_ids', 'type'].sort(),
    );
    expect(e.camera).toBe('parking-allee');
    expect(e.classes).toEqual(['object']);
    expect(e.start_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    for (const v of e.box) expect(v).toBeGreaterThanOrEqual(0);
  });
});
