import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreEvents } from '../../src/eval/event-matching.js';
import { datasetFile } from '../helpers/datasets.js';
import { analyseHazardClips, asScoredEvents, CAR_PARK, defaultHazardRules, PETS, renderedAnnotations, type RaisedSituation } from '../helpers/hazard-clips.js';

// Clips rendered over real footage (test/helpers/hazard-clips.ts): two flames,
// and the false alarms that sank fire detection in the French field trial.
const POSITIVES = ['fire-flame-pets', 'fire-flame-car-park'];
const FALSE_ALARM_SOURCES = ['fire-beacon-orange-1hz', 'fire-beacon-orange-2hz', 'fire-beacon-blue', 'fire-headlights', 'fire-lit-signs', 'fire-wet-road-reflection'];
const missing = datasetFile(PETS).missing ?? datasetFile(CAR_PARK).missing;

describe.skipIf(missing)('fire rule on rendered clips (default settings)', () => {
  let dir = '';
  let raised = new Map<string, RaisedSituation[]>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-fire-'));
    raised = await analyseHazardClips(dir, [...POSITIVES, ...FALSE_ALARM_SOURCES], () => defaultHazardRules(['fire']));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(POSITIVES)('raises one fire on %s, after the flame appears, boxed on the flame', (name) => {
    const fires = raised.get(name)!;
    expect(fires).toHaveLength(1);
    const [fire] = fires as [RaisedSituation];
    const onset = name.endsWith('pets') ? 6 : 5;
    expect(fire.start).toBeGreaterThanOrEqual(onset + 3); // min_duration_s 3 after the flame appears
    expect(fire.start).toBeLessThan(onset + 8);
    expect(fire.details.area).toBeGreaterThan(0.001);
  });

  it.each(FALSE_ALARM_SOURCES)('raises no fire on %s', (name) => {
    expect(raised.get(name)).toEqual([]);
  });

  it('scores precision and recall 1 against the annotations', () => {
    const clips = new Set([...POSITIVES, ...FALSE_ALARM_SOURCES]);
    const gt = renderedAnnotations().filter((a) => a.type === 'fire' && clips.has(a.camera ?? ''));
    const [score] = scoreEvents(gt, asScoredEvents(raised)).perType;
    expect(score).toMatchObject({ type: 'fire', annotations: 2, tp: 2, fp: 0, fn: 0, precision: 1, recall: 1 });
  });
});
