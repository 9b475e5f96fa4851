/**
 * `counting` on real footage: car-detection.mp4 (a two-way car-park aisle seen
 * from above, motion backend, four cars: two drive down the left lane, two up
 * the right one) with the `milieu` line of test/fixtures/car-park.yaml. The
 * counts must match what line_crossing raises on the same line
 * (pipeline-car-park.test.ts: two a_to_b, two b_to_a).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { ruleSchema, type CameraConfig } from '../../src/config/schema.js';
import type { VigieEvent } from '../../src/contracts/event.js';
import { probeSource } from '../../src/media/ffprobe.js';
import { runAnalysisSession } from '../../src/pipeline/analysis-session.js';
import type { CountRecord } from '../../src/rules/types.js';
import { datasetFile } from '../helpers/datasets.js';

const clip = datasetFile('intel-sample-videos/car-detection.mp4');
const fixture = loadConfigFile(new URL('../fixtures/car-park.yaml', import.meta.url).pathname).cameras[0] as CameraConfig;
const camera: CameraConfig = {
  ...fixture,
  rules: [
    ...fixture.rules,
    ruleSchema.parse({ id: 'comptage', type: 'counting', lines: ['milieu'], zones: ['voie-descendante', 'voie-montante'], classes: ['object'] }),
  ],
};

/** Sum of a kind's values per "target cls direction" over every bucket (a run may straddle a 5-minute boundary). */
function totals(records: readonly CountRecord[], kind: CountRecord['kind']): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of records.filter((x) => x.kind === kind)) {
    const key = `${r.target} ${r.cls} ${r.direction ?? '-'}`;
    out[key] = (out[key] ?? 0) + r.value;
  }
  return out;
}

/** Occupancy per zone over the whole run, parts of buckets merged as the store merges them. */
function merged(records: readonly CountRecord[]): Map<string, { mean: number; peak: number; frames: number }> {
  const out = new Map<string, { sum: number; peak: number; frames: number }>();
  for (const r of records) {
    const prev = out.get(r.target) ?? { sum: 0, peak: 0, frames: 0 };
    out.set(r.target, { sum: prev.sum + r.value * r.frames, peak: Math.max(prev.peak, r.peak), frames: prev.frames + r.frames });
  }
  return new Map([...out].map(([k, v]) => [k, { mean: v.sum / v.frames, peak: v.peak, frames: v.frames }]));
}

describe.skipIf(clip.missing)('counting on the car park aisle (car-detection.mp4, motion backend)', () => {
  const counts: CountRecord[] = [];
  let events: readonly VigieEvent[] = [];

  beforeAll(async () => {
    const info = await probeSource(clip.path);
    const outcome = await runAnalysisSession({
      camera,
      source: clip.path,
      info,
      fps: camera.detect.fps,
      width: camera.detect.width,
      onCounts: (records) => counts.push(...records),
    });
    events = outcome.events;
  }, 240_000);

  it('counts two cars crossing the middle line downwards and two upwards, as line_crossing does', () => {
    expect(totals(counts, 'crossing')).toEqual({ 'milieu object a_to_b': 2, 'milieu object b_to_a': 2 });
    // The same run's line_crossing events, on the same line and tracks.
    expect(events.filter((e) => e.rule === 'comptage-descente')).toHaveLength(2);
    expect(events.filter((e) => e.rule === 'comptage-montee')).toHaveLength(2);
  });

  it('raises no event of its own and stores no track id', () => {
    expect(events.some((e) => e.rule === 'comptage')).toBe(false);
    for (const r of counts) expect(Object.keys(r)).not.toContain('trackId');
  });

  it('sees at most the cars of one passage in each lane at once, and the lanes empty most of the time', () => {
    const lanes = merged(counts.filter((r) => r.kind === 'occupancy'));
    expect([...lanes.keys()].sort()).toEqual(['voie-descendante', 'voie-montante']);
    for (const lane of lanes.values()) {
      expect(lane.peak).toBeGreaterThanOrEqual(1);
      expect(lane.peak).toBeLessThanOrEqual(2);
      // Measured: mean 0.21 (down lane) and 0.29 (up lane) over 377 frames, peak 1: one car at a time per lane.
      expect(lane.mean).toBeGreaterThan(0.1);
      expect(lane.mean).toBeLessThan(0.45);
    }
  });
});
