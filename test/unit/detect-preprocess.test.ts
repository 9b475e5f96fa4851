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

describe('preprocessor, crops and flexible input sizes', () => {
  /** 16x8 frame in four 8x4 quadrants of distinct colours. */
  const QUADRANTS: Record<string, [number, number, number]> = {
    tl: [10, 20, 30],
    tr: [40, 50, 60],
    bl: [70, 80, 90],
    br: [200, 150, 100],
  };
  const quadFrame = () => makeFrame(16, 8, (x, y) => QUADRANTS[(y < 4 ? 't' : 'b') + (x < 8 ? 'l' : 'r')]!);
  /** Channel values of input pixel (x, y) of an NHWC input `width` wide. */
  const pixel = (input: Float32Array, width: number, x: number, y: number) => [0, 1, 2].map((c) => input[(y * width + x) * 3 + c]);

  it('samples only the crop (no colour from outside it) and maps its boxes back to frame pixels', () => {
    const pre = createPreprocessor({ inputSize: 4, mode: 'letterbox', padValue: 0 });
    // The bottom-right 8x4 quadrant into 4x4: content 4x2 at scale 0.5, one band row above and below.
    const { input, mapping } = pre.prepare(quadFrame(), { x: 8, y: 4, width: 8, height: 4 });
    expect(input.length).toBe(4 * 4 * 3);
    for (let x = 0; x < 4; x++) {
      expect(pixel(input, 4, x, 0)).toEqual([0, 0, 0]);
      expect(pixel(input, 4, x, 1)).toEqual(QUADRANTS.br);
      expect(pixel(input, 4, x, 2)).toEqual(QUADRANTS.br);
      expect(pixel(input, 4, x, 3)).toEqual([0, 0, 0]);
    }
    expect(mapping).toEqual({ scaleX: 0.5, scaleY: 0.5, offsetX: -4, offsetY: -1, frameWidth: 16, frameHeight: 8 });
    // The content rectangle of the input is the crop in the frame.
    expect(inputBoxToFrame([0, 1, 4, 3], mapping)).toEqual([8, 4, 16, 8]);
    expect(inputBoxToFrame([1, 1.5, 2, 2.5], mapping)).toEqual([10, 5, 12, 7]);
  });

  it('copies a crop pixel for pixel at scale 1, whatever its place in the frame', () => {
    // Pixel (x, y) of the frame is [10x, 10y, 7].
    const frame = makeFrame(10, 6, (x, y) => [10 * x, 10 * y, 7]);
    const pre = createPreprocessor({ mode: 'stretch' });
    const { input, mapping } = pre.prepare(frame, { x: 3, y: 2, width: 4, height: 2 }, { width: 4, height: 2 });
    expect(input.length).toBe(4 * 2 * 3);
    expect(Array.from(input)).toEqual([
      30, 20, 7, 40, 20, 7, 50, 20, 7, 60, 20, 7,
      30, 30, 7, 40, 30, 7, 50, 30, 7, 60, 30, 7,
    ]);
    expect(mapping).toEqual({ scaleX: 1, scaleY: 1, offsetX: -3, offsetY: -2, frameWidth: 10, frameHeight: 6 });
    expect(inputBoxToFrame([1, 0, 3, 2], mapping)).toEqual([4, 2, 6, 4]);
  });

  it('follows the crop when it changes between calls on one preprocessor', () => {
    const pre = createPreprocessor({ inputSize: 4, mode: 'stretch' });
    const frame = quadFrame();
    const tl = pre.prepare(frame, { x: 0, y: 0, width: 8, height: 4 });
    expect(pixel(tl.input, 4, 0, 0)).toEqual(QUADRANTS.tl);
    expect(pixel(tl.input, 4, 3, 3)).toEqual(QUADRANTS.tl);
    const tr = pre.prepare(frame, { x: 8, y: 0, width: 8, height: 4 });
    for (const [x, y] of [[0, 0], [3, 0], [0, 3], [3, 3]] as const) expect(pixel(tr.input, 4, x, y)).toEqual(QUADRANTS.tr);
    expect(tr.mapping).toMatchObject({ offsetX: -4, offsetY: 0 });
    const whole = pre.prepare(frame);
    expect(pixel(whole.input, 4, 0, 0)).toEqual(QUADRANTS.tl);
    expect(pixel(whole.input, 4, 3, 3)).toEqual(QUADRANTS.br);
    expect(whole.mapping).toMatchObject({ offsetX: 0, offsetY: 0 });
  });

  it('fills a non-square input without bands when the aspect ratios match', () => {
    const pre = createPreprocessor({ mode: 'letterbox', padValue: 0 });
    // 16x8 into 8x4: scale 0.5 on both axes, no band.
    const { input, mapping } = pre.prepare(quadFrame(), undefined, { width: 8, height: 4 });
    expect(input.length).toBe(8 * 4 * 3);
    expect(mapping).toEqual({ scaleX: 0.5, scaleY: 0.5, offsetX: 0, offsetY: 0, frameWidth: 16, frameHeight: 8 });
    expect(pixel(input, 8, 0, 0)).toEqual(QUADRANTS.tl);
    expect(pixel(input, 8, 7, 0)).toEqual(QUADRANTS.tr);
    expect(pixel(input, 8, 0, 3)).toEqual(QUADRANTS.bl);
    expect(pixel(input, 8, 7, 3)).toEqual(QUADRANTS.br);
    expect(inputBoxToFrame([0, 0, 8, 4], mapping)).toEqual([0, 0, 16, 8]);
  });

  it('letterboxes into a non-square input with bands only on the short side', () => {
    const pre = createPreprocessor({ mode: 'letterbox', padValue: 114 });
    const frame = makeFrame(12, 8, () => [1, 2, 3]);
    // 12x8 into 8x4: scale min(8/12, 4/8) = 0.5 -> content 6x4, columns 0 and 7 are bands.
    const side = pre.prepare(frame, undefined, { width: 8, height: 4 });
    expect(side.mapping).toEqual({ scaleX: 0.5, scaleY: 0.5, offsetX: 1, offsetY: 0, frameWidth: 12, frameHeight: 8 });
    for (let y = 0; y < 4; y++) {
      expect(pixel(side.input, 8, 0, y)).toEqual([114, 114, 114]);
      for (let x = 1; x < 7; x++) expect(pixel(side.input, 8, x, y)).toEqual([1, 2, 3]);
      expect(pixel(side.input, 8, 7, y)).toEqual([114, 114, 114]);
    }
    // 12x8 into 8x6: scale min(8/12, 6/8) = 2/3 -> content 8x5 (5.33 rounded), no side band; the one band row left goes at the bottom.
    const top = pre.prepare(frame, undefined, { width: 8, height: 6 });
    expect(top.input.length).toBe(8 * 6 * 3);
    expect(top.mapping).toMatchObject({ offsetX: 0, offsetY: 0 });
    for (let x = 0; x < 8; x++) {
      expect(pixel(top.input, 8, x, 0)).toEqual([1, 2, 3]);
      expect(pixel(top.input, 8, x, 4)).toEqual([1, 2, 3]);
      expect(pixel(top.input, 8, x, 5)).toEqual([114, 114, 114]);
    }
  });

  it('lays channels out in planes with layout nchw', () => {
    const pre = createPreprocessor({ mode: 'letterbox', padValue: 0, layout: 'nchw' });
    // 4x4 into 4x2: content 2x2 in columns 1..2.
    const { input } = pre.prepare(makeFrame(4, 4, () => [10, 128, 250]), undefined, { width: 4, height: 2 });
    expect(Array.from(input)).toEqual([
      0, 10, 10, 0, 0, 10, 10, 0, // R plane
      0, 128, 128, 0, 0, 128, 128, 0, // G plane
      0, 250, 250, 0, 0, 250, 250, 0, // B plane
    ]);
  });

  it('keeps a planar image in place: plane c, row y, column x', () => {
    const pre = createPreprocessor({ mode: 'stretch', layout: 'nchw' });
    const frame = makeFrame(3, 2, (x, y) => [x, 10 + y, 20 + x + y]);
    const { input } = pre.prepare(frame, undefined, { width: 3, height: 2 });
    expect(Array.from(input)).toEqual([0, 1, 2, 0, 1, 2, 10, 10, 10, 11, 11, 11, 20, 21, 22, 21, 22, 23]);
  });

  it('swaps red and blue with channelOrder bgr, in both layouts', () => {
    const frame = makeFrame(4, 4, () => [10, 128, 250]);
    const nhwc = createPreprocessor({ inputSize: 2, channelOrder: 'bgr' }).prepare(frame).input;
    expect(Array.from(nhwc)).toEqual([250, 128, 10, 250, 128, 10, 250, 128, 10, 250, 128, 10]);
    const nchw = createPreprocessor({ inputSize: 2, channelOrder: 'bgr', layout: 'nchw' }).prepare(frame).input;
    expect(Array.from(nchw)).toEqual([250, 250, 250, 250, 128, 128, 128, 128, 10, 10, 10, 10]);
  });

  it('multiplies pixels and bands by valueScale', () => {
    const pre = createPreprocessor({ mode: 'letterbox', padValue: 114, valueScale: 0.5 });
    const { input } = pre.prepare(makeFrame(4, 4, () => [10, 128, 250]), undefined, { width: 4, height: 2 });
    expect(pixel(input, 4, 0, 0)).toEqual([57, 57, 57]);
    expect(pixel(input, 4, 1, 0)).toEqual([5, 64, 125]);
    const unit = createPreprocessor({ inputSize: 2, valueScale: 1 / 255 }).prepare(makeFrame(2, 2, () => [255, 51, 0])).input;
    expect(unit[0]).toBeCloseTo(1, 6);
    expect(unit[1]).toBeCloseTo(0.2, 6);
    expect(unit[2]).toBe(0);
    expect(() => createPreprocessor({ valueScale: 0 })).toThrow(/valueScale/);
  });

  it('refuses a crop that is not a whole-pixel rectangle inside the frame, and a bad input size', () => {
    const pre = createPreprocessor({ inputSize: 4 });
    const frame = quadFrame(); // 16x8
    const bad = [
      { x: 10, y: 0, width: 8, height: 4 }, // past the right edge
      { x: 0, y: 6, width: 4, height: 4 }, // past the bottom edge
      { x: -1, y: 0, width: 4, height: 4 },
      { x: 0.5, y: 0, width: 4, height: 4 },
      { x: 0, y: 0, width: 4.5, height: 4 },
      { x: 0, y: 0, width: 0, height: 4 },
    ];
    for (const crop of bad) {
      expect(() => pre.prepare(frame, crop)).toThrow(RangeError);
      expect(() => pre.prepare(frame, crop)).toThrow(`crop ${crop.width}x${crop.height}+${crop.x}+${crop.y} is not a whole-pixel rectangle inside the 16x8 frame`);
    }
    expect(() => pre.prepare(frame, { x: 0, y: 0, width: 16, height: 8 })).not.toThrow();
    expect(() => pre.prepare(frame, undefined, { width: 0, height: 4 })).toThrow(/input size must be positive integers, got 0x4/);
    expect(() => pre.prepare(frame, undefined, { width: 4, height: 2.5 })).toThrow(RangeError);
  });
});
