import type { TrackFrame, TrackSnapshot } from '../contracts/track.js';
import type { LineCrossingRuleConfig } from '../config/schema.js';
import { anchorPoint } from '../geometry/anchor.js';
import { classMatcher } from './class-filter.js';
import { firstLineSide, stepLineSide, type CrossingDirection, type LineSide } from './line-side.js';
import { ruleMeta } from './meta.js';
import { findLine } from './scene.js';
import { perTrackRule, trackSignal } from './per-track.js';
import type { Rule, RuleMeta, RuleScene, RuleSignal } from './types.js';

export type { CrossingDirection } from './line-side.js';

/** Per-track memory of where the anchor is relative to the line. */
interface LineTrack extends LineSide {
  readonly lastSeenS: number;
}

export interface LineCrossingState {
  readonly tracks: ReadonlyMap<number, LineTrack>;
}

/**
 * Line crossing: one instant signal each time a track's anchor goes from one side
 * of the line to the other, passing between its two end points. A side only
 * changes once the anchor is `hysteresis` past the line, so jitter on the line
 * counts once; crossing back later is a new crossing (src/rules/line-side.ts).
 */
export function createLineCrossingRule(config: LineCrossingRuleConfig, scene: RuleScene): Rule<LineCrossingState> {
  const line = findLine(scene, config.id, config.line);
  const matches = classMatcher(config.classes);
  const meta: RuleMeta = ruleMeta(config, 'line_crossing');
  const wanted = (dir: CrossingDirection): boolean => config.direction === 'any' || config.direction === dir;

  function step(prev: LineTrack | undefined, t: TrackSnapshot, frame: TrackFrame, signals: RuleSignal[]): LineTrack {
    const p = anchorPoint(t.box, frame, config.anchor, t.cls);
    if (!prev) return { lastSeenS: frame.tSec, ...firstLineSide(p, line, config.hysteresis) };
    const { memory, crossed } = stepLineSide(prev, p, line, config.hysteresis);
    // The class filter applies at the crossing: a class flicker between frames does not lose it.
    if (crossed && matches(t.cls) && wanted(crossed)) {
      signals.push(trackSignal('instant', meta, t, frame, { line: line.id, direction: crossed }));
    }
    return { lastSeenS: frame.tSec, ...memory };
  }

  return perTrackRule(meta, step);
}
