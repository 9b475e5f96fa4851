import type { NormBoxLTWH, NormPoint } from '../../contracts/geometry.js';
import type { RgbFrame } from '../../contracts/frame.js';
import type { TrackFrame } from '../../contracts/track.js';
import type { TamperKind } from '../../config/schema.js';

/**
 * Pixel-level readings of one frame that rules cannot get from tracks: what has
 * become static, flames, smoke, tampering, traffic-light lamps. The scene stage
 * computes only what some rule of the camera asked for (`SceneRequest`);
 * readings are plain data, so rules stay pure functions of tracks + readings.
 */
export interface SceneObservations {
  readonly static?: StaticSceneReading;
  readonly fire?: HazardReading;
  readonly smoke?: HazardReading;
  readonly tamper?: TamperReading;
  /** Lamp state per zone id named by a rule (red_light's signal_zone). */
  readonly lamps?: ReadonlyMap<string, LampReading>;
}

/**
 * A coarse boolean grid over the frame (row-major, 1 = set), for coverage of
 * polygons. Cell (x, y) covers the normalised rectangle [x/width, (x+1)/width) x
 * [y/height, (y+1)/height).
 */
export interface CellGrid {
  readonly width: number;
  readonly height: number;
  readonly cells: Uint8Array;
}

/**
 * A region that differs from the long-term background but has stopped changing,
 * and is not a person or a vehicle (those, tracked or recently seen standing on
 * it, are left out).
 */
export interface StaticRegion {
  /** Stable id while the region persists (ids are per camera and ephemeral). */
  readonly id: number;
  readonly box: NormBoxLTWH;
  /** Area of the region's cells as a share of the frame's area. */
  readonly areaShare: number;
  /** Stream second at which the region became static (it has been static since). */
  readonly staticSinceS: number;
  /**
   * A person track was on or next to the region when it appeared, and has since
   * walked away from it (still tracked elsewhere, or last seen away from it).
   */
  readonly personLeft: boolean;
}

export interface StaticSceneReading {
  /** false during the first seconds, while both backgrounds are being learnt: no regions yet. */
  readonly warm: boolean;
  readonly regions: readonly StaticRegion[];
  /**
   * Cells of new static foreground, people and vehicles left out, before any size
   * filtering. The analyser owns the buffer: it is valid until the next frame.
   */
  readonly grid: CellGrid;
}

/** A candidate region of a hazard (flames, smoke) in this frame. */
export interface HazardRegion {
  /** Bounding box of the region, normalised to the frame. */
  readonly box: NormBoxLTWH;
  /** Area of the region's pixels as a share of the frame's area. */
  readonly areaShare: number;
  /** 0..1: how strongly the region matches (colour, flicker, spreading...). */
  readonly score: number;
}

/** Hazard regions found in one frame (empty while nothing matches, and while the analyser warms up). */
export interface HazardReading {
  readonly regions: readonly HazardRegion[];
}

export interface TamperReading {
  /** Conditions that hold in this frame (none while the reference is still being learnt). */
  readonly conditions: readonly TamperKind[];
  /**
   * The measures behind them, for event details: `brightness` (mean luma 0..255),
   * `contrast` (luma standard deviation), `sharpness_ratio` (edge sharpness / the
   * learnt reference's), `edge_correlation` (edge map vs the reference's, -1..1),
   * `edge_retention` (share of the reference's strong edges still in place).
   */
  readonly measures: Readonly<Record<string, number>>;
  /** false while the reference scene is being learnt (the first seconds). */
  readonly referenceReady: boolean;
}

export type LampColour = 'red' | 'amber' | 'green' | 'off';

export interface LampReading {
  readonly colour: LampColour;
}

/** What one rule needs computed from the pixels. */
export interface SceneRequest {
  readonly static?: boolean;
  /** With `static`: the rule's min_duration_s, so objects are not absorbed into the background before it. */
  readonly staticMinDurationS?: number;
  readonly fire?: boolean;
  readonly smoke?: boolean;
  readonly tamper?: boolean;
  readonly lamps?: readonly { readonly id: string; readonly polygon: readonly NormPoint[] }[];
}

/**
 * One frame as scene analysers see it: the masked analysis frame, a small copy
 * (shared by every analyser: made once per frame) and the frame's tracks.
 */
export interface SceneFrame {
  readonly image: RgbFrame;
  readonly small: SmallFrame;
  readonly tracks: TrackFrame;
  /** Stream seconds. */
  readonly tSec: number;
}

/** The frame downscaled to about SMALL_FRAME_WIDTH pixels wide (box average). */
export interface SmallFrame {
  readonly width: number;
  readonly height: number;
  /** Packed RGB24. */
  readonly rgb: Uint8Array;
  /** BT.601 luma. */
  readonly grey: Uint8Array;
}

/** A stateful reader of one kind of scene observation, fed every analysed frame in order. */
export interface SceneAnalyser<K extends keyof SceneObservations> {
  readonly key: K;
  observe(frame: SceneFrame): NonNullable<SceneObservations[K]>;
}
