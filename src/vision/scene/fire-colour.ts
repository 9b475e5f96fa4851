/**
 * Flame colour test for one RGB pixel, after the usual rule-based fire-pixel
 * models: red dominant and bright, R >= G > B, saturation that may be lower the
 * brighter the red is (flame cores turn yellow-white). Pure red lamps (brake
 * lights, red signs) are excluded by asking for some green; white and
 * yellow-white light (headlights, street lamps) by the saturation floor.
 */
export const FLAME_MIN_RED = 130;
const MIN_GREEN_SHARE = 0.25;
const SATURATION_AT_FULL_RED = 0.3;
const SATURATION_AT_MIN_RED = 0.55;

export function isFlameColour(r: number, g: number, b: number): boolean {
  if (r < FLAME_MIN_RED || g > r || b >= g || g < MIN_GREEN_SHARE * r) return false;
  const saturation = 1 - b / r;
  const darkness = (255 - r) / (255 - FLAME_MIN_RED);
  return saturation >= SATURATION_AT_FULL_RED + (SATURATION_AT_MIN_RED - SATURATION_AT_FULL_RED) * darkness;
}
