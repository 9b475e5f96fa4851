/** Synthetic scenes for the motion unit tests: a textured static background with noise and moving squares. */
import type { RgbFrame } from '../../src/contracts/frame.js';
import { rng } from '../helpers/random.js';

export interface Square {
  readonly x: number;
  readonly y: number;
  readonly size: number;
  readonly grey: number;
}

export interface SceneOptions {
  readonly width: number;
  readonly height: number;
  /** Output = gain * scene + offset, per channel (a global exposure change). */
  readonly gain?: number;
  readonly offset?: number;
  readonly squares?: readonly Square[];
  /** Amplitude of per-frame noise in grey levels. */
  readonly noise?: number;
}

/** A static texture (smooth blotches in 70..150 grey), the same for a given size. */
export function texture(width: number, height: number, seed = 7): Uint8Array {
  const rand = rng(seed);
  const out = new Uint8Array(width * height);
  const cx = Array.from({ length: 12 }, () => [rand() * width, rand() * height, 10 + rand() * 40, rand() * 100 - 50] as const);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = 110;
      for (const [bx, by, r, a] of cx) {
        const d2 = ((x - bx) ** 2 + (y - by) ** 2) / (r * r);
        v += a * Math.exp(-d2);
      }
      out[y * width + x] = Math.max(0, Math.min(255, Math.round(v)));
    }
  }
  return out;
}

export function sceneFrame(seq: number, opts: SceneOptions, base: Uint8Array): RgbFrame {
  const { width, height, gain = 1, offset = 0, squares = [], noise = 2 } = opts;
  const rand = rng(1000 + seq);
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = base[y * width + x]!;
      for (const s of squares) {
        if (x >= s.x && x < s.x + s.size && y >= s.y && y < s.y + s.size) v = s.grey;
      }
      const out = Math.max(0, Math.min(255, Math.round(gain * v + offset + (rand() * 2 - 1) * noise)));
      const i = (y * width + x) * 3;
      data[i] = out;
      data[i + 1] = out;
      data[i + 2] = out;
    }
  }
  return { cameraId: 'synthetic', seq, ptsMs: seq * 100, wallMs: 0, width, height, data };
}
