/**
 * Cost of the rule catalogue: every event rule on scripted tracks, and every
 * scene analyser on real frames. Rules and analysers are timed alone, so each
 * figure is what adding that rule to a camera costs.
 */
import { join } from 'node:path';
import { datasetsDir } from '../src/cli/datasets.js';
import { cameraSchema, type CameraConfig } from '../src/config/schema.js';
import type { TrackFrame, TrackSnapshot } from '../src/contracts/track.js';
import { createCameraRules } from '../src/rules/registry.js';
import { createDownscaler } from '../src/vision/scene/small-frame.js';
import { createSceneStage } from '../src/vision/scene/stage.js';
import type { SceneObservations, SceneRequest } from '../src/vision/scene/types.js';
import { cloneFrame, decodeFrames } from './frames.js';
import type { Measure, Suite } from './suites.js';

const WIDTH = 640;
const HEIGHT = 480;
const FRAMES = 3000;
const TRACKS = 30;

/** 30 tracks: a third parked cars, the others people walking across and back, ids renewed as they leave. */
function scriptedFrames(): TrackFrame[] {
  const frames: TrackFrame[] = [];
  for (let f = 0; f < FRAMES; f++) {
    const tracks: TrackSnapshot[] = [];
    for (let k = 0; k < TRACKS; k++) {
      const parked = k % 3 === 0;
      const lap = Math.floor(f / 200);
      const x = parked ? 40 + k * 18 : ((f * (2 + (k % 5))) % (WIDTH - 40)) + 5;
      const y = parked ? 300 + (k % 4) * 30 : 80 + k * 12;
      const [w, h] = parked ? [60, 34] : [20, 50];
      tracks.push({ id: parked ? k + 1 : 1000 * (lap + 1) + k, box: [x, y, x + w, y + h], score: 0.8, cls: parked ? 'car' : 'person', matched: true, ageFrames: 10, velocity: [parked ? 0 : 2, 0] });
    }
    frames.push({ tSec: f / 5, seq: f, width: WIDTH, height: HEIGHT, tracks, endedTrackIds: [] });
  }
  return frames;
}

const zone = (id: string, x0: number, y0: number, x1: number, y1: number) => ({ id, polygon: [[x0, y0], [x1, y0], [x1, y1], [x0, y1]] });

/** One camera per rule type, every zone and line it needs. */
const RULES: Readonly<Record<string, Record<string, unknown>>> = {
  intrusion: { type: 'intrusion', zone: 'square' },
  line_crossing: { type: 'line_crossing', line: 'a' },
  wrong_way: { type: 'wrong_way', zone: 'lane' },
  gathering: { type: 'gathering', zone: 'square' },
  crowd_movement: { type: 'crowd_movement', zone: 'square' },
  loitering: { type: 'loitering', zone: 'square' },
  vehicle_prowling: { type: 'vehicle_prowling', zone: 'square' },
  vehicle_departure: { type: 'vehicle_departure', zone: 'square' },
  stopped_vehicle: { type: 'stopped_vehicle', zone: 'square' },
  speeding: { type: 'speeding', entry_line: 'a', exit_line: 'b', distance_m: 10 },
  red_light: { type: 'red_light', stop_line: 'a', signal_zone: 'lamp' },
  person_down: { type: 'person_down' },
  counting: { type: 'counting', lines: ['a', 'b'], zones: ['square'] },
};

function cameraWith(rule: Record<string, unknown>): CameraConfig {
  return cameraSchema.parse({
    id: 'bench',
    source: 'bench.mp4',
    zones: [{ ...zone('square', 0.05, 0.05, 0.95, 0.95) }, { ...zone('lane', 0.05, 0.5, 0.95, 0.95), direction: [1, 0] }, zone('lamp', 0.9, 0.0, 0.95, 0.05)],
    lines: [{ id: 'a', points: [[0.5, 0], [0.5, 1]] }, { id: 'b', points: [[0.7, 0], [0.7, 1]] }],
    rules: [{ id: 'r', ...rule }],
  });
}

const round = (v: number, digits: number): number => Math.round(v * 10 ** digits) / 10 ** digits;

export const rulesSuite: Suite = {
  name: 'rules',
  needs: [join(datasetsDir(), 'pets09-s2l1', 'vtest.avi')],
  async run() {
    const measures: Measure[] = [];
    const frames = scriptedFrames();
    const lamps: SceneObservations = { lamps: new Map([['lamp', { colour: 'red' }]]) };
    for (const [type, rule] of Object.entries(RULES)) {
      const rules = createCameraRules(cameraWith(rule));
      let state = rules.init();
      const t0 = performance.now();
      for (const frame of frames) state = rules.evaluate(state, frame, { wallMs: 1_700_000_000_000 + frame.tSec * 1000, scene: lamps }).state;
      const us = ((performance.now() - t0) * 1000) / frames.length;
      measures.push({ bench: `rule ${type}, ${TRACKS} tracks`, metric: 'time per frame', value: round(us, 1), unit: 'µs' });
    }
    const video = await decodeFrames(join(datasetsDir(), 'pets09-s2l1', 'vtest.avi'), { fps: 5, width: WIDTH, limit: 150 });
    const requests: Readonly<Record<string, SceneRequest>> = {
      'static scene': { static: true },
      fire: { fire: true },
      smoke: { smoke: true },
      tamper: { tamper: true },
      lamp: { lamps: [{ id: 'lamp', polygon: [[0.9, 0], [0.95, 0], [0.95, 0.05], [0.9, 0.05]] }] },
    };
    const downscale = createDownscaler();
    const d0 = performance.now();
    for (let lap = 0; lap < 4; lap++) for (const f of video) downscale(f);
    const downscaleMs = (performance.now() - d0) / (4 * video.length);
    measures.push({ bench: `scene: shared 160-px copy of a ${WIDTH} px frame (paid once per frame by any pixel rule)`, metric: 'time per frame', value: round(downscaleMs, 3), unit: 'ms' });
    const noTracks = (seq: number): TrackFrame => ({ tSec: seq / 5, seq, width: WIDTH, height: video[0]?.height ?? HEIGHT, tracks: [], endedTrackIds: [] });
    for (const [name, request] of Object.entries(requests)) {
      const stage = createSceneStage([request]);
      const copies = video.map(cloneFrame);
      const t0 = performance.now();
      for (let lap = 0; lap < 4; lap++) copies.forEach((f, i) => stage.observe(f, noTracks(lap * copies.length + i)));
      const ms = (performance.now() - t0) / (4 * copies.length);
      measures.push({ bench: `scene analyser ${name}, PETS09 at ${WIDTH} px, without the shared copy`, metric: 'time per frame', value: round(Math.max(0, ms - downscaleMs), 3), unit: 'ms' });
    }
    return measures;
  },
};
