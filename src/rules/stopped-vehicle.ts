import type { TrackSnapshot } from '../contracts/track.js';
import type { StoppedVehicleRuleConfig } from '../config/schema.js';
import { anchorPoint } from '../geometry/anchor.js';
import { pointInPolygon } from '../geometry/polygon.js';
import { classMatcher } from './class-filter.js';
import { ruleMeta } from './meta.js';
import { endedSignal, trackSignal } from './per-track.js';
import { findZone } from './scene.js';
import { inheritStillness, updateStillness, type Stillness } from './stationary.js';
import { stepWithSpots, type StillSpot } from './stationary-spots.js';
import type { Rule, RuleMeta, RuleScene, RuleSignal } from './types.js';

interface StoppedTrack {
  readonly lastSeenS: number;
  readonly still: Stillness;
  readonly active: boolean;
}

export interface StoppedVehicleState {
  /** Vehicles whose anchor is inside the zone. */
  readonly tracks: ReadonlyMap<number, StoppedTrack>;
  /** Where still vehicles were lost, for a track re-created on the spot. */
  readonly spots: readonly StillSpot[];
}

/**
 * Stopped vehicle: a vehicle whose anchor is in the zone and that has stood
 * still (see stationary.ts) for at least `min_duration_s`. The situation lasts
 * until it moves off its rest place, leaves the zone or its track ends.
 */
export function createStoppedVehicleRule(config: StoppedVehicleRuleConfig, scene: RuleScene): Rule<StoppedVehicleState> {
  const zone = findZone(scene, config.id, config.zone);
  const matches = classMatcher(config.classes);
  const meta: RuleMeta = ruleMeta(config, 'stopped_vehicle');

  return {
    meta,
    init: () => ({ tracks: new Map(), spots: [] }),
    evaluate(state, frame) {
      const t = frame.tSec;
      const inZone = (s: TrackSnapshot): boolean => pointInPolygon(anchorPoint(s.box, frame, config.anchor, s.cls), zone.polygon);

      function step(prev: StoppedTrack | undefined, claimed: StillSpot | null, s: TrackSnapshot, signals: RuleSignal[]): StoppedTrack | undefined {
        if (!inZone(s)) {
          if (prev?.active) signals.push(endedSignal(meta, s.id, t, 'left'));
          return undefined;
        }
        const still = claimed && !prev ? inheritStillness(claimed.rest, claimed.sinceS, s.box, t) : updateStillness(prev?.still, s.box, t);
        const stoppedS = still.stillSinceS === null ? 0 : t - still.stillSinceS;
        const active = still.stillSinceS !== null && stoppedS >= config.min_duration_s - 1e-9;
        if (active) signals.push(trackSignal('situation.active', meta, s, frame, { zone: zone.id, stopped_s: round1(stoppedS) }));
        else if (prev?.active) signals.push(endedSignal(meta, s.id, t, 'stopped'));
        return { lastSeenS: t, still, active };
      }

      const spotOf = (e: StoppedTrack, lostS: number): StillSpot | null =>
        e.still.rest && e.still.stillSinceS !== null ? { rest: e.still.rest, sinceS: e.still.stillSinceS, lostS } : null;
      const next = stepWithSpots(meta, state, frame, (s) => matches(s.cls), step, spotOf);
      return { state: { tracks: next.tracks, spots: next.spots }, signals: next.signals };
    },
  };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
