import type { TrackFrame, TrackSnapshot } from '../contracts/track.js';
import type { WrongWayRuleConfig } from '../config/schema.js';
import { anchorPoint } from '../geometry/anchor.js';
import { pointInPolygon } from '../geometry/polygon.js';
import { angleBetweenDeg, dot, normalize, type Vec2 } from '../geometry/vector.js';
import { classMatcher } from './class-filter.js';
import { findZone } from './scene.js';
import { endedSignal, perTrackRule, trackSignal } from './per-track.js';
import { RuleConfigError, type Rule, type RuleMeta, type RuleScene, type RuleSignal } from './types.js';

/** Seconds of in-zone history the displacement is measured over. */
export const WRONG_WAY_HISTORY_S = 10;
/** Samples closer in time than this are not stored (keeps the history small at high fps). */
export const WRONG_WAY_SAMPLE_GAP_S = 0.1;
/** Upper bound on stored samples per track, whatever the fps. */
export const WRONG_WAY_MAX_SAMPLES = Math.ceil(WRONG_WAY_HISTORY_S / WRONG_WAY_SAMPLE_GAP_S) + 1;
/** Fewest samples a trend is fitted on: below this, one jittery box could decide. */
export const WRONG_WAY_MIN_SAMPLES = 4;
/** Once raised, the situation holds while the track keeps this share of min_distance against the flow. */
export const WRONG_WAY_RELEASE_RATIO = 0.5;

/** Float slack on thresholds, so a distance of exactly min_distance counts. */
const THRESHOLD_EPS = 1e-9;

interface Sample {
  readonly t: number;
  readonly x: number;
  readonly y: number;
}

interface WrongWayTrack {
  readonly lastSeenS: number;
  /** Anchor positions while inside the zone, oldest first, within WRONG_WAY_HISTORY_S. */
  readonly samples: readonly Sample[];
  readonly active: boolean;
}

export interface WrongWayState {
  readonly tracks: ReadonlyMap<number, WrongWayTrack>;
}

/** Movement of a track over its history: least-squares trend times the time span. */
export interface Trend {
  /** Displacement [dx, dy] in normalised units over the history. */
  readonly displacement: Vec2;
  readonly spanS: number;
}

/**
 * Fits x(t) and y(t) by least squares and returns the fitted displacement over the
 * samples' time span. Uses every sample, so one jittery box moves it by ~1/n of its
 * error instead of the full error a first-to-last difference would take.
 */
export function fitTrend(samples: readonly Sample[]): Trend | null {
  const n = samples.length;
  if (n < 2) return null;
  let mt = 0;
  let mx = 0;
  let my = 0;
  for (const s of samples) {
    mt += s.t;
    mx += s.x;
    my += s.y;
  }
  mt /= n;
  mx /= n;
  my /= n;
  let stt = 0;
  let stx = 0;
  let sty = 0;
  for (const s of samples) {
    const dt = s.t - mt;
    stt += dt * dt;
    stx += dt * (s.x - mx);
    sty += dt * (s.y - my);
  }
  if (stt <= 1e-12) return null;
  const first = samples[0] as Sample;
  const last = samples[n - 1] as Sample;
  const spanS = last.t - first.t;
  return { displacement: [(stx / stt) * spanS, (sty / stt) * spanS], spanS };
}

/**
 * Wrong way: a track of a selected class, inside a zone with an allowed direction,
 * whose movement over its recent in-zone history goes against that direction by at
 * least `min_distance`, within `max_angle_deg` of the exact reverse.
 */
export function createWrongWayRule(config: WrongWayRuleConfig, scene: RuleScene): Rule<WrongWayState> {
  const zone = findZone(scene, config.id, config.zone);
  const allowed = zone.direction ? normalize(zone.direction) : null;
  if (!allowed) {
    throw new RuleConfigError(config.id, `zone "${zone.id}" has no direction: add direction: [dx, dy] to the zone`);
  }
  const reverse: Vec2 = [-allowed[0], -allowed[1]];
  const matches = classMatcher(config.classes);
  const meta: RuleMeta = { id: config.id, type: 'wrong_way', severity: config.severity, cooldownS: config.cooldown_s };

  /** How far against the flow the trend goes, and how far off the exact reverse it points. */
  function against(trend: Trend): { readonly distance: number; readonly angleDeg: number } {
    return { distance: dot(trend.displacement, reverse), angleDeg: angleBetweenDeg(trend.displacement, reverse) };
  }

  function step(prev: WrongWayTrack | undefined, t: TrackSnapshot, frame: TrackFrame, signals: RuleSignal[]): WrongWayTrack | undefined {
    const p = anchorPoint(t.box, frame, config.anchor, t.cls);
    if (!matches(t.cls) || !pointInPolygon(p, zone.polygon)) {
      if (prev?.active) signals.push(endedSignal(meta, t.id, frame.tSec, 'left'));
      return undefined;
    }
    const samples = appendSample(prev?.samples ?? [], { t: frame.tSec, x: p[0], y: p[1] });
    const trend = samples.length >= WRONG_WAY_MIN_SAMPLES ? fitTrend(samples) : null;
    const m = trend ? against(trend) : null;
    const needed = prev?.active ? config.min_distance * WRONG_WAY_RELEASE_RATIO : config.min_distance;
    const wrong = m !== null && m.distance > 0 && m.distance >= needed - THRESHOLD_EPS && m.angleDeg <= config.max_angle_deg + THRESHOLD_EPS;

    if (wrong && m && trend) {
      signals.push(
        trackSignal('situation.active', meta, t, frame, {
          zone: zone.id,
          distance: round(m.distance, 4),
          angle_deg: round(m.angleDeg, 1),
          over_s: round(trend.spanS, 3),
        }),
      );
    } else if (prev?.active) {
      signals.push(endedSignal(meta, t.id, frame.tSec, 'stopped'));
    }
    return { lastSeenS: frame.tSec, samples, active: wrong };
  }

  return perTrackRule(meta, step);
}

/** New history with `s` appended (or replacing a too-recent newest sample), trimmed to the window. */
function appendSample(samples: readonly Sample[], s: Sample): readonly Sample[] {
  // The newest sample is always kept; it replaces the previous newest while that one
  // is still within the sample gap of the sample before it.
  const beforeLast = samples[samples.length - 2];
  const base = beforeLast && s.t - beforeLast.t < WRONG_WAY_SAMPLE_GAP_S ? samples.slice(0, -1) : samples;
  const keepFrom = s.t - WRONG_WAY_HISTORY_S;
  let start = 0;
  while (start < base.length && (base[start] as Sample).t < keepFrom) start++;
  start = Math.max(start, base.length + 1 - WRONG_WAY_MAX_SAMPLES);
  return [...base.slice(start), s];
}

function round(x: number, decimals: number): number {
  const k = 10 ** decimals;
  return Math.round(x * k) / k;
}
