import type { TrackFrame, TrackSnapshot } from '../contracts/track.js';
import type { IntrusionRuleConfig } from '../config/schema.js';
import { anchorPoint } from '../geometry/anchor.js';
import { pointInPolygon } from '../geometry/polygon.js';
import { classMatcher } from './class-filter.js';
import { ruleMeta } from './meta.js';
import { findZone } from './scene.js';
import { endedSignal, perTrackRule, trackSignal } from './per-track.js';
import type { Rule, RuleMeta, RuleScene, RuleSignal } from './types.js';

/** Per-track memory: since when the anchor has been inside, and whether the situation is raised. */
interface IntrusionTrack {
  readonly enteredS: number;
  readonly lastSeenS: number;
  readonly active: boolean;
}

export interface IntrusionState {
  /** Only tracks whose anchor is inside the zone (or briefly absent) are kept. */
  readonly tracks: ReadonlyMap<number, IntrusionTrack>;
}

/**
 * Intrusion: a track of a selected class whose anchor stays inside the zone for at
 * least `min_duration_s` raises a situation that lasts until the anchor leaves the
 * zone or the track ends.
 */
export function createIntrusionRule(config: IntrusionRuleConfig, scene: RuleScene): Rule<IntrusionState> {
  const zone = findZone(scene, config.id, config.zone);
  const matches = classMatcher(config.classes);
  const meta: RuleMeta = ruleMeta(config, 'intrusion');

  function step(prev: IntrusionTrack | undefined, t: TrackSnapshot, frame: TrackFrame, signals: RuleSignal[]): IntrusionTrack | undefined {
    const inside = matches(t.cls) && pointInPolygon(anchorPoint(t.box, frame, config.anchor, t.cls), zone.polygon);
    if (!inside) {
      if (prev?.active) signals.push(endedSignal(meta, t.id, frame.tSec, 'left'));
      return undefined;
    }
    const enteredS = prev?.enteredS ?? frame.tSec;
    const dwellS = frame.tSec - enteredS;
    const active = dwellS >= config.min_duration_s;
    if (active) {
      signals.push(trackSignal('situation.active', meta, t, frame, { zone: zone.id, dwell_s: round3(dwellS) }));
    }
    return { enteredS, lastSeenS: frame.tSec, active };
  }

  return perTrackRule(meta, step);
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
