/**
 * Per-pixel model of what has newly become static in a scene, on the small
 * (~160 px) frame: two running RGB backgrounds, a long-term one (minutes) and a
 * short-term one (seconds). A pixel is "new static" when it differs from the
 * long-term background but agrees with the short-term one: something arrived
 * and stopped changing.
 *
 * Three tests keep the trial's false alarms out of it:
 * - exposure: the long-term background is compared through the global tone
 *   curve between it and the frame (motion/tone-curve.ts), and a frame whose
 *   pixels mostly differ anyway re-baselines both models;
 * - shadows: a darkening that keeps the colour and the local texture of the
 *   background (normalised cross-correlation over 3x3) is not foreground;
 * - gradual changes (a puddle spreading, the sun moving): a pixel only counts
 *   when it left the long-term background abruptly, within ONSET_WINDOW_S of a
 *   change seen against the short-term background; what drifts in slowly is
 *   learnt by the long-term background instead.
 *
 * The long-term background does not learn pixels that are new static: an
 * object is never absorbed before `holdS` seconds, then it is (the pixel is
 * copied in), so the scene forgets it. The first background is the per-pixel
 * median of frames spread over the warm-up, so people walking then are not in
 * it. Buffers are allocated once per frame size.
 */
import { ToneCurveEstimator } from '../motion/tone-curve.js';
import type { SmallFrame } from './types.js';

export interface StaticModelOptions {
  /** Time constant of the long-term background on background pixels, seconds. */
  readonly longTauS: number;
  /** Time constant of the short-term background, seconds. */
  readonly shortTauS: number;
  /** Seconds of frames used to learn both backgrounds before anything is reported. */
  readonly warmupS: number;
  /** Mean absolute RGB difference (0..255) above which a pixel differs from a background. */
  readonly diffThreshold: number;
  /** A pixel must leave the long-term background within this many seconds of a short-term change. */
  readonly onsetWindowS: number;
  /** Seconds a pixel stays new static before the long-term background absorbs it. */
  readonly holdS: number;
  /** Share of pixels differing from the long-term background that means a global change: re-baseline. */
  readonly rebaselineShare: number;
}

export const DEFAULT_STATIC_MODEL_OPTIONS: StaticModelOptions = Object.freeze({
  longTauS: 120,
  shortTauS: 2,
  warmupS: 3,
  diffThreshold: 18,
  onsetWindowS: 1.5,
  holdS: 1800,
  rebaselineShare: 0.6,
});

/** Shadow test bounds: a shadow darkens to between these shares of the background. */
const SHADOW_MIN_RATIO = 0.35;
const SHADOW_MAX_RATIO = 0.97;
/** Largest colour change of a shadow, relative to the background's RGB norm (squared). */
const SHADOW_MAX_CHROMA2 = 0.012;
/** Local texture kept by a shadow: smallest 3x3 normalised cross-correlation. */
const SHADOW_MIN_NCC = 0.7;
/** Share of the expected (ratio²-scaled) 3x3 variance a shadow keeps at least. */
const SHADOW_MIN_VARIANCE_KEPT = 0.2;
/** 3x3 grey variance (sum of squared deviations) below which a patch is flat. */
const FLAT_PATCH_SS = 9 * 9;
/** Frames kept to learn the first background (per-pixel median), spread over the warm-up. */
const WARMUP_SAMPLES = 15;
/** Tone-curve bins with fewer pixels are ignored. */
const TONE_MIN_BIN_PIXELS = 24;

export type StaticModelPhase = 'warming' | 'rebaselined' | 'ready';

export class StaticPixelModel {
  readonly n: number;
  /** Stream second since which each pixel has been new static; -1 when it is not. */
  readonly staticSince: Float32Array;
  /** Stream second since which each pixel has differed from the long-term background; -1 when it does not. */
  readonly foregroundSince: Float32Array;
  /** 1 where the pixel differs from the long-term background in the last frame. */
  readonly foreground: Uint8Array;
  private readonly long: Float32Array;
  /** Grey of the long-term background, x256 (tone-curve input, ghost test). */
  readonly longGreyQ8: Int32Array;
  private readonly short: Float32Array;
  private readonly lastChangeS: Float32Array;
  private readonly abrupt: Uint8Array;
  private readonly tone = new ToneCurveEstimator();
  private frames = 0;
  private firstS = 0;
  private lastS = 0;
  /** Warm-up frames (RGB), released once the first background is learnt. */
  private samples: Uint8Array[] | null = [];
  private lastSampleS = -Infinity;

  constructor(
    readonly width: number,
    readonly height: number,
    private readonly options: StaticModelOptions = DEFAULT_STATIC_MODEL_OPTIONS,
  ) {
    const n = width * height;
    this.n = n;
    this.staticSince = new Float32Array(n).fill(-1);
    this.foregroundSince = new Float32Array(n).fill(-1);
    this.foreground = new Uint8Array(n);
    this.long = new Float32Array(n * 3);
    this.longGreyQ8 = new Int32Array(n);
    this.short = new Float32Array(n * 3);
    this.lastChangeS = new Float32Array(n).fill(-Infinity);
    this.abrupt = new Uint8Array(n);
  }

  /** Feeds one frame (same size as the model) at stream second `tSec`. */
  update(frame: SmallFrame, tSec: number): StaticModelPhase {
    const dt = this.frames === 0 ? 0 : Math.max(0, tSec - this.lastS);
    this.lastS = tSec;
    if (this.frames === 0) this.firstS = tSec;
    this.frames++;
    if (this.samples) {
      if (tSec - this.firstS < this.options.warmupS || this.samples.length < 3) {
        this.sampleWarmup(frame, tSec);
        return 'warming';
      }
      this.learnMedian(this.samples);
      this.samples = null;
    }
    this.tone.estimate(frame.grey, this.longGreyQ8, this.foreground, this.n, TONE_MIN_BIN_PIXELS);
    const changed = this.classify(frame, tSec, dt);
    if (changed > this.options.rebaselineShare * this.n) {
      this.rebaseline(frame);
      return 'rebaselined';
    }
    return 'ready';
  }

  private sampleWarmup(frame: SmallFrame, tSec: number): void {
    const samples = this.samples as Uint8Array[];
    if (samples.length >= WARMUP_SAMPLES || tSec - this.lastSampleS < this.options.warmupS / WARMUP_SAMPLES) return;
    this.lastSampleS = tSec;
    samples.push(Uint8Array.from(frame.rgb));
  }

  /** Both backgrounds become the per-channel median of the warm-up frames. */
  private learnMedian(samples: readonly Uint8Array[]): void {
    const values = new Float32Array(samples.length);
    const mid = samples.length >> 1;
    for (let k = 0; k < this.long.length; k++) {
      for (let s = 0; s < samples.length; s++) values[s] = samples[s]![k]!;
      values.sort();
      this.long[k] = values[mid]!;
    }
    this.short.set(this.long);
    this.refreshLongGrey();
  }

  /** Both backgrounds become the frame; every timer restarts. */
  private rebaseline(frame: SmallFrame): void {
    this.long.set(frame.rgb);
    this.short.set(frame.rgb);
    this.refreshLongGrey();
    this.staticSince.fill(-1);
    this.foregroundSince.fill(-1);
    this.foreground.fill(0);
    this.abrupt.fill(0);
  }

  private refreshLongGrey(): void {
    const { long, longGreyQ8 } = this;
    for (let i = 0, k = 0; i < this.n; i++, k += 3) {
      longGreyQ8[i] = Math.round((77 * long[k]! + 150 * long[k + 1]! + 29 * long[k + 2]!));
    }
  }

  /** Classifies every pixel, runs the timers, learns both backgrounds; returns how many pixels differ from the long-term one. */
  private classify(frame: SmallFrame, tSec: number, dt: number): number {
    const o = this.options;
    const aLong = 1 - Math.exp(-dt / o.longTauS);
    const aShort = 1 - Math.exp(-dt / o.shortTauS);
    const threshold3 = o.diffThreshold * 3;
    const { long, short, longGreyQ8, staticSince, foregroundSince, foreground, lastChangeS, abrupt } = this;
    const lut = this.tone.lutQ8;
    const rgb = frame.rgb;
    let changed = 0;
    for (let i = 0, k = 0; i < this.n; i++, k += 3) {
      // The long-term background as the current exposure would show it.
      const level = longGreyQ8[i]! >> 8;
      const shift = (lut[level]! - (level << 8)) / 256;
      const r = rgb[k]!;
      const g = rgb[k + 1]!;
      const b = rgb[k + 2]!;
      const pr = long[k]! + shift;
      const pg = long[k + 1]! + shift;
      const pb = long[k + 2]! + shift;
      const dLong = Math.abs(r - pr) + Math.abs(g - pg) + Math.abs(b - pb);
      const dShort = Math.abs(r - short[k]!) + Math.abs(g - short[k + 1]!) + Math.abs(b - short[k + 2]!);
      const changing = dShort > threshold3;
      if (changing) lastChangeS[i] = tSec;
      const fg = dLong > threshold3 && !this.shadowLike(i, frame, r, g, b, pr, pg, pb);
      if (fg) {
        changed++;
        if (foreground[i] === 0) {
          foregroundSince[i] = tSec;
          abrupt[i] = tSec - lastChangeS[i]! <= o.onsetWindowS ? 1 : 0;
        }
        if (abrupt[i] === 1) {
          if (staticSince[i]! < 0 && !changing) staticSince[i] = tSec;
          if (staticSince[i]! >= 0 && tSec - staticSince[i]! >= o.holdS) {
            // Held long enough: the object becomes background.
            long[k] = r - shift;
            long[k + 1] = g - shift;
            long[k + 2] = b - shift;
            this.forget(i);
          }
        } else {
          // A gradual change: learnt, so a puddle or a slow light change fades into the background.
          this.learnLong(k, r - shift, g - shift, b - shift, aLong);
        }
      } else {
        if (foreground[i] === 1) this.forget(i);
        this.learnLong(k, r - shift, g - shift, b - shift, aLong);
      }
      foreground[i] = fg && foregroundSince[i]! >= 0 ? 1 : 0;
      short[k] = short[k]! + aShort * (r - short[k]!);
      short[k + 1] = short[k + 1]! + aShort * (g - short[k + 1]!);
      short[k + 2] = short[k + 2]! + aShort * (b - short[k + 2]!);
      longGreyQ8[i] = Math.round(77 * long[k]! + 150 * long[k + 1]! + 29 * long[k + 2]!);
    }
    return changed;
  }

  /** The long-term background takes the pixels set in `mask` inside `box` from `frame` (a ghost ends). */
  absorb(frame: SmallFrame, mask: Uint8Array, box: { readonly x0: number; readonly y0: number; readonly x1: number; readonly y1: number }): void {
    for (let y = box.y0; y < box.y1; y++) {
      for (let i = y * this.width + box.x0, end = y * this.width + box.x1; i < end; i++) {
        if (mask[i] === 0) continue;
        const k = i * 3;
        // Stored at the background's exposure, like every learnt pixel.
        const level = this.longGreyQ8[i]! >> 8;
        const shift = (this.tone.lutQ8[level]! - (level << 8)) / 256;
        const long = this.long;
        long[k] = clamp255(frame.rgb[k]! - shift);
        long[k + 1] = clamp255(frame.rgb[k + 1]! - shift);
        long[k + 2] = clamp255(frame.rgb[k + 2]! - shift);
        this.longGreyQ8[i] = Math.round(77 * long[k] + 150 * long[k + 1]! + 29 * long[k + 2]!);
        this.foreground[i] = 0;
        this.forget(i);
      }
    }
  }

  private forget(i: number): void {
    this.staticSince[i] = -1;
    this.foregroundSince[i] = -1;
    this.abrupt[i] = 0;
  }

  private learnLong(k: number, r: number, g: number, b: number, a: number): void {
    const long = this.long;
    long[k] = clamp255(long[k]! + a * (r - long[k]!));
    long[k + 1] = clamp255(long[k + 1]! + a * (g - long[k + 1]!));
    long[k + 2] = clamp255(long[k + 2]! + a * (b - long[k + 2]!));
  }

  /**
   * A shadow: darker than the (exposure-corrected) background by a bounded
   * ratio, same colour, and the same local texture up to a gain (or flat on
   * both sides, where texture cannot tell).
   */
  private shadowLike(i: number, frame: SmallFrame, r: number, g: number, b: number, pr: number, pg: number, pb: number): boolean {
    const bb = pr * pr + pg * pg + pb * pb;
    if (bb < 1) return false;
    const ratio = (r * pr + g * pg + b * pb) / bb;
    if (ratio < SHADOW_MIN_RATIO || ratio > SHADOW_MAX_RATIO) return false;
    const er = r - ratio * pr;
    const eg = g - ratio * pg;
    const eb = b - ratio * pb;
    if ((er * er + eg * eg + eb * eb) / bb > SHADOW_MAX_CHROMA2) return false;
    return this.textureKept(i, frame.grey, ratio);
  }

  /** Normalised cross-correlation of the 3x3 grey patches of frame and long-term background. */
  private textureKept(i: number, grey: Uint8Array, ratio: number): boolean {
    const { width, height, longGreyQ8 } = this;
    const y = (i / width) | 0;
    const x = i - y * width;
    if (x === 0 || y === 0 || x === width - 1 || y === height - 1) return true;
    let sf = 0;
    let sb = 0;
    let sff = 0;
    let sbb = 0;
    let sfb = 0;
    for (let dy = -width; dy <= width; dy += width) {
      for (let dx = -1; dx <= 1; dx++) {
        const j = i + dy + dx;
        const f = grey[j]!;
        const bg = longGreyQ8[j]! / 256;
        sf += f;
        sb += bg;
        sff += f * f;
        sbb += bg * bg;
        sfb += f * bg;
      }
    }
    const vf = sff - (sf * sf) / 9;
    const vb = sbb - (sb * sb) / 9;
    if (vb < FLAT_PATCH_SS) return vf < FLAT_PATCH_SS;
    // Textured ground gone (nearly) flat: covered by something, not shaded (a shadow scales the variance by ratio²).
    if (vf < SHADOW_MIN_VARIANCE_KEPT * ratio * ratio * vb) return false;
    const ncc = (sfb - (sf * sb) / 9) / Math.sqrt(vf * vb);
    return ncc >= SHADOW_MIN_NCC;
  }
}

function clamp255(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}
