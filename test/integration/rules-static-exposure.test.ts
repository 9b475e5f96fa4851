import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRule } from '../../src/rules/registry.js';
import { datasetFile } from '../helpers/datasets.js';
import { bagImage, noTracks, renderPetsClip, runStaticRules, situations, type PetsClipSpec, type StaticRun } from '../helpers/static-clips.js';
import { ruleConfig, zone } from '../unit/rules/scenario.js';

// car-detection.mp4: a car park seen from above whose camera changes exposure
// twice (frames ~78-90 and ~336-354 at 12.5 fps, i.e. 6.2-7.2 s and 26.9-28.3 s).
// A bag rendered on the asphalt at 4 s must stay one object through both
// changes, and nothing else may become static.
const clip = datasetFile('intel-sample-videos/car-detection.mp4');

describe.skipIf(clip.missing)('static-scene analyser through global exposure changes (car-detection.mp4)', () => {
  let dir = '';
  let run: StaticRun;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-static-exp-'));
    const spec: PetsClipSpec = {
      footage: { path: clip.path, width: 768, height: 432, fps: 12.5 },
      startS: 0,
      durationS: 30,
      fps: 5,
      width: 320,
      layers: [{ image: await bagImage(dir, 'bag', 36, 30, '0x2050a0'), x: 680, y: 300, from: 4 }],
    };
    const scene = { zones: [zone({ id: 'parking', polygon: [[0, 0], [1, 0], [1, 1], [0, 1]] })], lines: [] };
    const rule = createRule(ruleConfig({ id: 'abandon', type: 'abandoned_object', zone: 'parking', min_duration_s: 5 }), scene);
    run = await runStaticRules(await renderPetsClip(dir, 'car-bag', spec), spec, [rule], noTracks(spec));
  }, 90_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the bag as one abandoned_object situation across both exposure changes', () => {
    const found = situations(run.signals);
    expect(found).toHaveLength(1);
    expect(found[0]!.start).toBeGreaterThanOrEqual(9);
    expect(found[0]!.start).toBeLessThan(15);
    expect(found[0]!.end).toBeGreaterThanOrEqual(29.5);
    const first = run.signals.find((s) => s.kind === 'situation.active');
    expect(first?.kind === 'situation.active' && first.box[0]).toBeCloseTo(680 / 768, 1);
    expect(first?.kind === 'situation.active' && first.box[1]).toBeCloseTo(300 / 432, 1);
  });

  it('turns no part of the exposure changes into static regions: only the bag is ever static', () => {
    const during = run.readings.filter((r) => (r.tSec >= 6 && r.tSec <= 9) || r.tSec >= 26.8);
    for (const g of during.flatMap((r) => r.regions)) {
      expect(g.box[0]).toBeCloseTo(680 / 768, 1);
      expect(g.box[1]).toBeCloseTo(300 / 432, 1);
    }
    // Through the second change (the bag long established) it keeps its id in every frame.
    const late = during.filter((r) => r.tSec >= 26.8);
    expect(new Set(late.flatMap((r) => r.regions.map((g) => g.id))).size).toBe(1);
    for (const r of late) expect(r.regions).toHaveLength(1);
  });
});
