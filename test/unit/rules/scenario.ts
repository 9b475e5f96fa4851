/**
 * Builders for rule scenarios: per-frame tracks placed by their anchor point in
 * normalised coordinates, on a non-square frame so normalisation bugs show.
 */
import type { ObjectClass } from '../../../src/contracts/classes.js';
import type { BoxXYXY } from '../../../src/contracts/geometry.js';
import type { TrackFrame, TrackSnapshot } from '../../../src/contracts/track.js';
import { ruleSchema, lineSchema, zoneSchema, type RuleConfig } from '../../../src/config/schema.js';
import type { Rule, RuleSignal } from '../../../src/rules/types.js';

export const W = 640;
export const H = 360;
const PERSON_W = 24;
const PERSON_H = 72;
const CAR_W = 80;
const CAR_H = 40;

/** A person whose foot point (bottom centre) is at normalised (x, y). */
export function person(id: number, x: number, y: number, score = 0.9): TrackSnapshot {
  return track(id, 'person', [x * W - PERSON_W / 2, y * H - PERSON_H, x * W + PERSON_W / 2, y * H], score);
}

/** A non-person object whose box centre is at normalised (x, y). */
export function thing(id: number, cls: ObjectClass, x: number, y: number, score = 0.8): TrackSnapshot {
  return track(id, cls, [x * W - CAR_W / 2, y * H - CAR_H / 2, x * W + CAR_W / 2, y * H + CAR_H / 2], score);
}

export function car(id: number, x: number, y: number, score = 0.8): TrackSnapshot {
  return thing(id, 'car', x, y, score);
}

export function track(id: number, cls: ObjectClass, box: BoxXYXY, score = 0.9): TrackSnapshot {
  return { id, cls, box, score, matched: true, ageFrames: 1, velocity: [0, 0] };
}

export function frame(tSec: number, tracks: readonly TrackSnapshot[], endedTrackIds: readonly number[] = [], seq = Math.round(tSec * 5)): TrackFrame {
  return { tSec, seq, width: W, height: H, tracks, endedTrackIds };
}

/** Parses a rule as the config loader would (defaults filled in). */
export function ruleConfig<T extends RuleConfig['type']>(raw: { type: T } & Record<string, unknown>): Extract<RuleConfig, { type: T }> {
  return ruleSchema.parse(raw) as Extract<RuleConfig, { type: T }>;
}

export const zone = (raw: Record<string, unknown>) => zoneSchema.parse(raw);
export const line = (raw: Record<string, unknown>) => lineSchema.parse(raw);

/** Runs a rule over frames; returns every signal in order. */
export function run<S>(rule: Rule<S>, frames: readonly TrackFrame[]): RuleSignal[] {
  let state = rule.init();
  const out: RuleSignal[] = [];
  for (const f of frames) {
    const step = rule.evaluate(state, f);
    state = step.state;
    out.push(...step.signals);
  }
  return out;
}

/** Compact, assertion-friendly view of a signal: "t kind track [extra]". */
export function brief(sig: RuleSignal): string {
  switch (sig.kind) {
    case 'instant':
      return `${sig.tSec} instant #${sig.trackId} ${String(sig.details['direction'])}`;
    case 'situation.active':
      return `${sig.tSec} active #${sig.trackId}`;
    case 'situation.ended':
      return `${sig.tSec} ended #${sig.trackId} ${sig.reason}`;
  }
}

/** Frames at `fps` from t0 along a straight path of one track, made by `make(x, y)`. */
export function path(
  t0: number,
  fps: number,
  from: readonly [number, number],
  to: readonly [number, number],
  steps: number,
): { t: number; x: number; y: number }[] {
  const out: { t: number; x: number; y: number }[] = [];
  for (let i = 0; i <= steps; i++) {
    const k = i / steps;
    out.push({ t: round(t0 + i / fps), x: from[0] + (to[0] - from[0]) * k, y: from[1] + (to[1] - from[1]) * k });
  }
  return out;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
