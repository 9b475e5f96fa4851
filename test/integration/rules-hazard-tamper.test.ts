import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreEvents } from '../../src/eval/event-matching.js';
import { datasetFile } from '../helpers/datasets.js';
import { analyseHazardClips, asScoredEvents, CAR_PARK, defaultHazardRules, PETS, renderedAnnotations, type RaisedSituation } from '../helpers/hazard-clips.js';

// Each clip plays normally for 8 s, then the camera is covered (black), blinded
// (white), defocused (box blur) or turned (the picture shows a part of the
// scene 20 % to the side) until the end at 20 s.
const CASES = [
  ['tamper-covered', 'covered'],
  ['tamper-blinded', 'blinded'],
  ['tamper-defocused', 'defocused'],
  ['tamper-moved', 'moved'],
  ['tamper-moved-car-park', 'moved'],
] as const;
const missing = datasetFile(PETS).missing ?? datasetFile(CAR_PARK).missing;

describe.skipIf(missing)('camera_tamper rule on rendered clips (default settings)', () => {
  let dir = '';
  let raised = new Map<string, RaisedSituation[]>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-tamper-'));
    raised = await analyseHazardClips(dir, CASES.map(([name]) => name), () => defaultHazardRules(['camera_tamper']));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(CASES)('raises only %s\'s kind (%s), once, min_duration_s after the tampering', (name, kind) => {
    const situations = raised.get(name)!;
    expect(situations.map((s) => s.details.kind)).toEqual([kind]);
    const [s] = situations as [RaisedSituation];
    expect(s.start).toBeGreaterThanOrEqual(8 + 5);
    expect(s.start).toBeLessThan(8 + 8);
  });

  it('scores precision and recall 1 against the annotations', () => {
    const gt = renderedAnnotations().filter((a) => a.type === 'camera_tamper');
    const [score] = scoreEvents(gt, asScoredEvents(raised)).perType;
    expect(score).toMatchObject({ type: 'camera_tamper', annotations: 5, tp: 5, fp: 0, fn: 0, precision: 1, recall: 1 });
  });
});
