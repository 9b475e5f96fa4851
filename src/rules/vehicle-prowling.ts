import type { TrackFrame, TrackSnapshot } from '../contracts/track.js';
import type { VehicleProwlingRuleConfig } from '../config/schema.js';
import { anchorPoint } from '../geometry/anchor.js';
import { pointInPolygon } from '../geometry/polygon.js';
import { classMatcher } from './class-filter.js';
import { ruleMeta } from './meta.js';
import { endedSignal, trackSignal } from './per-track.js';
import { findZone } from './scene.js';
import { boxScale, distance, updateStillness, type RestPlace, type Stillness } from './stationary.js';
import { ABSENT_GRACE_S, MAX_TRACKED_PER_RULE, capTable, carryAbsent, liveTracks, type DropReason } from './track-table.js';
import type { Rule, RuleMeta, RuleScene, RuleSignal } from './types.js';

/** A person is at a vehicle when the foot point is inside its box grown by this share of its width/height on each side. */
export const PROWL_REACH = 0.3;
/** A person lingers at a vehicle while staying within this share of the vehicle's size of where they stopped. */
export const LINGER_DRIFT = 0.5;
/** Most distinct vehicles remembered per person (far above any sensible min_vehicles). */
const MAX_VISITS = 64;

interface VehicleTrack {
  readonly lastSeenS: number;
  readonly still: Stillness;
}

/** One stationary vehicle a person came to: where it stood (so a re-created track of it is the same car) and when. */
interface Visit {
  readonly vehicleId: number;
  readonly place: RestPlace;
  readonly lastS: number;
}

/** A person near a stationary vehicle: since when, and from where (pixels) they have lingered there. */
interface Approach {
  readonly vehicleId: number;
  readonly sinceS: number;
  readonly x: number;
  readonly y: number;
}

interface PersonTrack {
  readonly lastSeenS: number;
  /** Stationary vehicles the person is near now. */
  readonly approaches: readonly Approach[];
  /** Distinct vehicles visited within the window, oldest visit first. */
  readonly visits: readonly Visit[];
  readonly active: boolean;
}

export interface VehicleProwlingState {
  readonly vehicles: ReadonlyMap<number, VehicleTrack>;
  /** People whose foot point is in the zone, or who visited vehicles in the window. */
  readonly people: ReadonlyMap<number, PersonTrack>;
}

/**
 * Vehicle prowling: one person who, inside the zone, lingers at least
 * `min_visit_s` at each of at least `min_vehicles` distinct stationary
 * vehicles within `window_s` (the door-trying pattern of car theft). Walking
 * past parked cars is not lingering: the person must stay within half a
 * vehicle size of one place while near the vehicle. The situation holds, per person, while
 * that many visits are within the window and the person is in the zone.
 */
export function createVehicleProwlingRule(config: VehicleProwlingRuleConfig, scene: RuleScene): Rule<VehicleProwlingState> {
  const zone = findZone(scene, config.id, config.zone);
  const isPerson = classMatcher(config.classes);
  const isVehicle = classMatcher(config.vehicle_classes);
  const meta: RuleMeta = ruleMeta(config, 'vehicle_prowling');

  function stepVehicles(prev: ReadonlyMap<number, VehicleTrack>, frame: TrackFrame): Map<number, VehicleTrack> {
    const next = carryAbsent(prev, frame, ABSENT_GRACE_S, () => undefined);
    for (const v of liveTracks(frame)) {
      if (!isVehicle(v.cls)) continue;
      next.set(v.id, { lastSeenS: frame.tSec, still: updateStillness(prev.get(v.id)?.still, v.box, frame.tSec) });
    }
    return capTable(next, MAX_TRACKED_PER_RULE, () => undefined);
  }

  return {
    meta,
    init: () => ({ vehicles: new Map(), people: new Map() }),
    evaluate(state, frame) {
      const t = frame.tSec;
      const signals: RuleSignal[] = [];
      const vehicles = stepVehicles(state.vehicles, frame);
      const parked: { readonly id: number; readonly place: RestPlace; readonly box: TrackSnapshot['box'] }[] = [];
      for (const v of liveTracks(frame)) {
        const rest = vehicles.get(v.id)?.still.rest;
        if (rest && isVehicle(v.cls)) parked.push({ id: v.id, place: rest, box: v.box });
      }

      const onDrop = (id: number, entry: PersonTrack, reason: DropReason): void => {
        if (entry.active) signals.push(endedSignal(meta, id, t, reason));
      };
      const people = carryAbsent(state.people, frame, ABSENT_GRACE_S, onDrop);
      for (const p of liveTracks(frame)) {
        if (!isPerson(p.cls) || isVehicle(p.cls)) continue;
        const prev = state.people.get(p.id);
        const foot = anchorPoint(p.box, frame, 'bottom_center', p.cls);
        const inZone = pointInPolygon(anchorPoint(p.box, frame, config.anchor, p.cls), zone.polygon);
        let visits: readonly Visit[] = (prev?.visits ?? []).filter((v) => t - v.lastS <= config.window_s + 1e-9);
        const approaches: Approach[] = [];
        if (inZone) {
          const fx = foot[0] * frame.width;
          const fy = foot[1] * frame.height;
          for (const car of parked) {
            if (!nearBox(fx, fy, car.box)) continue;
            const before = prev?.approaches.find((a) => a.vehicleId === car.id);
            // Moving on along the car restarts the lingering from here.
            const lingering = before && Math.hypot(fx - before.x, fy - before.y) <= LINGER_DRIFT * boxScale(car.place);
            const approach: Approach = lingering ? before : { vehicleId: car.id, sinceS: t, x: fx, y: fy };
            if (approaches.length < MAX_VISITS) approaches.push(approach);
            if (t - approach.sinceS >= config.min_visit_s - 1e-9) visits = addVisit(visits, { vehicleId: car.id, place: car.place, lastS: t });
          }
        }
        const active = inZone && visits.length >= config.min_vehicles;
        if (active) signals.push(trackSignal('situation.active', meta, p, frame, { zone: zone.id, vehicles: visits.length }));
        else if (prev?.active) signals.push(endedSignal(meta, p.id, t, inZone ? 'stopped' : 'left'));
        if (inZone || visits.length > 0) people.set(p.id, { lastSeenS: t, approaches, visits, active });
      }
      return { state: { vehicles, people: capTable(people, MAX_TRACKED_PER_RULE, onDrop) }, signals };
    },
  };
}

/** Whether a pixel point is inside a box grown by PROWL_REACH of its size on each side. */
function nearBox(x: number, y: number, box: TrackSnapshot['box']): boolean {
  const [x1, y1, x2, y2] = box;
  const mx = (x2 - x1) * PROWL_REACH;
  const my = (y2 - y1) * PROWL_REACH;
  return x >= x1 - mx && x <= x2 + mx && y >= y1 - my && y <= y2 + my;
}

/** Visits with this one recorded: a vehicle already visited (same track, or same place) is refreshed, not added. */
function addVisit(visits: readonly Visit[], visit: Visit): readonly Visit[] {
  const same = (v: Visit): boolean => v.vehicleId === visit.vehicleId || distance(v.place, visit.place) <= 0.5 * Math.max(boxScale(v.place), boxScale(visit.place));
  const others = visits.filter((v) => !same(v));
  const kept = others.length >= MAX_VISITS ? others.slice(others.length - MAX_VISITS + 1) : others;
  return [...kept, visit];
}
