import type { BoxXYXY } from '../contracts/geometry.js';
import type { TrackFrame, TrackSnapshot } from '../contracts/track.js';
import { endedSignal } from './per-track.js';
import { ABSENT_GRACE_S, MAX_TRACKED_PER_RULE, capTable, carryAbsent, liveTracks, type DropReason } from './track-table.js';
import type { RuleMeta, RuleSignal } from './types.js';
import { boxScale, distance, sampleOf, STILL_RELEASE_DRIFT, type RestPlace } from './stationary.js';

/**
 * Places where a still track was lost. Trackers lose a parked car now and then
 * (occlusion, a missed detection, a motion blob absorbed into the background)
 * and re-create it on the spot under a new id; without this memory the new
 * track would start its stillness from zero, and a parked car re-detected just
 * before it drives off would not be known as parked.
 */

/** Seconds a lost still track's spot is remembered. */
export const SPOT_TTL_S = 600;
/** Most spots kept per rule (oldest forgotten first). */
export const MAX_SPOTS = 256;
/** A new box claims a spot only if its size is within this factor of the spot's. */
const SPOT_SIZE_RATIO = 2;

export interface StillSpot {
  readonly rest: RestPlace;
  /** When the lost track came to rest there. */
  readonly sinceS: number;
  /** When it was lost. */
  readonly lostS: number;
}

/** Spots still within their time to live at `t`. */
export function liveSpots(spots: readonly StillSpot[], t: number): readonly StillSpot[] {
  return spots.every((s) => t - s.lostS <= SPOT_TTL_S) ? spots : spots.filter((s) => t - s.lostS <= SPOT_TTL_S);
}

/** Spots with one more, capped (a later spot on the same place replaces the earlier one). */
export function rememberSpot(spots: readonly StillSpot[], spot: StillSpot): readonly StillSpot[] {
  const others = spots.filter((s) => !samePlace(s.rest, spot.rest));
  const kept = others.length >= MAX_SPOTS ? others.slice(others.length - MAX_SPOTS + 1) : others;
  return [...kept, spot];
}

/** The spot a new track's first box sits on, and the spots without it; null when it sits on none. */
export function claimSpot(spots: readonly StillSpot[], box: BoxXYXY, t: number): { readonly spot: StillSpot; readonly rest: readonly StillSpot[] } | null {
  const here = sampleOf(box, t);
  const i = spots.findIndex((s) => samePlace(s.rest, here));
  if (i < 0) return null;
  return { spot: spots[i] as StillSpot, rest: [...spots.slice(0, i), ...spots.slice(i + 1)] };
}

/** Two boxes at the same place: centres within the release drift and sizes within a factor of two. */
function samePlace(a: RestPlace, b: RestPlace): boolean {
  const sa = boxScale(a);
  const sb = boxScale(b);
  if (!(sa > 0) || !(sb > 0) || sa > sb * SPOT_SIZE_RATIO || sb > sa * SPOT_SIZE_RATIO) return false;
  return distance(a, b) <= STILL_RELEASE_DRIFT * Math.max(sa, sb);
}

/** What a rule keeps per track when it uses spots: when last seen, whether its situation is raised. */
export interface SpotEntry {
  readonly lastSeenS: number;
  readonly active?: boolean;
}

/**
 * The frame loop of a per-track rule that remembers spots: entries of ended or
 * long-absent tracks are dropped (closing their situation, leaving a spot when
 * `spotOf` gives one), each live track of interest goes through `step` (a new
 * track gets the spot it was re-created on, if any), the table stays bounded.
 */
export function stepWithSpots<E extends SpotEntry>(
  meta: RuleMeta,
  state: { readonly tracks: ReadonlyMap<number, E>; readonly spots: readonly StillSpot[] },
  frame: TrackFrame,
  wanted: (t: TrackSnapshot) => boolean,
  step: (prev: E | undefined, claimed: StillSpot | null, t: TrackSnapshot, signals: RuleSignal[]) => E | undefined,
  spotOf: (entry: E, lostS: number) => StillSpot | null,
): { readonly tracks: ReadonlyMap<number, E>; readonly spots: readonly StillSpot[]; readonly signals: readonly RuleSignal[] } {
  const signals: RuleSignal[] = [];
  let spots = liveSpots(state.spots, frame.tSec);
  const onDrop = (id: number, entry: E, reason: DropReason): void => {
    if (entry.active) signals.push(endedSignal(meta, id, frame.tSec, reason));
    const spot = spotOf(entry, frame.tSec);
    if (spot) spots = rememberSpot(spots, spot);
  };
  const next = carryAbsent(state.tracks, frame, ABSENT_GRACE_S, onDrop);
  for (const t of liveTracks(frame)) {
    const prev = state.tracks.get(t.id);
    if (!wanted(t)) {
      if (prev?.active) signals.push(endedSignal(meta, t.id, frame.tSec, 'stopped'));
      continue;
    }
    let claimed: StillSpot | null = null;
    if (!prev) {
      const found = claimSpot(spots, t.box, frame.tSec);
      if (found) {
        claimed = found.spot;
        spots = found.rest;
      }
    }
    const entry = step(prev, claimed, t, signals);
    if (entry) next.set(t.id, entry);
  }
  return { tracks: capTable(next, MAX_TRACKED_PER_RULE, onDrop), spots, signals };
}
