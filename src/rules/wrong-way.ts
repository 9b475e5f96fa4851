import type { TrackFrame, TrackSnapshot } from '../contracts/track.js';
import type { WrongWayRuleConfig } from '../config/schema.js';
import { anchorPoint } from '../geometry/anchor.js';
import { pointInPolygon } from '../geometry/polygon.js';
import { appendToHistory, leastSquaresVelocity, type HistoryWindow } from '../geometry/series.js';
import { angleBetweenDeg, dot, normalize, type Vec2 } from '../geometry/vector.js';
import { classMatcher } from './class-filter.js';
import { ruleMeta } from './meta.js';
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
/**
 * Share of the needed distance the box's rear edge must also travel against the
 * flow. A vehicle that drives moves its whole box; a parked one whose box only
 * grows at the front (someone standing behind it merged into the box) moves its
 * centre but not its rear. Below 1 because perspective shrinks a vehicle driving
 * away, so its rear moves less than its centre.
 */
export const WRONG_WAY_REAR_RATIO = 0.5;
/** Seconds of the newest history in which the movement must still be going on to raise. */
export const WRONG_WAY_RECENT_S = 2;
/**
 * Least share of the history's mean speed against the flow that the last
 * WRONG_WAY_RECENT_S must keep. A driving vehicle keeps going; a box that jumped
 * once (a motion ghost snapping back, a merge that ended) leaves a trend over the
 * history but no recent movement.
 */
export const WRONG_WAY_RECENT_SPEED_RATIO = 0.25;

/** Float slack on thresholds, so a distance of exactly min_distance counts. */
const THRESHOLD_EPS = 1e-9;

interface Sample {
  readonly t: number;
  readonly x: number;
  readonly y: number;
}

/** A sample of the anchor and of the box's rear corner (the corner furthest along the allowed direction). */
interface TrackSample extends Sample {
  readonly rearX: number;
  readonly rearY: number;
}

interface WrongWayTrack {
  readonly lastSeenS: number;
  /** Anchor and rear positions while inside the zone, oldest first, within WRONG_WAY_HISTORY_S. */
  readonly samples: readonly TrackSample[];
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
  const velocity = leastSquaresVelocity(samples);
  if (!velocity) return null;
  const spanS = (samples[samples.length - 1] as Sample).t - (samples[0] as Sample).t;
  return { displacement: [velocity[0] * spanS, velocity[1] * spanS], spanS };
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
  const meta: RuleMeta = ruleMeta(config, 'wrong_way');

  /** How far against the flow the trend goes, and how far off the exact reverse it points. */
  function against(trend: Trend): { readonly distance: number; readonly angleDeg: number } {
    return { distance: dot(trend.displacement, reverse), angleDeg: angleBetweenDeg(trend.displacement, reverse) };
  }

  /** The box corner furthest along the allowed direction: the rear of a vehicle going the wrong way. */
  function rearCorner(box: TrackSnapshot['box'], frame: TrackFrame): [number, number] {
    const [x1, y1, x2, y2] = box;
    return [(allowed as Vec2)[0] >= 0 ? x2 / frame.width : x1 / frame.width, (allowed as Vec2)[1] >= 0 ? y2 / frame.height : y1 / frame.height];
  }

  function step(prev: WrongWayTrack | undefined, t: TrackSnapshot, frame: TrackFrame, signals: RuleSignal[]): WrongWayTrack | undefined {
    const p = anchorPoint(t.box, frame, config.anchor, t.cls);
    if (!matches(t.cls) || !pointInPolygon(p, zone.polygon)) {
      if (prev?.active) signals.push(endedSignal(meta, t.id, frame.tSec, 'left'));
      return undefined;
    }
    const [rearX, rearY] = rearCorner(t.box, frame);
    const samples = appendSample(prev?.samples ?? [], { t: frame.tSec, x: p[0], y: p[1], rearX, rearY });
    const trend = samples.length >= WRONG_WAY_MIN_SAMPLES ? fitTrend(samples) : null;
    const m = trend ? against(trend) : null;
    const needed = prev?.active ? config.min_distance * WRONG_WAY_RELEASE_RATIO : config.min_distance;
    const trending = m !== null && trend !== null && m.distance > 0 && m.distance >= needed - THRESHOLD_EPS && m.angleDeg <= config.max_angle_deg + THRESHOLD_EPS;
    // Checks that only a moving vehicle passes, made once the cheap trend test holds.
    const wrong = trending && wholeBoxMoved(samples, needed) && (prev?.active === true || stillMoving(samples, m.distance / Math.max(trend.spanS, 1e-6)));

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

  /** The rear of the box went against the flow too (a box growing at its front moves only its centre). */
  function wholeBoxMoved(samples: readonly TrackSample[], needed: number): boolean {
    const rear = fitTrend(samples.map((s) => ({ t: s.t, x: s.rearX, y: s.rearY })));
    return rear !== null && dot(rear.displacement, reverse) >= needed * WRONG_WAY_REAR_RATIO - THRESHOLD_EPS;
  }

  /** The last seconds still go against the flow at a good share of the history's mean speed. */
  function stillMoving(samples: readonly TrackSample[], meanSpeed: number): boolean {
    const newest = samples[samples.length - 1] as TrackSample;
    const recent = samples.filter((s) => s.t >= newest.t - WRONG_WAY_RECENT_S);
    const fit = recent.length >= WRONG_WAY_MIN_SAMPLES ? fitTrend(recent) : null;
    return fit !== null && fit.spanS > 0 && dot(fit.displacement, reverse) / fit.spanS >= meanSpeed * WRONG_WAY_RECENT_SPEED_RATIO - THRESHOLD_EPS;
  }

  return perTrackRule(meta, step);
}

const HISTORY: HistoryWindow = { gapS: WRONG_WAY_SAMPLE_GAP_S, spanS: WRONG_WAY_HISTORY_S, maxSamples: WRONG_WAY_MAX_SAMPLES };

/** New history with `s` appended, trimmed to the window. */
const appendSample = (samples: readonly TrackSample[], s: TrackSample): readonly TrackSample[] => appendToHistory(samples, s, HISTORY);

function round(x: number, decimals: number): number {
  const k = 10 ** decimals;
  return Math.round(x * k) / k;
}
