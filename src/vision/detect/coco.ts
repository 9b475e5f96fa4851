import { COCO_CLASSES, type CocoClass } from '../../contracts/classes.js';

/**
 * Maps a COCO class index counted from 0 (the contiguous 80-class numbering that
 * COCO-trained detectors output: 0 person, 1 bicycle, 2 car, ...) to Vigie's class.
 * Returns `undefined` for an index outside 0..79 or a non-integer index.
 */
export function cocoClassFromIndex(index: number): CocoClass | undefined {
  if (!Number.isInteger(index)) return undefined;
  return COCO_CLASSES[index];
}

/** The COCO index counted from 0 of a Vigie class, or -1 for a class outside COCO (`object`). */
export function cocoIndexOfClass(cls: string): number {
  return (COCO_CLASSES as readonly string[]).indexOf(cls);
}
