import { ruleSchema, type RuleConfig } from '../config/schema.js';
import type { EventType } from '../contracts/event.js';
import type { CameraRules } from '../rules/registry.js';
import { alignColumns, scoreEvents, type Annotation, type MatchScore } from './event-matching.js';
import { replayRules } from './replay.js';
import type { TrackRecording } from './track-cache.js';

/** Most values one sweep may try (a range with a tiny step is a typo, not a plan). */
export const MAX_SWEEP_VALUES = 200;

/** A sweep request that cannot be run: the message says what to change. */
export class SweepError extends Error {
  override name = 'SweepError';
}

export interface SweepSpec {
  readonly param: string;
  readonly values: readonly number[];
}

const toNumber = (text: string, spec: string): number => {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new SweepError(`--sweep ${spec}: "${text}" is not a number`);
  return n;
};

/** `param=v1,v2,v3` or `param=from:to:step` (both ends included) -> the parameter and its values, in the order given. */
export function parseSweepSpec(spec: string): SweepSpec {
  const eq = spec.indexOf('=');
  const param = spec.slice(0, eq).trim();
  const list = spec.slice(eq + 1).trim();
  if (eq < 0 || param === '' || list === '') throw new SweepError(`--sweep ${spec}: write param=v1,v2,v3 or param=from:to:step (e.g. min_people=3,4,5)`);
  let values: number[];
  if (list.includes(':')) {
    const parts = list.split(':');
    if (parts.length !== 3) throw new SweepError(`--sweep ${spec}: a range is from:to:step (e.g. min_duration_s=5:30:5)`);
    const [from, to, step] = parts.map((p) => toNumber(p, spec)) as [number, number, number];
    if (step <= 0 || to < from) throw new SweepError(`--sweep ${spec}: a range needs from <= to and a step > 0`);
    const count = Math.floor((to - from) / step + 1e-9) + 1;
    if (count > MAX_SWEEP_VALUES) throw new SweepError(`--sweep ${spec}: ${count} values, at most ${MAX_SWEEP_VALUES}: use a larger step`);
    // Rounded to 10 decimals so that 0.1 steps give 0.3, not 0.30000000000000004.
    values = Array.from({ length: count }, (_, i) => Number((from + i * step).toFixed(10)));
  } else {
    values = list.split(',').map((p) => toNumber(p, spec));
  }
  if (new Set(values).size !== values.length) throw new SweepError(`--sweep ${spec}: a value is repeated`);
  if (values.length > MAX_SWEEP_VALUES) throw new SweepError(`--sweep ${spec}: ${values.length} values, at most ${MAX_SWEEP_VALUES}`);
  return { param, values };
}

/** The numeric fields of a rule's config (defaults included): the parameters a sweep may vary. */
export function sweepableFields(rule: RuleConfig): string[] {
  return Object.entries(rule)
    .filter(([, v]) => typeof v === 'number')
    .map(([k]) => k)
    .sort();
}

/** The rule with `param` set to `value`, validated by the config schema (an out-of-range value throws, saying why). */
export function ruleWithParam(rule: RuleConfig, param: string, value: number): RuleConfig {
  const fields = sweepableFields(rule);
  if (!fields.includes(param)) {
    throw new SweepError(`rule "${rule.id}" (${rule.type}) has no numeric field "${param}": sweep one of ${fields.join(', ') || '(none)'}`);
  }
  const parsed = ruleSchema.safeParse({ ...rule, [param]: value });
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => i.message).join('; ');
    throw new SweepError(`rule "${rule.id}": ${param}=${value} is not valid (${why})`);
  }
  return parsed.data;
}

export interface SweepPoint extends MatchScore {
  readonly value: number;
}

export interface SweepInput {
  readonly recording: TrackRecording;
  /** The event type the rule raises: annotations of that type are scored. */
  readonly type: EventType;
  readonly values: readonly number[];
  /** The camera's rules to replay for one value (usually just the swept rule). */
  readonly rulesAt: (value: number) => CameraRules;
  readonly annotations: readonly Annotation[];
  readonly toleranceS: number;
}

const EMPTY: MatchScore = { annotations: 0, events: 0, tp: 0, fp: 0, fn: 0, duplicates: 0, precision: null, recall: null, f1: null };

/**
 * Replays the rules at each value over the same recorded tracks and scores the
 * events of `type` against the annotations of `type`: one point of the
 * precision/recall curve per value, in the order given. Each point is what a
 * single replay at that value scores (`replayRules` then `scoreEvents`).
 */
export function sweepRule(input: SweepInput): SweepPoint[] {
  const annotations = input.annotations.filter((a) => a.type === input.type);
  return input.values.map((value) => {
    const events = replayRules(input.recording, input.rulesAt(value)).filter((e) => e.type === input.type);
    const row = scoreEvents(annotations, events, input.toleranceS).perType.find((s) => s.type === input.type);
    const { type: _type, ...score } = row ?? { type: input.type, ...EMPTY };
    return { value, ...score };
  });
}

const rate = (x: number | null): string => (x === null ? '-' : x.toFixed(3));

/** The curve as a table: one row per value. */
export function formatSweep(rule: string, param: string, points: readonly SweepPoint[], toleranceS: number): string {
  const rows = points.map((p) => [String(p.value), ...[p.events, p.tp, p.fp, p.fn, p.duplicates].map(String), rate(p.precision), rate(p.recall), rate(p.f1)]);
  return [
    `rule ${rule}, ${param} swept over ${points.length} values (matching within ${toleranceS} s)`,
    ...alignColumns([param, 'events', 'tp', 'fp', 'fn', 'dup', 'precision', 'recall', 'f1'], rows),
    '',
  ].join('\n');
}
