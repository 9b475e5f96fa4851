import type { NormPoint } from '../contracts/geometry.js';
import type { TrackFrame, TrackSnapshot } from '../contracts/track.js';
import type { LineCrossingRuleConfig } from '../config/schema.js';
import { anchorPoint } from '../geometry/anchor.js';
import { lineCrossingParameter, signedDistanceToLine } from '../geometry/line.js';
import { classMatcher } from './class-filter.js';
import { findLine } from './scene.js';
import { perTrackRule, trackSignal } from './per-track.js';
import type { Rule, RuleMeta, RuleScene, RuleSignal } from './types.js';

/** Direction of one crossing: left -> right of a->b is `a_to_b` (ARCHITECTURE 5.2). */
export type CrossingDirection = 'a_to_b' | 'b_to_a';

type Side = -1 | 0 | 1;

/** Per-track memory of where the anchor is relative to the line. */
interface LineTrack {
  readonly lastSeenS: number;
  /**
   * Confirmed side: the last side the anchor reached at least `hysteresis` away
   * from the line (-1 left, +1 right); 0 until the track first gets that far.
   */
  readonly side: Side;
  /** Last anchor position strictly off the line, and its signed distance. */
  readonly lastOffP: NormPoint | null;
  readonly lastOffD: number;
  /** Whether the anchor's latest pass over the infinite line was within the segment. */
  readonly lastPassInExtent: boolean;
}

export interface LineCrossingState {
  readonly tracks: ReadonlyMap<number, LineTrack>;
}

/**
 * Line crossing: one instant signal each time a track's anchor goes from one side
 * of the line to the other, passing between its two end points. A side only
 * changes once the anchor is `hysteresis` past the line, so jitter on the line
 * counts once; crossing back later is a new crossing.
 */
export function createLineCrossingRule(config: LineCrossingRuleConfig, scene: RuleScene): Rule<LineCrossingState> {
  const line = findLine(scene, config.id, config.line);
  const matches = classMatcher(config.classes);
  const meta: RuleMeta = { id: config.id, type: 'line_crossing', severity: config.severity, cooldownS: config.cooldown_s };
  const h = config.hysteresis;

  function wanted(dir: CrossingDirection): boolean {
    return config.direction === 'any' || config.direction === dir;
  }

  function step(prev: LineTrack | undefined, t: TrackSnapshot, frame: TrackFrame, signals: RuleSignal[]): LineTrack {
    const p = anchorPoint(t.box, frame, config.anchor, t.cls);
    const d = signedDistanceToLine(p, line.a, line.b);
    const s = Math.sign(d) as Side;
    if (!prev) {
      return { lastSeenS: frame.tSec, side: s !== 0 && Math.abs(d) >= h ? s : 0, lastOffP: s !== 0 ? p : null, lastOffD: d, lastPassInExtent: false };
    }

    // 1. Did the anchor pass over the infinite line since it was last off it? Record where.
    let lastPassInExtent = prev.lastPassInExtent;
    if (s !== 0 && prev.lastOffP && Math.sign(prev.lastOffD) === -s) {
      const u = lineCrossingParameter(prev.lastOffP, p, line.a, line.b);
      lastPassInExtent = u >= 0 && u <= 1;
    }

    // 2. Confirm a side change only once the anchor is `hysteresis` past the line.
    let side = prev.side;
    if (s !== 0 && Math.abs(d) >= h) {
      if (side === -s) {
        const dir: CrossingDirection = s > 0 ? 'a_to_b' : 'b_to_a';
        if (lastPassInExtent && matches(t.cls) && wanted(dir)) {
          signals.push(trackSignal('instant', meta, t, frame, { line: line.id, direction: dir }));
        }
      }
      side = s;
    }

    return {
      lastSeenS: frame.tSec,
      side,
      lastOffP: s !== 0 ? p : prev.lastOffP,
      lastOffD: s !== 0 ? d : prev.lastOffD,
      lastPassInExtent,
    };
  }

  return perTrackRule(meta, step);
}
