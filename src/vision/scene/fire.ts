import { dilate3x3 } from '../motion/morphology.js';
import { isFlameColour } from './fire-colour.js';
import { emaWeight, frameStep, HazardRegionFinder } from './fire-smoke-regions.js';
import type { HazardReading, SceneAnalyser, SceneFrame } from './types.js';

/** Tuning of the flame finder; the defaults are what the rendered regression set was checked with. */
export interface FireAnalyserOptions {
  /** Time constant (s) of the per-pixel share of frames with flame colour. */
  readonly presenceTauS: number;
  /** A pixel is a flame candidate when flame-coloured in at least this share of recent frames. */
  readonly minPresence: number;
  /** Time constant (s) of the per-pixel flicker average. */
  readonly flickerTauS: number;
  /** Mean luma change (0..255) between consecutive flame-coloured frames of a pixel for it to flicker. */
  readonly minFlicker: number;
  /** Components taller or wider than this ratio are streaks (reflections), not flames. */
  readonly maxElongation: number;
  /** Smallest region, in small-frame pixels. */
  readonly minPixels: number;
}

export const DEFAULT_FIRE_OPTIONS: FireAnalyserOptions = {
  presenceTauS: 2,
  minPresence: 0.7,
  flickerTauS: 1.5,
  minFlicker: 6,
  maxElongation: 4,
  minPixels: 3,
};

/** Flicker (mean luma change) at which a region scores full marks. */
const FULL_FLICKER = 20;

/**
 * Finds flames: pixels of flame colour (fire-colour.ts) that keep that colour
 * most of the time (persistence: a beacon flashing on and off, or anything that
 * moves, does not) and whose brightness keeps changing while they have it
 * (flicker: a lamp, a lit sign or a beacon's lit phase are steady). The flicker
 * is only measured between two consecutive flame-coloured frames of a pixel, so
 * a sharp on/off blink adds nothing. Regions that are long thin streaks (wet
 * road reflections) are dropped.
 */
export function createFireAnalyser(options: FireAnalyserOptions = DEFAULT_FIRE_OPTIONS): SceneAnalyser<'fire'> {
  let buffers: FireBuffers | null = null;
  let prevT: number | null = null;
  return {
    key: 'fire',
    observe(frame: SceneFrame): HazardReading {
      const { width, height } = frame.small;
      if (!buffers || buffers.width !== width || buffers.height !== height) {
        buffers = new FireBuffers(width, height);
        prevT = null;
      }
      const dt = frameStep(prevT, frame.tSec);
      const first = prevT === null;
      prevT = frame.tSec;
      updatePixels(buffers, frame, dt, first, options);
      const b = buffers;
      dilate3x3(b.mask, b.mask, b.scratch, width, height);
      const regions = b.finder.find(b.mask, options.minPixels, (c) => {
        const w = c.maxX - c.minX + 1;
        const h = c.maxY - c.minY + 1;
        if (Math.max(w / h, h / w) > options.maxElongation) return null;
        let flicker = 0;
        let presence = 0;
        let n = 0;
        for (let y = c.minY; y <= c.maxY; y++) {
          for (let x = c.minX, i = y * width + c.minX; x <= c.maxX; x++, i++) {
            if (b.candidate[i] === 0) continue;
            flicker += b.flicker[i]!;
            presence += b.presence[i]!;
            n++;
          }
        }
        if (n < options.minPixels) return null;
        return { score: Math.min(1, flicker / n / FULL_FLICKER) * (presence / n), cells: n };
      });
      return { regions };
    },
  };
}

class FireBuffers {
  readonly presence: Float32Array;
  readonly flicker: Float32Array;
  readonly prevGrey: Uint8Array;
  readonly prevFlame: Uint8Array;
  readonly candidate: Uint8Array;
  readonly mask: Uint8Array;
  readonly scratch: Uint8Array;
  readonly finder: HazardRegionFinder;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    const n = width * height;
    this.presence = new Float32Array(n);
    this.flicker = new Float32Array(n);
    this.prevGrey = new Uint8Array(n);
    this.prevFlame = new Uint8Array(n);
    this.candidate = new Uint8Array(n);
    this.mask = new Uint8Array(n);
    this.scratch = new Uint8Array(n);
    this.finder = new HazardRegionFinder(width, height);
  }
}

function updatePixels(b: FireBuffers, frame: SceneFrame, dt: number, first: boolean, o: FireAnalyserOptions): void {
  const { rgb, grey } = frame.small;
  const wPresence = emaWeight(dt, o.presenceTauS);
  const wFlicker = emaWeight(dt, o.flickerTauS);
  const n = b.width * b.height;
  for (let i = 0, p = 0; i < n; i++, p += 3) {
    const flame = isFlameColour(rgb[p]!, rgb[p + 1]!, rgb[p + 2]!) ? 1 : 0;
    const presence = b.presence[i]! + wPresence * (flame - b.presence[i]!);
    b.presence[i] = presence;
    const g = grey[i]!;
    if (flame === 1 && b.prevFlame[i] === 1 && !first) {
      // Steady light changes little between two lit frames; flames a lot.
      b.flicker[i] = b.flicker[i]! + wFlicker * (Math.abs(g - b.prevGrey[i]!) - b.flicker[i]!);
    } else {
      b.flicker[i] = b.flicker[i]! * (1 - wFlicker);
    }
    b.prevFlame[i] = flame;
    b.prevGrey[i] = g;
    const candidate = presence >= o.minPresence && b.flicker[i]! >= o.minFlicker ? 1 : 0;
    b.candidate[i] = candidate;
    b.mask[i] = candidate;
  }
}
