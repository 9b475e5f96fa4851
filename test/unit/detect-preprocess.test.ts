import { describe, expect, it } from 'vitest';
import { clipBox, createPreprocessor, inputBoxToFrame } from '../../src/vision/detect/preprocess.js';

/** A frame whose pixel (x, y) is [r(x,y), g(x,y), b(x,y)]. */
function makeFrame(width: number, height: number, px: (x: number, y: number) => [number, number, number]) {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(px(x, y), (y * width + x) * 3);
  }
  return { data, width, height };
}

/** Value of channel `c` at input pixel (x, y). */
const at = (input: Float32Array, size: number, x: number, y: number, c: number) => input[(y * size + x) * 3 + c];

describe('preprocessor, stretch', () => {
  it('keeps a uniform colour exactly, channel by channel, as 0..255 floats', () => {
    const pre = createPreprocessor({ inputSize: 8, mode: 'stretch' });
    const { input, mapping } = pre.prepare(makeFrame(12, 6, () => [10, 128, 250]));
    expect(input.length).toBe(8 * 8 * 3);
    for (let i = 0; i < input.length; i += 3) expect([input[i], input[i + 1], input[i + 2]]).toEqual([10, 128, 250]);
    expect(mapping).toEqual({ scaleX: 8 / 12, scaleY: 8 / 6, offsetX: 0, offsetY: 0, frameWidth: 12, frameHeight: 6 });
  });

  it('samples bilinearly with half-pixel centres (2x upscale of a 2x1 ramp)', () => {
    const pre = createPreprocessor({ inputSize: 4, mode: 'stretch' });
    const { input } = pre.prepare(makeFrame(2, 1, (x) => [x * 100, 0, 200 - x * 100]));
    // Output column centres fall at source x = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
    expect([0, 1, 2, 3].map((x) => at(input, 4, x, 0, 0))).toEqual([0, 25, 75, 100]);
    expect([0, 1, 2, 3].map((x) => at(input, 4, x, 3, 2))).toEqual([200, 175, 125, 100]);
  });

  it('keeps an image edge where it was (left half dark, right half bright)', () => {
    const pre = createPreprocessor({ inputSize: 16, mode: 'stretch' });
    const { input } = pre.prepare(makeFrame(32, 8, (x) => (x < 16 ? [0, 0, 0] : [255, 255, 255])));
    expect(at(input, 16, 6, 5, 1)).toBe(0);
    expect(at(input, 16, 9, 5, 1)).toBe(255);
  });
});

describe('preprocessor, letterbox', () => {
  it('centres the frame with its aspect ratio and paints the bands', () => {
    const pre = createPreprocessor({ inputSize: 8, mode: 'letterbox', padValue: 114 });
    // 16x8 -> 8x4 content, bands of 2 rows above and below.
    const { input, mapping } = pre.prepare(makeFrame(16, 8, () => [200, 100, 50]));
    expect(mapping).toEqual({ scaleX: 0.5, scaleY: 0.5, offsetX: 0, offsetY: 2, frameWidth: 16, frameHeight: 8 });
    for (const y of [0, 1, 6, 7]) expect(at(input, 8, 3, y, 0)).toBe(114);
    for (const y of [2, 3, 4, 5]) expect([0, 1, 2].map((c) => at(input, 8, 3, y, c))).toEqual([200, 100, 50]);
  });

  it('handles portrait frames with side bands', () => {
    const pre = createPreprocessor({ inputSize: 8, mode: 'letterbox', padValue: 0 });
    const { input, mapping } = pre.prepare(makeFrame(4, 8, () => [9, 9, 9]));
    expect(mapping).toMatchObject({ scaleX: 1, scaleY: 1, offsetX: 2, offsetY: 0 });
    expect(at(input, 8, 1, 4, 0)).toBe(0);
    expect(at(input, 8, 2, 4, 0)).toBe(9);
    expect(at(input, 8, 6, 4, 0)).toBe(0);
  });
});

describe('preprocessor buffers and mapping', () => {
  it('reuses one input buffer across frames, and repaints bands when the frame size changes', () => {
    const pre = createPreprocessor({ inputSize: 8, mode: 'letterbox', padValue: 7 });
    const first = pre.prepare(makeFrame(16, 8, () => [1, 1, 1])).input;
    const second = pre.prepare(makeFrame(16, 8, () => [2, 2, 2])).input;
    expect(second).toBe(first);
    expect(at(second, 8, 0, 4, 0)).toBe(2);
    const square = pre.prepare(makeFrame(8, 8, () => [3, 3, 3])).input;
    expect(square).toBe(first);
    expect(at(square, 8, 0, 0, 0)).toBe(3); // no band left over from the wide frame
  });

  it('maps model-input boxes back to frame pixels (both modes)', () => {
    const frame = makeFrame(768, 576, () => [0, 0, 0]);
    const stretch = createPreprocessor({ mode: 'stretch' }).prepare(frame).mapping;
    expect(inputBoxToFrame([0, 0, 512, 512], stretch)).toEqual([0, 0, 768, 576]);
    expect(inputBoxToFrame([256, 128, 384, 256], stretch)).toEqual([384, 144, 576, 288]);
    const letterbox = createPreprocessor({ mode: 'letterbox' }).prepare(frame).mapping;
    expect(letterbox).toMatchObject({ offsetX: 0, offsetY: 64 });
    expect(inputBoxToFrame([0, 64, 512, 448], letterbox)).toEqual([0, 0, 768, 576]);
  });

  it('refuses malformed frames and options', () => {
    const pre = createPreprocessor({ inputSize: 8 });
    expect(() => pre.prepare({ data: new Uint8Array(10), width: 2, height: 2 })).toThrow(/needs 12/);
    expect(() => pre.prepare({ data: new Uint8Array(12), width: 2.5, height: 2 })).toThrow(/positive integers/);
    expect(() => createPreprocessor({ mode: 'crop' as never })).toThrow(/unknown resize mode "crop"/);
    expect(() => createPreprocessor({ inputSize: 0 })).toThrow(/inputSize/);
  });
});

describe('clipBox', () => {
  it('clips to the frame and drops boxes left without area', () => {
    expect(clipBox([-5, -5, 20, 30], 10, 20)).toEqual([0, 0, 10, 20]);
    expect(clipBox([2, 3, 4, 5], 10, 20)).toEqual([2, 3, 4, 5]);
    expect(clipBox([12, 3, 15, 5], 10, 20)).toBeUndefined();
  });
});
