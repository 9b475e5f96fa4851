/** A point normalised to the frame: x and y in [0,1], origin top-left. */
export type NormPoint = readonly [x: number, y: number];

/** A polygon of normalised points, at least three, in order. */
export type NormPolygon = readonly NormPoint[];

/** A pixel box as corners: left, top, right, bottom. */
export type BoxXYXY = readonly [x1: number, y1: number, x2: number, y2: number];

/** A box normalised to the frame as left, top, width, height (the event format's box). */
export type NormBoxLTWH = readonly [left: number, top: number, width: number, height: number];

/** Frame size in pixels. */
export interface SizeWH {
  readonly width: number;
  readonly height: number;
}
