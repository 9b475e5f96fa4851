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
import { hazardClip, PETS, renderHazardClip } from '../helpers/hazard-clips.js';

// End to end: the production pipeline (frame source, motion backend, tracker,
// scene stage, rules, event lifecycle) over rendered clips, one per rule.
const camera = loadConfigFile(new URL('../fixtures/hazard-rules.yaml', import.meta.url).pathname).cameras[0] as CameraConfig;
const missing = datasetFile(PETS).missing;

async function analyse(dir: string, name: string): Promise<readonly VigieEvent[]> {
  const video = await renderHazardClip(dir, hazardClip(name));
  const info = await probeSource(video);
  const outcome = await runAnalysisSession({ camera, source: video, info, fps: camera.detect.fps, width: camera.detect.width });
  return outcome.events;
}

describe.skipIf(missing)('fire, smoke and camera_tamper through runAnalysisSession', () => {
  let dir = '';
  const events = new Map<string, readonly VigieEvent[]>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-hazard-session-'));
    for (const name of ['fire-flame-pets', 'smoke-veil-pets', 'tamper-moved']) events.set(name, await analyse(dir, name));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('raises one fire event in the lawn zone, boxed on the flame, with area and score', () => {
    const [fire, ...rest] = events.get('fire-flame-pets')!;
    expect(rest).toEqual([]);
    expect(fire).toMatchObject({ type: 'fire', rule: 'feu-pelouse', track_ids: [], severity: 'high' });
    // The flame is drawn at x 150-190, y 330-394 of a 640 x 480 frame.
    const [x, y, w, h] = fire!.box;
    expect(x + w / 2).toBeCloseTo(170 / 640, 1);
    expect(y + h / 2).toBeCloseTo(362 / 480, 1);
    expect(fire!.details).toMatchObject({ zone: 'pelouse' });
    expect(fire!.details.area).toBeGreaterThan(0.001);
    expect(fire!.start).toBeGreaterThanOrEqual(9);
  });

  it('raises one smoke event over the building', () => {
    const [smoke, ...rest] = events.get('smoke-veil-pets')!;
    expect(rest).toEqual([]);
    expect(smoke).toMatchObject({ type: 'smoke', rule: 'fumee' });
    expect(smoke!.box[1]).toBeLessThan(0.3);
  });

  it('raises one camera_tamper event of kind moved with its measures', () => {
    const [tamper, ...rest] = events.get('tamper-moved')!;
    expect(rest).toEqual([]);
    expect(tamper).toMatchObject({ type: 'camera_tamper', rule: 'sabotage', box: [0, 0, 1, 1] });
    expect(tamper!.details).toMatchObject({ kind: 'moved' });
    expect(tamper!.details.edge_correlation).toBeLessThan(0.4);
  });

  it('emits events in the ARCHITECTURE 5.3 shape', () => {
    for (const list of events.values()) for (const e of list) expect(() => vigieEventSchema.parse(e)).not.toThrow();
  });
});
