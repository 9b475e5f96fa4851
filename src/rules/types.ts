import type { ObjectClass } from '../contracts/classes.js';
import type { EventType, Severity } from '../contracts/event.js';
import type { NormBoxLTWH } from '../contracts/geometry.js';
import type { TrackFrame } from '../contracts/track.js';
import type { LineConfig, ZoneConfig } from '../config/schema.js';

/** Values allowed in an event's `details` (ARCHITECTURE 5.3). */
export type DetailValue = string | number | boolean | null;
export type Details = Readonly<Record<string, DetailValue>>;

/** What the event lifecycle needs to know about a rule: identity and policy from its config. */
export interface RuleMeta {
  readonly id: string;
  readonly type: EventType;
  readonly severity: Severity;
  /** Seconds after a close during which the same situation (same track) reopens the event. */
  readonly cooldownS: number;
}

/** Facts common to every signal: which rule, which track, what it looked like, when. */
interface SignalFacts {
  readonly ruleId: string;
  readonly type: EventType;
  readonly trackId: number;
  /** Stream time in seconds (TrackFrame.tSec). */
  readonly tSec: number;
  readonly cls: ObjectClass;
  /** Normalised, unrounded box of the track in this frame. */
  readonly box: NormBoxLTWH;
  readonly score: number;
  readonly details: Details;
}

/** A lasting situation holds at `tSec` (intrusion, wrong way); sent every frame while it holds. */
export interface ActiveSignal extends SignalFacts {
  readonly kind: 'situation.active';
}

/** A lasting situation of one track stopped at `tSec` (left the zone, track ended, ...). */
export interface EndedSignal {
  readonly kind: 'situation.ended';
  readonly ruleId: string;
  readonly type: EventType;
  readonly trackId: number;
  readonly tSec: number;
  readonly reason: EndReason;
}

/** Something that happens at one instant (a line crossing). */
export interface InstantSignal extends SignalFacts {
  readonly kind: 'instant';
}

export type EndReason = 'left' | 'track_ended' | 'track_lost' | 'stopped' | 'evicted';

/** What a rule reports for one frame. Discriminated on `kind`. */
export type RuleSignal = ActiveSignal | EndedSignal | InstantSignal;

export const SIGNAL_KINDS = ['situation.active', 'situation.ended', 'instant'] as const satisfies readonly RuleSignal['kind'][];

/** Result of one rule step: the next state (the input state is never modified) and the signals. */
export interface RuleStep<S> {
  readonly state: S;
  readonly signals: readonly RuleSignal[];
}

/**
 * A rule: a small stateful operator with one verb. State is an immutable value
 * owned by the caller; `evaluate` returns the next one.
 */
export interface Rule<S> {
  readonly meta: RuleMeta;
  init(): S;
  evaluate(state: S, frame: TrackFrame): RuleStep<S>;
}

/** The camera's geometry a rule resolves its zone or line against. */
export interface RuleScene {
  readonly zones: readonly ZoneConfig[];
  readonly lines: readonly LineConfig[];
}

/** A rule that cannot be built from its config (unknown zone, degenerate line, ...). */
export class RuleConfigError extends Error {
  constructor(
    readonly ruleId: string,
    message: string,
  ) {
    super(`rule "${ruleId}": ${message}`);
    this.name = 'RuleConfigError';
  }
}
