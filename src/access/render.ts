/**
 * The picker image: every person blurred (as the anonymised export blurs
 * them), outlined and numbered, so the DPO can point at the requester without
 * seeing anyone's face. Draws on the frame in place.
 */
import type { Raster } from '../render/draw.js';
import { COLORS, drawLabel, drawRect, measureLabel } from '../render/draw.js';
import { blurBoxes, padBox } from '../render/blur.js';
import type { BoxXYXY } from '../contracts/geometry.js';
import type { NumberedBox } from './people.js';

/** Same margin as the export's blur, so what the DPO sees is what the requester gets. */
const BLUR_PAD = 0.1;

export function drawNumberedPeople(frame: Raster, boxes: readonly NumberedBox[]): void {
  const { width, height } = frame;
  const pixels = boxes.map((b): BoxXYXY => [b.box[0] * width, b.box[1] * height, b.box[2] * width, b.box[3] * height]);
  blurBoxes(frame, pixels.map((p) => padBox(p, BLUR_PAD)));
  // Big enough to read and click at the console's size, whatever the camera's resolution.
  const scale = Math.max(2, Math.round(width / 320));
  const thickness = Math.max(2, Math.round(width / 400));
  boxes.forEach((b, i) => {
    const p = pixels[i]!;
    drawRect(frame, p, COLORS.person, thickness);
    const label = String(b.number);
    const size = measureLabel(label, { scale });
    // Above the box when there is room, else inside its top-left corner.
    const y = p[1] - size.height >= 0 ? p[1] - size.height : p[1];
    drawLabel(frame, Math.max(0, p[0]), y, label, { scale, background: COLORS.person });
  });
}
