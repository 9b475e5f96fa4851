import type { NormPoint } from '../contracts/geometry.js';
import type { TrackFrame, TrackSnapshot } from '../contracts/track.js';
import type { RedLightRuleConfig } from '../config/schema.js';
import { anchorPoint } from '../geometry/anchor.js';
import { segmentIntersection, signedDistanceToLine } from '../geometry/line.js';
import { classMatcher } from './class-filter.js';
import { ruleMeta } from './meta.js';
import { trackSignal } from './per-track.js';
import { findLine, findZone } from './scene.js';
import { ABSENT_GRACE_S, MAX_TRACKED_PER_RULE, capTable, carryAbsent, liveTracks } from './track-table.js';
import { NO_CONTEXT, type Rule, type RuleMeta, type RuleScene, type RuleSignal } from './types.js';

/**
 * Distance the anchor must get past the stop line before a crossing counts, as a
 * share of the box size (mean of width and height, pixels): a car waiting on the
 * line with a jittering box is not crossing, whatever its distance to the camera.
 */
export const STOP_LINE_HYSTERESIS = 0.25;
/**
 * Seconds a red lamp may read `off` and still be red: LED lamps flicker at mains
 * frequency and a camera sometimes catches them dark.
 */
export const LAMP_DROPOUT_S = 0.5;

type Side = -1 | 0 | 1;

/** The red phase the lamp is in: since the first frame it read red, and the last frame it did. */
interface RedPhase {
  readonly sinceS: number;
  readonly lastRedS: number;
}

interface StopLineTrack {
  readonly lastSeenS: number;
  readonly lastP: NormPoint;
  /** Last side reached at least the hysteresis away from the line; 0 until then. */
  readonly side: Side;
  /** The latest pass over the stop segment not yet confirmed: was the lamp surely red then? */
  readonly pass: { readonly red: boolean } | null;
}

export interface RedLightState {
  readonly tracks: ReadonlyMap<number, StopLineTrack>;
  readonly red: RedPhase | null;
}

/**
 * Red light: a vehicle whose anchor crosses the stop line (in `direction`)
 * while the lamp in `signal_zone` reads red. The lamp must already read red in
 * a frame before the crossing: a vehicle crossing in the frame interval in
 * which the light turned red (or during amber) gets the benefit of the doubt.
 * Reads `context.scene.lamps` (the scene stage's lamp reader).
 */
export function createRedLightRule(config: RedLightRuleConfig, scene: RuleScene): Rule<RedLightState> {
  const line = findLine(scene, config.id, config.stop_line);
  const signalZone = findZone(scene, config.id, config.signal_zone);
  const matches = classMatcher(config.classes);
  const meta: RuleMeta = ruleMeta(config, 'red_light');

  function stepTrack(prev: StopLineTrack | undefined, t: TrackSnapshot, frame: TrackFrame, red: RedPhase | null, signals: RuleSignal[]): StopLineTrack {
    const p = anchorPoint(t.box, frame, config.anchor, t.cls);
    const toPx = (q: NormPoint): NormPoint => [q[0] * frame.width, q[1] * frame.height];
    const dPx = signedDistanceToLine(toPx(p), toPx(line.a), toPx(line.b));
    const sizePx = (t.box[2] - t.box[0] + (t.box[3] - t.box[1])) / 2;
    const sideNow: Side = Math.abs(dPx) >= STOP_LINE_HYSTERESIS * sizePx ? (dPx > 0 ? 1 : -1) : 0;
    if (!prev) return { lastSeenS: frame.tSec, lastP: p, side: sideNow, pass: null };

    let pass = prev.pass;
    const hit = segmentIntersection(prev.lastP, p, line.a, line.b);
    if (hit) {
      const crossedAt = prev.lastSeenS + hit.t * (frame.tSec - prev.lastSeenS);
      // Surely red: the red phase had begun at a frame before the crossing.
      pass = { red: red !== null && red.sinceS < crossedAt - 1e-9 };
    }
    let side = prev.side;
    if (sideNow !== 0) {
      if (side === -sideNow) {
        const direction = sideNow > 0 ? 'a_to_b' : 'b_to_a';
        if (pass?.red && matches(t.cls) && (config.direction === 'any' || config.direction === direction)) {
          signals.push(trackSignal('instant', meta, t, frame, { line: line.id, direction, lamp: signalZone.id }));
        }
        pass = null;
      }
      side = sideNow;
    }
    return { lastSeenS: frame.tSec, lastP: p, side, pass };
  }

  return {
    meta,
    scene: { lamps: [{ id: signalZone.id, polygon: signalZone.polygon }] },
    init: () => ({ tracks: new Map(), red: null }),
    evaluate(state, frame, context = NO_CONTEXT) {
      const colour = context.scene.lamps?.get(signalZone.id)?.colour ?? 'off';
      const red = nextRedPhase(state.red, colour, frame.tSec);
      const signals: RuleSignal[] = [];
      const tracks = carryAbsent(state.tracks, frame, ABSENT_GRACE_S, () => undefined);
      for (const t of liveTracks(frame)) tracks.set(t.id, stepTrack(state.tracks.get(t.id), t, frame, red, signals));
      return { state: { tracks: capTable(tracks, MAX_TRACKED_PER_RULE, () => undefined), red }, signals };
    },
  };
}

/** The red phase after a lamp reading: starts on red, survives brief `off` dropouts, ends on any other colour. */
export function nextRedPhase(phase: RedPhase | null, colour: 'red' | 'amber' | 'green' | 'off', tSec: number): RedPhase | null {
  if (colour === 'red') return { sinceS: phase?.sinceS ?? tSec, lastRedS: tSec };
  if (colour === 'off' && phase && tSec - phase.lastRedS <= LAMP_DROPOUT_S + 1e-9) return phase;
  return null;
}
