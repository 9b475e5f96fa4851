import type { TrackFrame, TrackSnapshot } from '../contracts/track.js';
import type { LoiteringRuleConfig } from '../config/schema.js';
import { anchorPoint } from '../geometry/anchor.js';
import { pointInPolygon } from '../geometry/polygon.js';
import { classMatcher } from './class-filter.js';
import { round3 } from './crowd-zone.js';
import { ruleMeta } from './meta.js';
import { endedSignal, perTrackRule, trackSignal, type PerTrackState } from './per-track.js';
import { findZone } from './scene.js';
import type { Rule, RuleMeta, RuleScene, RuleSignal } from './types.js';

/**
 * Seconds a track may spend outside the zone and still keep its loitering clock:
 * someone pacing along the zone's edge, stepping round a parked car, is still
 * loitering. Longer absences start the clock again on return.
 */
export const LOITERING_EXIT_GRACE_S = 5;

/** Float slack so a stay of exactly min_duration_s counts. */
const EPS = 1e-9;

interface LoiteringTrack {
  /** When the track first entered the zone (this visit, brief exits included). */
  readonly firstInS: number;
  /** Last frame time the track's anchor was inside the zone. */
  readonly lastInS: number;
  readonly lastSeenS: number;
  readonly active: boolean;
}

export type LoiteringState = PerTrackState<LoiteringTrack>;

/**
 * Loitering: a track of the selected classes that has been around the zone for
 * `min_duration_s`, counted from its first entry, with exits shorter than
 * LOITERING_EXIT_GRACE_S included (unlike intrusion, whose dwell restarts at
 * every exit). The situation holds while the anchor is inside; it ends once the
 * track has been out longer than the grace, or ends.
 */
export function createLoiteringRule(config: LoiteringRuleConfig, scene: RuleScene): Rule<LoiteringState> {
  const zone = findZone(scene, config.id, config.zone);
  const matches = classMatcher(config.classes);
  const meta: RuleMeta = ruleMeta(config, 'loitering');

  function step(prev: LoiteringTrack | undefined, t: TrackSnapshot, frame: TrackFrame, signals: RuleSignal[]): LoiteringTrack | undefined {
    if (!matches(t.cls)) return undefined;
    const inside = pointInPolygon(anchorPoint(t.box, frame, config.anchor, t.cls), zone.polygon);
    if (!inside) {
      if (!prev) return undefined;
      if (frame.tSec - prev.lastInS <= LOITERING_EXIT_GRACE_S) return { ...prev, lastSeenS: frame.tSec };
      if (prev.active) signals.push(endedSignal(meta, t.id, frame.tSec, 'left'));
      return undefined;
    }
    const resumed = prev !== undefined && frame.tSec - prev.lastInS <= LOITERING_EXIT_GRACE_S;
    // Only a gap in the frames themselves gets here with a stale raised entry: close it before starting again.
    if (prev?.active && !resumed) signals.push(endedSignal(meta, t.id, frame.tSec, 'left'));
    const firstInS = resumed ? prev.firstInS : frame.tSec;
    const dwellS = frame.tSec - firstInS;
    const active = dwellS >= config.min_duration_s - EPS;
    if (active) signals.push(trackSignal('situation.active', meta, t, frame, { zone: zone.id, dwell_s: round3(dwellS) }));
    return { firstInS, lastInS: frame.tSec, lastSeenS: frame.tSec, active };
  }

  return perTrackRule(meta, step);
}
