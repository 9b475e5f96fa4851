import type { TrackFrame, TrackSnapshot } from '../contracts/track.js';
import type { CrowdMovementRuleConfig } from '../config/schema.js';
import { anchorPoint } from '../geometry/anchor.js';
import { pointInPolygon } from '../geometry/polygon.js';
import { classMatcher } from './class-filter.js';
import { addPosition, baselineSpeed, currentSpeed, currentVelocity, EMPTY_PACE, type Pace } from './crowd-motion.js';
import { groupSignal, round3 } from './crowd-zone.js';
import { ruleMeta } from './meta.js';
import { findZone } from './scene.js';
import { ABSENT_GRACE_S, MAX_TRACKED_PER_RULE, capTable, carryAbsent, liveTracks } from './track-table.js';
import type { InstantSignal, Rule, RuleMeta, RuleScene, RuleSignal } from './types.js';

/** A rule watches one zone: its movements share this situation key (the lifecycle's cooldown merges them). */
export const CROWD_MOVEMENT_KEY = 0;
/** Seconds the movement must have stopped before a new one is reported. */
export const CROWD_MOVEMENT_REARM_S = 3;
/** Reported speed-ups are capped here (a track that stood still has an infinite ratio). */
const MAX_REPORTED_SPEEDUP = 99;
/** Slack on thresholds, so exactly min_speed or exactly speedup_ratio counts. */
const EPS = 1e-9;

interface MovementTrack {
  readonly lastSeenS: number;
  readonly pace: Pace;
}

export interface CrowdMovementState {
  /** Every track of the selected classes, in the zone or not (a pace is learnt before entering). */
  readonly tracks: ReadonlyMap<number, MovementTrack>;
  /** Last frame time at which the movement held. */
  readonly lastHeldS: number;
}

/** One track in the zone with a known pace, and whether it takes part in the movement. */
interface Judged {
  readonly track: TrackSnapshot;
  readonly position: readonly [number, number];
  /** Frame widths per second. */
  readonly velocity: readonly [number, number];
  readonly speedup: number;
  readonly moving: boolean;
}

/**
 * Crowd movement: at one moment, at least `min_tracks` tracks in the zone, and at
 * least `min_share` of those whose pace is known, move at `min_speed` or more AND
 * `speedup_ratio` times faster than their own baseline (median speed over the
 * previous seconds). An instant signal when it starts; a new one only after it
 * has stopped for CROWD_MOVEMENT_REARM_S.
 */
export function createCrowdMovementRule(config: CrowdMovementRuleConfig, scene: RuleScene): Rule<CrowdMovementState> {
  const zone = findZone(scene, config.id, config.zone);
  const matches = classMatcher(config.classes);
  const meta: RuleMeta = ruleMeta(config, 'crowd_movement');

  /** Anchor in frame widths on both axes (pixels / width), and whether it is in the zone. */
  function locate(t: TrackSnapshot, frame: TrackFrame): { position: readonly [number, number]; inside: boolean } {
    const norm = anchorPoint(t.box, frame, config.anchor, t.cls);
    return { position: [norm[0], (norm[1] * frame.height) / frame.width], inside: pointInPolygon(norm, zone.polygon) };
  }

  function judge(t: TrackSnapshot, pace: Pace, position: readonly [number, number], tSec: number): Judged | undefined {
    const now = currentSpeed(pace, tSec);
    const usual = baselineSpeed(pace, tSec);
    if (now === undefined || usual === undefined) return undefined;
    const speedup = usual > EPS ? now / usual : now > EPS ? Infinity : 1;
    const moving = now >= config.min_speed - EPS && speedup >= config.speedup_ratio - EPS;
    return { track: t, position, velocity: currentVelocity(pace) ?? [0, 0], speedup, moving };
  }

  function evaluate(state: CrowdMovementState, frame: TrackFrame): { state: CrowdMovementState; signals: RuleSignal[] } {
    const tracks = carryAbsent(state.tracks, frame, ABSENT_GRACE_S, () => undefined);
    const judged: Judged[] = [];
    for (const t of liveTracks(frame)) {
      if (!matches(t.cls)) continue;
      const { position, inside } = locate(t, frame);
      const pace = addPosition(state.tracks.get(t.id)?.pace ?? EMPTY_PACE, { t: frame.tSec, x: position[0], y: position[1] });
      tracks.set(t.id, { lastSeenS: frame.tSec, pace });
      const verdict = inside ? judge(t, pace, position, frame.tSec) : undefined;
      if (verdict) judged.push(verdict);
    }
    capTable(tracks, MAX_TRACKED_PER_RULE, () => undefined);

    const moving = judged.filter((j) => j.moving);
    const holds = moving.length >= config.min_tracks && moving.length >= config.min_share * judged.length - EPS;
    if (!holds) return { state: { tracks, lastHeldS: state.lastHeldS }, signals: [] };
    const signals = frame.tSec - state.lastHeldS > CROWD_MOVEMENT_REARM_S ? [movementSignal(frame, judged, moving)] : [];
    return { state: { tracks, lastHeldS: frame.tSec }, signals };
  }

  function movementSignal(frame: TrackFrame, judged: readonly Judged[], moving: readonly Judged[]): InstantSignal {
    const members = moving.map((j) => j.track);
    const speedups = moving.map((j) => Math.min(j.speedup, MAX_REPORTED_SPEEDUP)).sort((a, b) => a - b);
    return groupSignal('instant', meta, CROWD_MOVEMENT_KEY, members, frame, {
      zone: zone.id,
      tracks: moving.length,
      present: judged.length,
      speedup: round3(speedups[speedups.length >> 1] as number),
      scatter_share: round3(scatterShare(moving, judged)),
    });
  }

  return { meta, init: () => ({ tracks: new Map(), lastHeldS: -Infinity }), evaluate };
}

/**
 * Share of the moving tracks heading away from the centroid of all judged tracks
 * (velocity within 60 degrees of the outward direction): near 1 when a crowd
 * scatters, near 0.5 or below when it surges one way past its own centre.
 */
function scatterShare(moving: readonly Judged[], judged: readonly Judged[]): number {
  const cx = judged.reduce((s, j) => s + j.position[0], 0) / judged.length;
  const cy = judged.reduce((s, j) => s + j.position[1], 0) / judged.length;
  let outward = 0;
  for (const j of moving) {
    const v = j.velocity;
    const [rx, ry] = [j.position[0] - cx, j.position[1] - cy];
    const norms = Math.hypot(rx, ry) * Math.hypot(v[0], v[1]);
    if (norms > EPS && (rx * v[0] + ry * v[1]) / norms >= 0.5) outward += 1;
  }
  return outward / moving.length;
}
