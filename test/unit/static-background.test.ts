import { describe, expect, it } from 'vitest';
import type { TrackSnapshot } from '../../src/contracts/track.js';
import { createStaticSceneAnalyser, type StaticSceneOptions } from '../../src/vision/scene/static-background.js';
import type { SmallFrame, StaticSceneReading } from '../../src/vision/scene/types.js';
import { rng } from '../helpers/random.js';

// Synthetic small frames (160x120): a textured grey ground with compression-like
// noise, things painted on it, fed at 5 fps.
const W = 160;
const H = 120;
const FPS = 5;

interface Paint {
  /** Pixel rectangle [x0, y0, x1, y1). */
  readonly rect: readonly [number, number, number, number];
  /** (x, y, ground RGB) -> RGB. */
  readonly colour: (x: number, y: number, ground: readonly [number, number, number]) => readonly [number, number, number];
}

const texture = (() => {
  const r = rng(7);
  return Float32Array.from({ length: W * H }, () => (r() - 0.5) * 40);
})();

function makeFrame(t: number, paints: readonly Paint[], gain = 1, noiseSeed = 1): SmallFrame {
  const noise = rng(noiseSeed + Math.round(t * 1000));
  const rgb = new Uint8Array(W * H * 3);
  const grey = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const base = 120 + texture[i]!;
      let c: readonly [number, number, number] = [base, base + 4, base - 4];
      for (const p of paints) {
        const [x0, y0, x1, y1] = p.rect;
        if (x >= x0 && x < x1 && y >= y0 && y < y1) c = p.colour(x, y, c);
      }
      const px = c.map((v) => Math.max(0, Math.min(255, Math.round(v * gain + (noise() - 0.5) * 4)))) as [number, number, number];
      rgb.set(px, i * 3);
      grey[i] = (77 * px[0] + 150 * px[1] + 29 * px[2]) >> 8;
    }
  }
  return { width: W, height: H, rgb, grey };
}

/** A red-brown textured bag. */
const bag = (rect: Paint['rect']): Paint => ({ rect, colour: (x, y) => [150 + ((x * 7 + y * 13) % 5) * 12, 50, 30] });
const image = { cameraId: 'c', seq: 0, ptsMs: 0, wallMs: 0, width: W * 4, height: H * 4, data: new Uint8Array(0) };

function feed(
  seconds: number,
  scene: (t: number) => { paints: readonly Paint[]; gain?: number; tracks?: readonly TrackSnapshot[] },
  options: Partial<StaticSceneOptions> = {},
): { t: number; reading: StaticSceneReading; staticCells: number }[] {
  const analyser = createStaticSceneAnalyser(options);
  const out: { t: number; reading: StaticSceneReading; staticCells: number }[] = [];
  for (let k = 0; k <= seconds * FPS; k++) {
    const t = k / FPS;
    const s = scene(t);
    const tracks = { tSec: t, seq: k, width: W * 4, height: H * 4, tracks: s.tracks ?? [], endedTrackIds: [] };
    const reading = analyser.observe({ image, small: makeFrame(t, s.paints, s.gain), tracks, tSec: t });
    let staticCells = 0;
    for (const c of reading.grid.cells) staticCells += c;
    out.push({ t, reading: { ...reading, regions: [...reading.regions] }, staticCells });
  }
  return out;
}

const at = (frames: ReturnType<typeof feed>, t: number) => frames.find((f) => Math.abs(f.t - t) < 1e-6)!;
const personAt = (id: number, x0: number, y0: number, vx = 0): TrackSnapshot => ({
  id, cls: 'person', box: [x0 * 4, y0 * 4, (x0 + 8) * 4, (y0 + 24) * 4], score: 0.9, matched: true, ageFrames: 10, velocity: [vx * 4, 0],
});

describe('static-scene analyser', () => {
  it('reports nothing while warming up, then an empty scene', () => {
    const frames = feed(6, () => ({ paints: [] }));
    expect(at(frames, 0).reading.warm).toBe(false);
    expect(at(frames, 1).reading.warm).toBe(false);
    for (const f of frames.filter((f) => f.t >= 4)) {
      expect(f.reading.warm).toBe(true);
      expect(f.reading.regions).toEqual([]);
    }
  });

  it('a bag that appears and stays becomes one region, with a stable id, its box, area and static time', () => {
    const frames = feed(20, (t) => ({ paints: t >= 6 ? [bag([100, 70, 112, 80])] : [] }));
    expect(at(frames, 5.8).reading.regions).toEqual([]);
    const late = frames.filter((f) => f.t >= 12).map((f) => f.reading.regions);
    for (const regions of late) expect(regions).toHaveLength(1);
    const ids = new Set(late.map((r) => r[0]!.id));
    expect(ids.size).toBe(1);
    const region = at(frames, 20).reading.regions[0]!;
    expect(region.box[0]).toBeCloseTo(100 / W, 1);
    expect(region.box[1]).toBeCloseTo(70 / H, 1);
    expect(region.areaShare).toBeGreaterThan(0.8 * (12 * 10) / (W * H));
    expect(region.areaShare).toBeLessThan(1.3 * (12 * 10) / (W * H));
    // Static once the short-term background caught up: within a few seconds of the drop.
    expect(region.staticSinceS).toBeGreaterThanOrEqual(6);
    expect(region.staticSinceS).toBeLessThan(11);
    expect(region.personLeft).toBe(false);
  });

  it('a global exposure change (the whole frame 35 % darker, then brighter) makes nothing static', () => {
    const gain = (t: number) => (t < 6 ? 1 : t < 7 ? 1 - 0.35 * (t - 6) : t < 14 ? 0.65 : 1.2);
    const frames = feed(20, (t) => ({ paints: [], gain: gain(t) }));
    for (const f of frames) expect(f.reading.regions).toEqual([]);
    expect(Math.max(...frames.map((f) => f.staticCells))).toBeLessThan(0.01 * W * H);
  });

  it('a shadow (darkening that keeps colour and texture) is not foreground; an opaque patch there is', () => {
    const shade = (rect: Paint['rect']): Paint => ({ rect, colour: (_x, _y, g) => [g[0] * 0.55, g[1] * 0.55, g[2] * 0.55] });
    const shadow = feed(16, (t) => ({ paints: t >= 6 ? [shade([40, 40, 80, 70])] : [] }));
    for (const f of shadow) expect(f.reading.regions).toEqual([]);
    const flat = feed(16, (t) => ({ paints: t >= 6 ? [{ rect: [40, 40, 80, 70], colour: () => [66, 68, 64] }] : [] }));
    expect(at(flat, 16).reading.regions).toHaveLength(1);
  });

  it('a puddle fading in over 10 s never becomes static; the same patch appearing at once does', () => {
    const puddle = (alpha: number): Paint => ({ rect: [40, 60, 90, 80], colour: (_x, _y, g) => [g[0] + alpha * (50 - g[0]), g[1] + alpha * (54 - g[1]), g[2] + alpha * (58 - g[2])] });
    const gradual = feed(24, (t) => ({ paints: t >= 6 ? [puddle(Math.min(1, (t - 6) / 10))] : [] }));
    for (const f of gradual) expect(f.reading.regions).toEqual([]);
    const sudden = feed(24, (t) => ({ paints: t >= 6 ? [puddle(1)] : [] }));
    expect(at(sudden, 24).reading.regions).toHaveLength(1);
  });

  it('a thing in the scene from the start is background; when it goes, the revealed ground is not an object (ghost)', () => {
    const frames = feed(20, (t) => ({ paints: t < 8 ? [bag([20, 20, 40, 36])] : [] }));
    for (const f of frames) expect(f.reading.regions).toEqual([]);
  });

  it('the long-term background absorbs an object after holdS, not before', () => {
    const frames = feed(30, (t) => ({ paints: t >= 6 ? [bag([100, 70, 112, 80])] : [] }), { holdS: 12 });
    expect(at(frames, 18).reading.regions).toHaveLength(1);
    expect(at(frames, 30).reading.regions).toEqual([]);
    expect(at(frames, 30).staticCells).toBe(0);
  });

  it('a person standing still is not an object, even after the track is lost on the spot', () => {
    // Person-coloured block with its track; the track ends at 14 s, the person stays.
    const body: Paint = { rect: [60, 40, 68, 64], colour: (x, y) => [40 + (y % 3) * 20, 40, 90 + (x % 2) * 30] };
    const frames = feed(24, (t) => ({
      paints: t >= 6 ? [body] : [],
      tracks: t >= 6 && t < 14 ? [personAt(5, 60, 40)] : [],
    }));
    for (const f of frames) expect(f.reading.regions).toEqual([]);
    expect(Math.max(...frames.map((f) => f.staticCells))).toBe(0);
  });

  it('a bag a person put down and walked away from is an object, marked personLeft', () => {
    const body: Paint = { rect: [60, 40, 68, 64], colour: (x, y) => [40 + (y % 3) * 20, 40, 90 + (x % 2) * 30] };
    const frames = feed(24, (t) => {
      const walkedX = t < 12 ? 60 : 60 + (t - 12) * 15;
      const person: Paint = { rect: [Math.round(walkedX), 40, Math.round(walkedX) + 8, 64], colour: body.colour };
      return {
        paints: [...(t >= 6 && walkedX < W ? [person] : []), ...(t >= 9 ? [bag([66, 58, 74, 66])] : [])],
        tracks: t >= 6 && walkedX < W - 8 ? [personAt(5, walkedX, 40, t < 12 ? 0 : 15 / FPS)] : [],
      };
    });
    // While the person stands by it, it is not reported.
    expect(at(frames, 11.8).reading.regions).toEqual([]);
    const last = at(frames, 24).reading.regions;
    expect(last).toHaveLength(1);
    expect(last[0]!.personLeft).toBe(true);
  });
});
