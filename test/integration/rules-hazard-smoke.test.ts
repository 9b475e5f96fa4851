import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreEvents } from '../../src/eval/event-matching.js';
import { datasetFile } from '../helpers/datasets.js';
import { analyseHazardClips, asScoredEvents, defaultHazardRules, PETS, renderedAnnotations, type RaisedSituation } from '../helpers/hazard-clips.js';

// A grey veil spreading from 5 s over PETS09's textured parts (building, grass);
// and a lens turned white, which veils everything at once: a global change, not smoke.
const POSITIVES = ['smoke-veil-pets', 'smoke-veil-pets-grass'];
const NEGATIVES = ['tamper-blinded', 'tamper-defocused'];
const missing = datasetFile(PETS).missing;

describe.skipIf(missing)('smoke rule on rendered clips (default settings)', () => {
  let dir = '';
  let raised = new Map<string, RaisedSituation[]>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-smoke-'));
    raised = await analyseHazardClips(dir, [...POSITIVES, ...NEGATIVES], () => defaultHazardRules(['smoke']));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(POSITIVES)('raises one smoke on %s once the veil has spread and held min_duration_s', (name) => {
    const smokes = raised.get(name)!;
    expect(smokes).toHaveLength(1);
    const [smoke] = smokes as [RaisedSituation];
    expect(smoke.start).toBeGreaterThanOrEqual(5 + 10);
    expect(smoke.start).toBeLessThan(28);
    expect(smoke.details.area).toBeGreaterThan(0.01);
  });

  it.each(NEGATIVES)('raises no smoke on %s (the whole picture changed at once)', (name) => {
    expect(raised.get(name)).toEqual([]);
  });

  it('scores precision and recall 1 against the annotations', () => {
    const clips = new Set([...POSITIVES, ...NEGATIVES]);
    const gt = renderedAnnotations().filter((a) => a.type === 'smoke' && clips.has(a.camera ?? ''));
    const [score] = scoreEvents(gt, asScoredEvents(raised)).perType;
    expect(score).toMatchObject({ type: 'smoke', annotations: 2, tp: 2, fp: 0, fn: 0, precision: 1, recall: 1 });
  });
});
