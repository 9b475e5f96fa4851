import type { RgbFrame } from '../../contracts/frame.js';
import type { SmallFrame } from './types.js';

/** Width scene analysers work at: enough for objects of a few percent of the frame, cheap per frame. */
export const SMALL_FRAME_WIDTH = 160;

/**
 * Downscales frames by an integer factor into buffers it owns and reuses (the
 * result is valid until the next call). RGB and luma are box averages.
 */
export function createDownscaler(targetWidth = SMALL_FRAME_WIDTH): (frame: RgbFrame) => SmallFrame {
  let out: { width: number; height: number; rgb: Uint8Array; grey: Uint8Array; srcW: number; srcH: number } | null = null;
  return (frame) => {
    if (!out || out.srcW !== frame.width || out.srcH !== frame.height) {
      const scale = Math.max(1, Math.round(frame.width / targetWidth));
      const width = Math.floor(frame.width / scale);
      const height = Math.floor(frame.height / scale);
      out = { width, height, rgb: new Uint8Array(width * height * 3), grey: new Uint8Array(width * height), srcW: frame.width, srcH: frame.height };
    }
    const { width, height, rgb, grey } = out;
    const scale = Math.floor(frame.width / width);
    const area = scale * scale;
    const src = frame.data;
    const stride = frame.width * 3;
    const blockStride = scale * 3;
    // One cell at a time, sums in locals: no typed-array writes in the inner loops.
    for (let gy = 0; gy < height; gy++) {
      const rowStart = gy * scale * stride;
      for (let gx = 0; gx < width; gx++) {
        let r = 0;
        let g = 0;
        let b = 0;
        let line = rowStart + gx * blockStride;
        for (let dy = 0; dy < scale; dy++, line += stride) {
          const end = line + blockStride;
          for (let i = line; i < end; i += 3) {
            r += src[i] as number;
            g += src[i + 1] as number;
            b += src[i + 2] as number;
          }
        }
        const o = gy * width + gx;
        const rm = Math.round(r / area);
        const gm = Math.round(g / area);
        const bm = Math.round(b / area);
        rgb[o * 3] = rm;
        rgb[o * 3 + 1] = gm;
        rgb[o * 3 + 2] = bm;
        grey[o] = (77 * rm + 150 * gm + 29 * bm) >> 8;
      }
    }
    return out;
  };
}
