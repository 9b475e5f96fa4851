import type { TrackSnapshot } from '../contracts/track.js';
import type { VehicleDepartureRuleConfig } from '../config/schema.js';
import { anchorPoint } from '../geometry/anchor.js';
import { pointInPolygon } from '../geometry/polygon.js';
import { classMatcher } from './class-filter.js';
import { ruleMeta } from './meta.js';
import { trackSignal } from './per-track.js';
import { findZone } from './scene.js';
import { boxScale, distance, inheritStillness, medianPlace, updateStillness, type RestPlace, type Stillness } from './stationary.js';
import { stepWithSpots, type StillSpot } from './stationary-spots.js';
import type { Rule, RuleMeta, RuleScene, RuleSignal } from './types.js';

/** Samples whose median is "where the vehicle is now" (one wild box cannot make it leave). */
const RECENT_SAMPLES = 3;
/** Gone when the vehicle is this many of its own sizes from where it was parked. */
export const DEPARTURE_DISTANCE_SIZES = 1;

/** A stretch of being parked in the zone: since when, until when last seen still, and where. */
interface Parking {
  readonly sinceS: number;
  readonly untilS: number;
  readonly place: RestPlace;
}

interface DepartureTrack {
  readonly lastSeenS: number;
  readonly still: Stillness;
  /** Its current or latest parking in the zone; null once it has departed or before it ever parked. */
  readonly parking: Parking | null;
}

export interface VehicleDepartureState {
  /** Every vehicle track (a parked one must be followed out of the zone). */
  readonly tracks: ReadonlyMap<number, DepartureTrack>;
  readonly spots: readonly StillSpot[];
}

/**
 * Vehicle departure: a vehicle that stood still in the zone for at least
 * `min_parked_s` and then drives away (its anchor leaves the zone, or it is
 * more than its own size from where it stood) raises one instant signal. Pulling
 * out a little and stopping again does not count: the parking goes on from the
 * first place.
 */
export function createVehicleDepartureRule(config: VehicleDepartureRuleConfig, scene: RuleScene): Rule<VehicleDepartureState> {
  const zone = findZone(scene, config.id, config.zone);
  const matches = classMatcher(config.classes);
  const meta: RuleMeta = ruleMeta(config, 'vehicle_departure');

  return {
    meta,
    init: () => ({ tracks: new Map(), spots: [] }),
    evaluate(state, frame) {
      const t = frame.tSec;

      function step(prev: DepartureTrack | undefined, claimed: StillSpot | null, s: TrackSnapshot, signals: RuleSignal[]): DepartureTrack {
        const inZone = pointInPolygon(anchorPoint(s.box, frame, config.anchor, s.cls), zone.polygon);
        if (claimed && !prev) {
          // Re-created on the spot of a parked vehicle: it is that vehicle, still parked.
          return { lastSeenS: t, still: inheritStillness(claimed.rest, claimed.sinceS, s.box, t), parking: { sinceS: claimed.sinceS, untilS: t, place: claimed.rest } };
        }
        const still = updateStillness(prev?.still, s.box, t);
        let parking = prev?.parking ?? null;
        const now = medianPlace(still.samples.slice(-RECENT_SAMPLES));
        const away = parking !== null && distance(now, parking.place) >= DEPARTURE_DISTANCE_SIZES * boxScale(parking.place);

        if (parking && (away || !inZone)) {
          if (parking.untilS - parking.sinceS >= config.min_parked_s - 1e-9) {
            signals.push(
              trackSignal('instant', meta, s, frame, {
                zone: zone.id,
                parked_s: round1(parking.untilS - parking.sinceS),
                reason: inZone ? 'moved' : 'left_zone',
              }),
            );
          }
          parking = null;
        } else if (still.stillSinceS !== null && still.rest && inZone) {
          parking = parking ? { ...parking, untilS: t } : { sinceS: still.stillSinceS, untilS: t, place: still.rest };
        }
        return { lastSeenS: t, still, parking };
      }

      const spotOf = (e: DepartureTrack, lostS: number): StillSpot | null =>
        e.parking && e.still.stillSinceS !== null ? { rest: e.parking.place, sinceS: e.parking.sinceS, lostS } : null;
      const next = stepWithSpots(meta, state, frame, (s) => matches(s.cls), step, spotOf);
      return { state: { tracks: next.tracks, spots: next.spots }, signals: next.signals };
    },
  };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
