import { describe, expect, it } from 'vitest';
import type { RgbFrame } from '../../src/contracts/frame.js';
import type { NormPoint } from '../../src/contracts/geometry.js';
import { createLampReader, hueColour, hueDeg, polygonPixels } from '../../src/vision/scene/lamp.js';
import { createDownscaler } from '../../src/vision/scene/small-frame.js';
import type { SceneFrame } from '../../src/vision/scene/types.js';

const W = 640;
const H = 360;
type Rgb = readonly [number, number, number];

/** A grey street scene with a traffic light housing (dark box) and one lit disc, drawn at full size. */
function scene(disc: Rgb | null, opts: { background?: Rgb; glare?: boolean } = {}): RgbFrame {
  const data = new Uint8Array(W * H * 3);
  const bg = opts.background ?? [110, 110, 105];
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const o = (y * W + x) * 3;
      let c: Rgb = bg;
      if (x >= 580 && x < 610 && y >= 20 && y < 110) c = [25, 25, 25]; // housing
      const d = Math.hypot(x - 595, y - 40);
      if (disc && d <= 10) c = opts.glare && d <= 5 ? [255, 250, 245] : disc;
      data[o] = c[0];
      data[o + 1] = c[1];
      data[o + 2] = c[2];
    }
  }
  return { cameraId: 'c', seq: 0, ptsMs: 0, wallMs: 0, width: W, height: H, data };
}

// The zone drawn around the top (red) lamp of the housing.
const lampZone: NormPoint[] = [[575 / W, 22 / H], [615 / W, 22 / H], [615 / W, 60 / H], [575 / W, 60 / H]];
const downscale = createDownscaler();
const read = (image: RgbFrame, polygon: readonly NormPoint[] = lampZone) => {
  const reader = createLampReader([{ id: 'feu', polygon }, { id: 'feu', polygon }]);
  const frame: SceneFrame = { image, small: downscale(image), tracks: { tSec: 0, seq: 0, width: W, height: H, tracks: [], endedTrackIds: [] }, tSec: 0 };
  return reader.observe(frame);
};

describe('lamp reader', () => {
  it.each([
    ['red', [230, 30, 20]],
    ['red (orange-red LED)', [255, 80, 20]],
    ['amber', [255, 170, 0]],
    ['green (bluish, as traffic greens are)', [30, 220, 170]],
  ] as const)('reads a lit %s lamp', (name, rgb) => {
    expect(read(scene(rgb)).get('feu')?.colour).toBe(name.split(' ')[0]);
  });

  it('reads a dark lamp as off, in a bright day scene too', () => {
    expect(read(scene(null)).get('feu')?.colour).toBe('off');
    expect(read(scene(null, { background: [200, 200, 200] })).get('feu')?.colour).toBe('off');
  });

  it('reads the colour of the halo when the lamp centre is white with glare', () => {
    expect(read(scene([240, 40, 30], { glare: true })).get('feu')?.colour).toBe('red');
  });

  it('reads a dim lamp (below the lit threshold) as off', () => {
    expect(read(scene([90, 10, 10])).get('feu')?.colour).toBe('off');
  });

  it('reads a zone smaller than one small-frame pixel from the pixel under it', () => {
    const tiny: NormPoint[] = [[594 / W, 39 / H], [596 / W, 39 / H], [596 / W, 41 / H]];
    expect(polygonPixels(tiny, 160, 90)).toHaveLength(1);
    expect(read(scene([230, 30, 20]), tiny).get('feu')?.colour).toBe('red');
  });

  it('reports one reading per zone id, and rebuilds masks when the frame size changes', () => {
    const reader = createLampReader([{ id: 'a', polygon: lampZone }, { id: 'b', polygon: [[0, 0], [0.1, 0], [0.1, 0.1]] }]);
    const image = scene([230, 30, 20]);
    const small = downscale(image);
    const tracks = { tSec: 0, seq: 0, width: W, height: H, tracks: [], endedTrackIds: [] };
    const out = reader.observe({ image, small, tracks, tSec: 0 });
    expect([...out.keys()]).toEqual(['a', 'b']);
    expect(out.get('b')?.colour).toBe('off');
    const half = createDownscaler(80)(image);
    expect(reader.observe({ image, small: half, tracks, tSec: 0 }).get('a')?.colour).toBe('red');
  });

  it('maps hues to traffic colours', () => {
    expect(hueDeg(255, 0, 0)).toBe(0);
    expect(hueDeg(0, 255, 0)).toBe(120);
    expect(hueColour(350)).toBe('red');
    expect(hueColour(45)).toBe('amber');
    expect(hueColour(170)).toBe('green');
    expect(hueColour(240)).toBe('off');
  });
});
