import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuleConfig } from '../../src/config/schema.js';
import { annotationsSchema, scoreEvents } from '../../src/eval/event-matching.js';
import { createRule } from '../../src/rules/registry.js';
import type { RuleScene } from '../../src/rules/types.js';
import { datasetFile } from '../helpers/datasets.js';
import { bagImage, cutoutPerson, knots, petsCutout, petsPeople, renderPetsClip, runStaticRules, situations, withTracks, type PetsClipSpec, type Situation } from '../helpers/static-clips.js';
import { ruleConfig, zone } from '../unit/rules/scenario.js';

// Synthetic proof: still images composited with ffmpeg over real PETS09 footage
// (real walkers, tracked from the ground truth), analysed at 320 px, 5 fps.
const pets = datasetFile('pets09-s2l1/vtest.avi');
const annotations = annotationsSchema.parse(JSON.parse(readFileSync(new URL('../fixtures/annotations/static-scene.json', import.meta.url), 'utf8')));

const WIDTH = 320;
const S = WIDTH / 768;
const clipSpec = (layers: PetsClipSpec['layers']): PetsClipSpec => ({ startS: 0, durationS: 30, fps: 5, width: WIDTH, layers });

const scene: RuleScene = {
  zones: [zone({ id: 'place', polygon: [[0, 0.3], [1, 0.3], [1, 0.7], [0, 0.7]] }),
    zone({ id: 'bac', polygon: [[600 / 768, 420 / 576], [740 / 768, 420 / 576], [740 / 768, 520 / 576], [600 / 768, 520 / 576]] }),
  ],
  lines: [],
};
const rules = (): ReturnType<typeof createRule>[] =>
  (
    [
      ruleConfig({ id: 'abandon', type: 'abandoned_object', zone: 'place', min_duration_s: 5 }),
      ruleConfig({ id: 'depot', type: 'illegal_dumping', zone: 'place', min_duration_s: 5, min_area: 0.001, require_person_left: true }),
      ruleConfig({ id: 'bac-plein', type: 'bin_overflow', zone: 'bac', min_duration_s: 5, min_fill: 0.22 }),
    ] as Exclude<RuleConfig, { type: 'counting' }>[]
  ).map((c) => createRule(c, scene));

/** Person cut out of PETS09 frame 51 (track 13), 40x118 source pixels. */
const PERSON = { w: 40, h: 118 };
const walkInStayLeave = knots([[3, 300], [7, 520], [12, 520], [16, 760]]);

describe.skipIf(pets.missing)('static-scene rules on clips rendered over PETS09', () => {
  let dir = '';
  const found: Record<string, Situation[]> = {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-static-'));
    const bag = await bagImage(dir, 'bag', 40, 32);
    const person = await petsCutout(dir, 'person', 50, [672, 252, PERSON.w, PERSON.h]);
    const people = petsPeople(clipSpec([]));

    const bagSpec = clipSpec([{ image: bag, x: 560, y: 330, from: 8 }]);
    found['bag-appears'] = situations((await runStaticRules(await renderPetsClip(dir, 'bag', bagSpec), bagSpec, rules(), people)).signals);

    // A person walks in, stops, a bag appears at their feet, they walk away (tracked all along).
    const leaveSpec = clipSpec([
      { image: person, x: walkInStayLeave.expr, y: 280, from: 3 },
      { image: bag, x: 530, y: 370, from: 10 },
    ]);
    const leaver = (t: number, seq: number) => {
      const f = people(t, seq);
      if (t < 3 || t > 16) return f;
      const vx = walkInStayLeave.at(t + 0.2) - walkInStayLeave.at(t);
      return withTracks(f, [cutoutPerson(901, walkInStayLeave.at(t), 280, PERSON.w, PERSON.h, S, vx)]);
    };
    found['person-leaves-bag'] = situations((await runStaticRules(await renderPetsClip(dir, 'leave', leaveSpec), leaveSpec, rules(), leaver)).signals);

    const pileSpec = clipSpec([
      { image: bag, x: 615, y: 430, from: 6 },
      { image: bag, x: 665, y: 435, from: 10 },
      { image: bag, x: 640, y: 470, from: 14 },
    ]);
    found['bags-pile-up'] = situations((await runStaticRules(await renderPetsClip(dir, 'pile', pileSpec), pileSpec, rules(), people)).signals);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const events = (): { type: Situation['type']; camera: string; start: number; end: number }[] =>
    Object.entries(found).flatMap(([camera, list]) => list.map((s) => ({ type: s.type, camera, start: s.start, end: s.end })));

  it('raises abandoned_object for a bag that appears and stays, once, with its box where the bag is', () => {
    const bag = found['bag-appears']!.filter((s) => s.rule === 'abandon');
    expect(bag).toHaveLength(1);
    expect(bag[0]!.start).toBeGreaterThanOrEqual(13);
    expect(bag[0]!.start).toBeLessThan(19);
  });

  it('raises illegal_dumping (person left) only after the person who stood by the bag walked away', () => {
    const dumping = found['person-leaves-bag']!.filter((s) => s.rule === 'depot');
    expect(dumping).toHaveLength(1);
    expect(dumping[0]!.start).toBeGreaterThanOrEqual(12);
    // The bag that appeared with nobody next to it is not dumping by a person who left.
    expect(found['bag-appears']!.filter((s) => s.rule === 'depot')).toEqual([]);
  });

  it('raises bin_overflow only once the third bag has filled the bin zone for min_duration_s', () => {
    const full = found['bags-pile-up']!.filter((s) => s.rule === 'bac-plein');
    expect(full).toHaveLength(1);
    expect(full[0]!.start).toBeGreaterThanOrEqual(19);
  });

  it('matches the hand-made annotations: precision and recall 1 for each rule', () => {
    const scores = scoreEvents(annotations, events());
    for (const row of scores.perType) {
      expect({ type: row.type, precision: row.precision, recall: row.recall }).toEqual({ type: row.type, precision: 1, recall: 1 });
    }
    expect(scores.perType.map((r) => r.type).sort()).toEqual(['abandoned_object', 'bin_overflow', 'illegal_dumping']);
  });
});
