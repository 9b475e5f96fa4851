import type { TrackFrame, TrackSnapshot } from '../contracts/track.js';
import type { PersonDownRuleConfig } from '../config/schema.js';
import { anchorPoint } from '../geometry/anchor.js';
import { pointInPolygon } from '../geometry/polygon.js';
import { classMatcher } from './class-filter.js';
import { ruleMeta } from './meta.js';
import { endedSignal, perTrackRule, trackSignal } from './per-track.js';
import { findZone } from './scene.js';
import { updateStillness, type BoxSample, type Stillness } from './stationary.js';
import type { Rule, RuleMeta, RuleScene, RuleSignal } from './types.js';

/** Seconds of boxes whose median aspect decides lying (one odd box cannot). */
export const ASPECT_WINDOW_S = 1;
/** Once lying, a person stays lying while the aspect stays above this share of min_aspect. */
export const ASPECT_HOLD_RATIO = 0.85;

interface DownTrack {
  readonly lastSeenS: number;
  readonly still: Stillness;
  /** Since when the box has been lying (wider than tall); null while upright. */
  readonly lyingSinceS: number | null;
  readonly active: boolean;
}

export interface PersonDownState {
  readonly tracks: ReadonlyMap<number, DownTrack>;
}

/**
 * Person down: a person whose box has been lying (width / height at least
 * `min_aspect`, median over the last second) and still (see stationary.ts)
 * for at least `min_duration_s`. Seen from a usual street camera, a standing
 * or walking person is two to three times taller than wide, a person lying
 * across the view wider than tall. The situation lasts until the person gets
 * up or moves off, leaves the zone or the track ends.
 */
export function createPersonDownRule(config: PersonDownRuleConfig, scene: RuleScene): Rule<PersonDownState> {
  const zone = config.zone === undefined ? null : findZone(scene, config.id, config.zone);
  const matches = classMatcher(config.classes);
  const meta: RuleMeta = ruleMeta(config, 'person_down');

  function step(prev: DownTrack | undefined, p: TrackSnapshot, frame: TrackFrame, signals: RuleSignal[]): DownTrack | undefined {
    const t = frame.tSec;
    const inside = matches(p.cls) && (zone === null || pointInPolygon(anchorPoint(p.box, frame, config.anchor, p.cls), zone.polygon));
    if (!inside) {
      if (prev?.active) signals.push(endedSignal(meta, p.id, t, 'left'));
      return undefined;
    }
    const still = updateStillness(prev?.still, p.box, t);
    const aspect = recentAspect(still.samples, t);
    const needed = prev?.lyingSinceS != null ? config.min_aspect * ASPECT_HOLD_RATIO : config.min_aspect;
    const lyingSinceS = aspect >= needed ? (prev?.lyingSinceS ?? t) : null;
    const downSinceS = lyingSinceS !== null && still.stillSinceS !== null ? Math.max(lyingSinceS, still.stillSinceS) : null;
    const downS = downSinceS === null ? 0 : t - downSinceS;
    const active = downSinceS !== null && downS >= config.min_duration_s - 1e-9;
    if (active) signals.push(trackSignal('situation.active', meta, p, frame, { aspect: Math.round(aspect * 100) / 100, still_s: Math.round(downS * 10) / 10 }));
    else if (prev?.active) signals.push(endedSignal(meta, p.id, t, 'stopped'));
    return { lastSeenS: t, still, lyingSinceS, active };
  }

  return perTrackRule(meta, step);
}

/** Median width / height of the boxes of the last ASPECT_WINDOW_S seconds. */
function recentAspect(samples: readonly BoxSample[], t: number): number {
  const aspects: number[] = [];
  for (let i = samples.length - 1; i >= 0; i--) {
    const s = samples[i] as BoxSample;
    if (t - s.t > ASPECT_WINDOW_S + 1e-9) break;
    aspects.push(s.h > 0 ? s.w / s.h : 0);
  }
  aspects.sort((a, b) => a - b);
  const m = aspects.length >> 1;
  return aspects.length % 2 === 1 ? (aspects[m] as number) : ((aspects[m - 1] as number) + (aspects[m] as number)) / 2;
}
