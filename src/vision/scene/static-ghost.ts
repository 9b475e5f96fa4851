/**
 * Ghost test: a static region can be an object that arrived (its outline is in
 * the current frame, not in the background) or a "ghost", background revealed
 * when something the long-term background had learnt went away (a person
 * standing there during the warm-up, a car parked since the start): then the
 * outline is in the background and not in the frame. Compares the grey
 * gradient of both along the region's rim.
 */

/** The frame's rim gradient must reach this share of the background's for an object. */
const OBJECT_EDGE_RATIO = 1;

/**
 * true when the region of `mask` (non-zero pixels) inside `box` has more edge
 * along its rim in the background than in the frame.
 */
export function isGhost(
  mask: Uint8Array,
  box: { readonly x0: number; readonly y0: number; readonly x1: number; readonly y1: number },
  width: number,
  height: number,
  frameGrey: Uint8Array,
  backgroundGreyQ8: Int32Array,
): boolean {
  let frameEdge = 0;
  let backgroundEdge = 0;
  for (let y = Math.max(1, box.y0); y < Math.min(height - 1, box.y1); y++) {
    for (let x = Math.max(1, box.x0); x < Math.min(width - 1, box.x1); x++) {
      const i = y * width + x;
      if (mask[i] === 0) continue;
      const rim = mask[i - 1] === 0 || mask[i + 1] === 0 || mask[i - width] === 0 || mask[i + width] === 0;
      if (!rim) continue;
      frameEdge += Math.abs(frameGrey[i + 1]! - frameGrey[i - 1]!) + Math.abs(frameGrey[i + width]! - frameGrey[i - width]!);
      backgroundEdge += (Math.abs(backgroundGreyQ8[i + 1]! - backgroundGreyQ8[i - 1]!) + Math.abs(backgroundGreyQ8[i + width]! - backgroundGreyQ8[i - width]!)) / 256;
    }
  }
  return frameEdge < OBJECT_EDGE_RATIO * backgroundEdge;
}
