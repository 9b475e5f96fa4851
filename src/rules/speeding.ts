import type { NormPoint } from '../contracts/geometry.js';
import type { TrackFrame, TrackSnapshot } from '../contracts/track.js';
import type { SpeedingRuleConfig } from '../config/schema.js';
import { anchorPoint } from '../geometry/anchor.js';
import { createGroundPlane, type GroundPlane, type GroundPoint } from '../geometry/homography.js';
import { segmentIntersection } from '../geometry/line.js';
import { pointInPolygon } from '../geometry/polygon.js';
import { leastSquaresVelocity } from '../geometry/series.js';
import { classMatcher } from './class-filter.js';
import { ruleMeta } from './meta.js';
import { perTrackRule, trackSignal } from './per-track.js';
import { findLine, findZone } from './scene.js';
import { RuleConfigError, type Rule, type RuleMeta, type RuleScene, type RuleSignal } from './types.js';

/** Seconds of ground positions a ground-plane speed is fitted over. */
export const GROUND_FIT_S = 1;
/** A ground-plane speed needs this much time span and this many positions. */
export const GROUND_MIN_SPAN_S = 0.8;
export const GROUND_MIN_SAMPLES = 4;
/** Upper bound on stored positions per track, whatever the fps. */
const GROUND_MAX_SAMPLES = 64;
const MS_TO_KMH = 3.6;

type Line = ReturnType<typeof findLine>;

interface GroundSample {
  readonly t: number;
  readonly x: number;
  readonly y: number;
}

interface SpeedTrack {
  readonly lastSeenS: number;
  /** Anchor in the previous frame (normalised). */
  readonly lastP: NormPoint;
  /** Lines: when the anchor last crossed entry_line (interpolated), null before or once measured. */
  readonly entryS: number | null;
  /** Ground plane: positions in metres inside the zone, oldest first, within GROUND_FIT_S. */
  readonly ground: readonly GroundSample[];
  /** Ground plane: already reported during this pass through the zone. */
  readonly reported: boolean;
}

export interface SpeedingState {
  readonly tracks: ReadonlyMap<number, SpeedTrack>;
}

/**
 * Speeding: a vehicle faster than `speed_limit_kmh`, measured either
 *  - between two lines a known ground distance apart: the time from crossing
 *    `entry_line` to crossing `exit_line`, each crossing time interpolated
 *    between the two frames around it (constant speed assumed in between); or
 *  - on the camera's ground plane, inside `zone`: the least-squares velocity of
 *    the anchor's ground positions over the last GROUND_FIT_S seconds, once per
 *    pass through the zone.
 * One instant signal per measurement above the limit.
 */
export function createSpeedingRule(config: SpeedingRuleConfig, scene: RuleScene): Rule<SpeedingState> {
  const matches = classMatcher(config.classes);
  const meta: RuleMeta = ruleMeta(config, 'speeding');
  const lines = config.entry_line !== undefined && config.exit_line !== undefined && config.distance_m !== undefined
    ? { entry: findLine(scene, config.id, config.entry_line), exit: findLine(scene, config.id, config.exit_line), distanceM: config.distance_m }
    : null;
  const zone = !lines && config.zone !== undefined ? findZone(scene, config.id, config.zone) : null;
  if (!lines && !(zone && scene.groundPlane)) {
    throw new RuleConfigError(config.id, 'give entry_line, exit_line and distance_m, or a zone on a camera with a ground_plane');
  }
  const plane: GroundPlane | null = zone && scene.groundPlane ? createGroundPlane(scene.groundPlane) : null;

  function signal(t: TrackSnapshot, frame: TrackFrame, speedKmh: number, method: 'lines' | 'ground_plane', signals: RuleSignal[]): void {
    if (speedKmh <= config.speed_limit_kmh) return;
    signals.push(trackSignal('instant', meta, t, frame, { speed_kmh: Math.round(speedKmh * 10) / 10, limit_kmh: config.speed_limit_kmh, method }));
  }

  function stepLines(prev: SpeedTrack, p: NormPoint, t: TrackSnapshot, frame: TrackFrame, signals: RuleSignal[], l: NonNullable<typeof lines>): number | null {
    let entryS = prev.entryS;
    const entered = crossingTime(prev.lastP, prev.lastSeenS, p, frame.tSec, l.entry);
    if (entered !== null) entryS = entered;
    if (entryS === null) return null;
    const exited = crossingTime(prev.lastP, prev.lastSeenS, p, frame.tSec, l.exit);
    if (exited === null || exited <= entryS) return entryS;
    signal(t, frame, (l.distanceM / (exited - entryS)) * MS_TO_KMH, 'lines', signals);
    return null;
  }

  function stepGround(prev: SpeedTrack | undefined, p: NormPoint, t: TrackSnapshot, frame: TrackFrame, signals: RuleSignal[], pl: GroundPlane): Pick<SpeedTrack, 'ground' | 'reported'> {
    if (!zone || !pointInPolygon(p, zone.polygon)) return { ground: [], reported: false };
    const g: GroundPoint = pl.toGround(p);
    const keepFrom = frame.tSec - GROUND_FIT_S - 1e-9;
    const ground = [...(prev?.ground ?? []).filter((s) => s.t >= keepFrom), { t: frame.tSec, x: g[0], y: g[1] }].slice(-GROUND_MAX_SAMPLES);
    if (prev?.reported) return { ground, reported: true };
    const speed = fittedSpeed(ground);
    if (speed === null || !(speed * MS_TO_KMH > config.speed_limit_kmh)) return { ground, reported: false };
    signal(t, frame, speed * MS_TO_KMH, 'ground_plane', signals);
    return { ground, reported: true };
  }

  function step(prev: SpeedTrack | undefined, t: TrackSnapshot, frame: TrackFrame, signals: RuleSignal[]): SpeedTrack | undefined {
    if (!matches(t.cls)) return undefined;
    const p = anchorPoint(t.box, frame, config.anchor, t.cls);
    const entryS = lines && prev ? stepLines(prev, p, t, frame, signals, lines) : null;
    const ground = plane ? stepGround(prev, p, t, frame, signals, plane) : { ground: [], reported: false };
    return { lastSeenS: frame.tSec, lastP: p, entryS, ...ground };
  }

  return perTrackRule(meta, step);
}

/** When the path p0 (at t0) -> p1 (at t1) crossed the segment of `line`, interpolated; null if it did not. */
export function crossingTime(p0: NormPoint, t0: number, p1: NormPoint, t1: number, line: Line): number | null {
  const hit = segmentIntersection(p0, p1, line.a, line.b);
  return hit ? t0 + hit.t * (t1 - t0) : null;
}

/** Speed in m/s of the least-squares straight-line motion through ground samples; null when too few. */
export function fittedSpeed(samples: readonly GroundSample[]): number | null {
  const n = samples.length;
  if (n < GROUND_MIN_SAMPLES) return null;
  const first = samples[0] as GroundSample;
  const last = samples[n - 1] as GroundSample;
  if (last.t - first.t < GROUND_MIN_SPAN_S - 1e-9) return null;
  const velocity = leastSquaresVelocity(samples);
  return velocity ? Math.hypot(velocity[0], velocity[1]) : null;
}
