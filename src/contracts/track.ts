import type { ObjectClass } from './classes.js';
import type { BoxXYXY } from './geometry.js';

/**
 * A tracked object as the tracker reports it for one frame. Ids are per camera,
 * ephemeral, and carry no appearance information.
 */
export interface TrackSnapshot {
  readonly id: number;
  /** Filtered box in the pixel coordinates of the analysed frame. */
  readonly box: BoxXYXY;
  /** Score of the detection matched in this frame, or the last one if coasting. */
  readonly score: number;
  readonly cls: ObjectClass;
  /** true when a detection was matched to the track in this frame. */
  readonly matched: boolean;
  /** Frames since the track was born. */
  readonly ageFrames: number;
  /** Velocity of the box centre in pixels per frame, from the Kalman state. */
  readonly velocity: readonly [vx: number, vy: number];
}

/** The tracker's output for one frame. */
export interface TrackFrame {
  /** Seconds from the start of the source. */
  readonly tSec: number;
  readonly seq: number;
  readonly width: number;
  readonly height: number;
  /** Confirmed tracks alive in this frame (matched or briefly coasting). */
  readonly tracks: readonly TrackSnapshot[];
  /** Ids of tracks that ended (were removed) at this frame. */
  readonly endedTrackIds: readonly number[];
}
