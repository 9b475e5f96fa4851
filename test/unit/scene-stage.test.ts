import { describe, expect, it } from 'vitest';
import type { RgbFrame } from '../../src/contracts/frame.js';
import type { TrackFrame } from '../../src/contracts/track.js';
import { createSceneStage } from '../../src/vision/scene/stage.js';

const W = 320;
const H = 240;
const grey = (seq: number): RgbFrame => ({ cameraId: 'c', seq, ptsMs: seq * 200, wallMs: seq * 200, width: W, height: H, data: new Uint8Array(W * H * 3).fill(90) });
const tracks = (seq: number): TrackFrame => ({ tSec: seq / 5, seq, width: W, height: H, tracks: [], endedTrackIds: [] });

describe('scene stage', () => {
  it('computes nothing when no rule needs pixels', () => {
    const stage = createSceneStage([]);
    expect(stage.idle).toBe(true);
    expect(stage.observe(grey(0), tracks(0))).toEqual({});
  });

  it('computes each requested kind once, whoever asked, and only those', () => {
    const stage = createSceneStage([{ fire: true }, { fire: true, tamper: true }, { lamps: [{ id: 'feu', polygon: [[0, 0], [0.1, 0], [0.1, 0.1]] }] }]);
    expect(stage.idle).toBe(false);
    const seen = stage.observe(grey(0), tracks(0));
    expect(Object.keys(seen).sort()).toEqual(['fire', 'lamps', 'tamper']);
    expect(seen.lamps?.get('feu')?.colour).toBe('off');
    expect(seen.fire?.regions).toEqual([]);
  });
});
