import type { NormBoxLTWH, NormPolygon } from '../contracts/geometry.js';
import type { TrackFrame, TrackSnapshot } from '../contracts/track.js';
import type { ObjectClass } from '../contracts/classes.js';
import { anchorPoint, normaliseBox, type AnchorMode } from '../geometry/anchor.js';
import { pointInPolygon } from '../geometry/polygon.js';
import { liveTracks } from './track-table.js';
import type { ActiveSignal, Details, InstantSignal, RuleMeta } from './types.js';

/** How the crowd rules pick the tracks they look at in a frame. */
export interface CrowdSelector {
  readonly polygon: NormPolygon;
  readonly matches: (cls: ObjectClass) => boolean;
  readonly anchor: AnchorMode;
}

/** Live tracks of the selected classes whose anchor is inside the zone, in frame order. */
export function tracksInZone(frame: TrackFrame, selector: CrowdSelector): TrackSnapshot[] {
  return liveTracks(frame).filter(
    (t) => selector.matches(t.cls) && pointInPolygon(anchorPoint(t.box, frame, selector.anchor, t.cls), selector.polygon),
  );
}

/** Smallest normalised box holding every track's box; at least one track. */
export function unionBox(tracks: readonly TrackSnapshot[], frame: TrackFrame): NormBoxLTWH {
  let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const { box } of tracks) {
    x1 = Math.min(x1, box[0]);
    y1 = Math.min(y1, box[1]);
    x2 = Math.max(x2, box[2]);
    y2 = Math.max(y2, box[3]);
  }
  return normaliseBox([x1, y1, x2, y2], frame);
}

/** The class most tracks have (first seen on a tie): the class a group event reports. */
export function majorityClass(tracks: readonly TrackSnapshot[]): ObjectClass {
  const counts = new Map<ObjectClass, number>();
  let best = (tracks[0] as TrackSnapshot).cls;
  for (const t of tracks) {
    const n = (counts.get(t.cls) ?? 0) + 1;
    counts.set(t.cls, n);
    if (n > (counts.get(best) ?? 0)) best = t.cls;
  }
  return best;
}

/**
 * A signal about a group of tracks: keyed by `key` (one situation per rule), it
 * lists every member, reports their majority class, union box and mean score.
 */
export function groupSignal(kind: 'instant', meta: RuleMeta, key: number, members: readonly TrackSnapshot[], frame: TrackFrame, details: Details): InstantSignal;
export function groupSignal(kind: 'situation.active', meta: RuleMeta, key: number, members: readonly TrackSnapshot[], frame: TrackFrame, details: Details): ActiveSignal;
export function groupSignal(
  kind: 'instant' | 'situation.active',
  meta: RuleMeta,
  key: number,
  members: readonly TrackSnapshot[],
  frame: TrackFrame,
  details: Details,
): InstantSignal | ActiveSignal {
  return {
    kind,
    ruleId: meta.id,
    type: meta.type,
    trackId: key,
    trackIds: members.map((t) => t.id),
    tSec: frame.tSec,
    cls: majorityClass(members),
    box: unionBox(members, frame),
    score: members.reduce((s, t) => s + t.score, 0) / members.length,
    details,
  };
}

/** Round to 3 decimals for event details. */
export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
