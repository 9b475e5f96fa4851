import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import type { CameraConfig } from '../../src/config/schema.js';
import type { VigieEvent } from '../../src/contracts/event.js';
import { annotationsSchema, scoreEvents } from '../../src/eval/event-matching.js';
import { probeSource } from '../../src/media/ffprobe.js';
import { runAnalysisSession } from '../../src/pipeline/analysis-session.js';
import { datasetFile } from '../helpers/datasets.js';
import { bagImage, renderPetsClip } from '../helpers/static-clips.js';

// End to end: `runAnalysisSession` on a clip rendered over PETS09 (synthetic
// bags over real footage): the scene stage feeds the static analyser, the
// rules raise events, the lifecycle closes them at the end of the stream.
const pets = datasetFile('pets09-s2l1/vtest.avi');
const camera = loadConfigFile(new URL('../fixtures/static-square.yaml', import.meta.url).pathname).cameras[0] as CameraConfig;
const annotations = annotationsSchema.parse(JSON.parse(readFileSync(new URL('../fixtures/annotations/static-pipeline.json', import.meta.url), 'utf8')));

describe.skipIf(pets.missing)('static-scene rules end to end (runAnalysisSession, PETS09 + rendered bags)', () => {
  let dir = '';
  let events: readonly VigieEvent[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-static-pipe-'));
    const bag = await bagImage(dir, 'bag', 40, 32);
    const clip = await renderPetsClip(dir, 'square', {
      startS: 0,
      durationS: 30,
      fps: 5,
      width: 320,
      layers: [
        { image: bag, x: 560, y: 330, from: 8 },
        { image: bag, x: 615, y: 430, from: 6 },
        { image: bag, x: 665, y: 435, from: 10 },
        { image: bag, x: 640, y: 470, from: 14 },
      ],
    });
    const info = await probeSource(clip);
    events = (await runAnalysisSession({ camera, source: clip, info, fps: camera.detect.fps, width: camera.detect.width })).events;
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('raises one event per rule, matching the annotations (precision and recall 1)', () => {
    const scores = scoreEvents(annotations, events);
    expect(scores.perType.map((r) => [r.type, r.precision, r.recall])).toEqual([
      ['abandoned_object', 1, 1],
      ['illegal_dumping', 1, 1],
      ['bin_overflow', 1, 1],
    ]);
  });

  it('fills the event fields from the region: box on the bag, no track, details', () => {
    const abandoned = events.find((e) => e.type === 'abandoned_object')!;
    expect(abandoned.track_ids).toEqual([]);
    expect(abandoned.box[0]).toBeCloseTo(560 / 768, 1);
    expect(abandoned.box[1]).toBeCloseTo(330 / 576, 1);
    expect(abandoned.details).toMatchObject({ zone: 'place' });
    expect(events.find((e) => e.type === 'bin_overflow')!.details).toMatchObject({ zone: 'bac' });
    expect(events.find((e) => e.type === 'illegal_dumping')!.details).toMatchObject({ zone: 'place', person_left: false });
  });
});
