/**
 * The people of one frame, numbered for the DPO to point at the requester:
 * numbered left to right (then top to bottom), so the same frame always gets
 * the same numbers. Boxes are normalised [x1, y1, x2, y2], clipped to the frame.
 */
import type { ObjectClass } from '../contracts/classes.js';
import type { Detection } from '../contracts/detection.js';
import type { BoxXYXY, SizeWH } from '../contracts/geometry.js';
import { AccessError } from './errors.js';

/** As the anonymised export blurs: people, and class-less motion blobs (which may be people). */
const PEOPLE: ReadonlySet<ObjectClass> = new Set<ObjectClass>(['person', 'object']);

export interface NumberedBox {
  /** From 1, as drawn on the frame. */
  readonly number: number;
  /** Normalised [x1, y1, x2, y2]. */
  readonly box: BoxXYXY;
}

const clip01 = (v: number): number => Math.min(1, Math.max(0, v));
const round4 = (v: number): number => Math.round(v * 10_000) / 10_000;

export function numberPeople(detections: readonly Detection[], size: SizeWH): NumberedBox[] {
  return detections
    .filter((d) => PEOPLE.has(d.cls))
    .map((d): BoxXYXY => {
      const norm = (v: number, side: number): number => round4(clip01(v / side));
      return [norm(d.box[0], size.width), norm(d.box[1], size.height), norm(d.box[2], size.width), norm(d.box[3], size.height)];
    })
    .filter((b) => b[2] > b[0] && b[3] > b[1])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .map((box, i) => ({ number: i + 1, box }));
}

/**
 * The point that designates person `number` to the export (the centre of their
 * box): the export follows whoever's box contains it.
 *
 * @throws AccessError INVALID when the frame has no such number.
 */
export function subjectPoint(boxes: readonly NumberedBox[], number: number): { x: number; y: number } {
  const picked = boxes.find((b) => b.number === number);
  if (!picked) {
    const known = boxes.length === 0 ? 'nobody was detected in this frame: pick another time' : `this frame has people 1 to ${boxes.length}`;
    throw new AccessError('INVALID', `body.subject.box: no person ${number} at that time (${known})`);
  }
  const [x1, y1, x2, y2] = picked.box;
  return { x: (x1 + x2) / 2, y: (y1 + y2) / 2 };
}
