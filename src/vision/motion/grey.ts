/**
 * RGB24 -> grey downscaling by an integer factor (box average), integer maths,
 * into caller-owned buffers.
 */

/** Size of the analysis grid for a frame and a downscale factor (right/bottom remainders are dropped). */
export interface GreyGrid {
  /** Analysis grid width in cells. */
  readonly width: number;
  /** Analysis grid height in cells. */
  readonly height: number;
  /** Frame pixels per grid cell along each axis. */
  readonly scale: number;
}

/** The downscale factor that brings `frameWidthPx` closest to `targetWidthPx` (at least 1). */
export function chooseScale(frameWidthPx: number, targetWidthPx: number): number {
  return Math.max(1, Math.round(frameWidthPx / Math.max(1, targetWidthPx)));
}

export function gridFor(frameWidthPx: number, frameHeightPx: number, scale: number): GreyGrid {
  return { width: Math.floor(frameWidthPx / scale), height: Math.floor(frameHeightPx / scale), scale };
}

/**
 * Writes the mean luma (BT.601 weights 77/150/29 of 256) of each `scale x scale`
 * block of `rgb` into `out` (`grid.width * grid.height` bytes). `rowAcc` is a
 * scratch buffer of at least `grid.width` entries.
 */
export function rgbToGreyDownscaled(
  rgb: Uint8Array,
  frameWidthPx: number,
  grid: GreyGrid,
  out: Uint8Array,
  rowAcc: Uint32Array,
): void {
  const { width, height, scale } = grid;
  const rowStride = frameWidthPx * 3;
  // Reciprocal of the block area in Q16; sum <= 255 * scale^2 keeps the product below 2^24.
  const recipQ16 = Math.round(65536 / (scale * scale));
  for (let gy = 0; gy < height; gy++) {
    rowAcc.fill(0, 0, width);
    for (let dy = 0; dy < scale; dy++) {
      let p = (gy * scale + dy) * rowStride;
      for (let gx = 0; gx < width; gx++) {
        let acc = 0;
        for (let dx = 0; dx < scale; dx++) {
          acc += (77 * rgb[p]! + 150 * rgb[p + 1]! + 29 * rgb[p + 2]! + 128) >> 8;
          p += 3;
        }
        rowAcc[gx]! += acc;
      }
    }
    const o = gy * width;
    for (let gx = 0; gx < width; gx++) {
      out[o + gx] = (rowAcc[gx]! * recipQ16 + 32768) >>> 16;
    }
  }
}
