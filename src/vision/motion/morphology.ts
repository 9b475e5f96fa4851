/**
 * Binary morphology with a 3x3 square element on masks holding only 0 and 1, separable, edges
 * replicated (an object touching the border is not eaten by erosion). All
 * buffers are caller-owned; `src` and `dst` may be the same array, `tmp` must
 * be a third one.
 */

/** Horizontal pass; in-place safe (the two previous source values are cached). */
function horizontal(src: Uint8Array, dst: Uint8Array, width: number, height: number, dilate: boolean): void {
  const last = width - 1;
  for (let y = 0; y < height; y++) {
    const o = y * width;
    let left = src[o]!;
    let mid = left;
    if (dilate) {
      for (let x = 0; x < last; x++) {
        const right = src[o + x + 1]!;
        dst[o + x] = left | mid | right;
        left = mid;
        mid = right;
      }
      dst[o + last] = left | mid;
    } else {
      for (let x = 0; x < last; x++) {
        const right = src[o + x + 1]!;
        dst[o + x] = left & mid & right;
        left = mid;
        mid = right;
      }
      dst[o + last] = left & mid;
    }
  }
}

/** Vertical pass, row-major; `src` must not be `dst` (it is always the scratch buffer). */
function vertical(src: Uint8Array, dst: Uint8Array, width: number, height: number, dilate: boolean): void {
  for (let y = 0; y < height; y++) {
    const up = (y > 0 ? y - 1 : 0) * width;
    const mid = y * width;
    const down = (y + 1 < height ? y + 1 : y) * width;
    if (dilate) {
      for (let x = 0; x < width; x++) dst[mid + x] = src[up + x]! | src[mid + x]! | src[down + x]!;
    } else {
      for (let x = 0; x < width; x++) dst[mid + x] = src[up + x]! & src[mid + x]! & src[down + x]!;
    }
  }
}

/** 3x3 erosion of `src` into `dst`; `tmp` is scratch of the same size. */
export function erode3x3(src: Uint8Array, dst: Uint8Array, tmp: Uint8Array, width: number, height: number): void {
  horizontal(src, tmp, width, height, false);
  vertical(tmp, dst, width, height, false);
}

/** 3x3 dilation of `src` into `dst`; `tmp` is scratch of the same size. */
export function dilate3x3(src: Uint8Array, dst: Uint8Array, tmp: Uint8Array, width: number, height: number): void {
  horizontal(src, tmp, width, height, true);
  vertical(tmp, dst, width, height, true);
}
