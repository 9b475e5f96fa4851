import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetFile } from '../helpers/datasets.js';
import { analyseHazardClips, CAR_PARK, defaultHazardRules, PETS, type RaisedSituation } from '../helpers/hazard-clips.js';

// Normal footage must raise nothing: PETS09 (people walking past orange cones),
// car-detection.mp4 (cars and two real global exposure changes) and PETS09 at
// a rendered dusk (brightness and contrast falling over 8 s).
const CLIPS = ['normal-pets', 'normal-car-park', 'dusk-pets'];
const missing = datasetFile(PETS).missing ?? datasetFile(CAR_PARK).missing;

describe.skipIf(missing)('fire, smoke and camera_tamper on normal footage', () => {
  let dir = '';
  let raised = new Map<string, RaisedSituation[]>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-normal-'));
    raised = await analyseHazardClips(dir, CLIPS, () => defaultHazardRules(['fire', 'smoke', 'camera_tamper']));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(CLIPS)('raises nothing on %s', (name) => {
    expect(raised.get(name)).toEqual([]);
  });
});
