import { describe, expect, it } from 'vitest';
import type { RgbFrame } from '../../src/contracts/frame.js';
import { createDownscaler } from '../../src/vision/scene/small-frame.js';

const frame = (width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): RgbFrame => {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 3);
  return { cameraId: 'c', seq: 0, ptsMs: 0, wallMs: 0, width, height, data };
};

describe('createDownscaler', () => {
  it('averages each block of RGB and gives its luma', () => {
    // 8x4 frame, factor 2 to reach 4 px wide: left half red/black checkers, right half grey.
    const small = createDownscaler(4)(frame(8, 4, (x, y) => (x < 4 ? ((x + y) % 2 === 0 ? [200, 0, 0] : [0, 0, 0]) : [90, 90, 90])));
    expect([small.width, small.height]).toEqual([4, 2]);
    expect([...small.rgb.subarray(0, 3)]).toEqual([100, 0, 0]);
    expect([...small.rgb.subarray(9, 12)]).toEqual([90, 90, 90]);
    expect(small.grey[0]).toBe((77 * 100) >> 8);
    expect(small.grey[3]).toBe(90);
  });

  it('drops the right and bottom remainders and reuses its buffers until the size changes', () => {
    const down = createDownscaler(3);
    const a = down(frame(10, 7, (x) => (x >= 9 ? [255, 255, 255] : [10, 20, 30])));
    expect([a.width, a.height]).toEqual([3, 2]);
    expect([...a.rgb]).toEqual(Array.from({ length: 6 }, () => [10, 20, 30]).flat());
    const again = down(frame(10, 7, () => [1, 2, 3]));
    expect(again.rgb).toBe(a.rgb);
    const other = down(frame(20, 20, () => [1, 2, 3]));
    expect(other.rgb).not.toBe(a.rgb);
  });
});
