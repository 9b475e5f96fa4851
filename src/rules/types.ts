import type { ObjectClass } from '../contracts/classes.js';
import type { EventType, Severity } from '../contracts/event.js';
import type { NormBoxLTWH } from '../contracts/geometry.js';
import type { TrackFrame } from '../contracts/track.js';
import type { GroundPlaneConfig, LineConfig, ZoneConfig } from '../config/schema.js';
import type { SceneObservations, SceneRequest } from '../vision/scene/types.js';

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
  /** shadow: events are recorded to measure the rule, never shown to operators. */
  readonly mode: 'active' | 'shadow';
}

/** Facts common to every signal: which rule, which track, what it looked like, when. */
interface SignalFacts {
  readonly ruleId: string;
  readonly type: EventType;
  /**
   * Key of the situation within its rule: the track id for per-track rules; a
   * region or group key for rules about many tracks or about pixels.
   */
  readonly trackId: number;
  /** Tracks involved, when not just `trackId` (a gathering: its members; pixels: none). */
  readonly trackIds?: readonly number[];
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

/** Why a situation stopped; `schedule` and `authorisation_expired` come from the wrappers of the rule registry. */
export type EndReason = 'left' | 'track_ended' | 'track_lost' | 'stopped' | 'evicted' | 'schedule' | 'authorisation_expired';

/** What a rule reports for one frame. Discriminated on `kind`. */
export type RuleSignal = ActiveSignal | EndedSignal | InstantSignal;

export const SIGNAL_KINDS = ['situation.active', 'situation.ended', 'instant'] as const satisfies readonly RuleSignal['kind'][];

/** Result of one rule step: the next state (the input state is never modified) and the signals. */
export interface RuleStep<S> {
  readonly state: S;
  readonly signals: readonly RuleSignal[];
}

/** What a rule may read besides the frame's tracks. */
export interface RuleContext {
  /** Wall-clock time of the frame (ms since epoch, UTC). */
  readonly wallMs: number;
  /** Pixel readings of the frame: only those some rule of the camera requested. */
  readonly scene: SceneObservations;
}

/** A context with no wall time and no pixel readings (unit tests of track-only rules). */
export const NO_CONTEXT: RuleContext = Object.freeze({ wallMs: 0, scene: Object.freeze({}) });

/**
 * A rule: a small stateful operator with one verb. State is an immutable value
 * owned by the caller; `evaluate` returns the next one.
 */
export interface Rule<S> {
  readonly meta: RuleMeta;
  /** Pixel readings this rule needs in `context.scene` (absent: tracks are enough). */
  readonly scene?: SceneRequest;
  init(): S;
  evaluate(state: S, frame: TrackFrame, context?: RuleContext): RuleStep<S>;
}

/** The camera's geometry a rule resolves its zone or line against. */
export interface RuleScene {
  readonly zones: readonly ZoneConfig[];
  readonly lines: readonly LineConfig[];
  /** The camera's ground-plane calibration, when it has one. */
  readonly groundPlane?: GroundPlaneConfig | undefined;
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

/**
 * One count of a statistics rule for one time bucket: crossings of a line per
 * class and direction, or occupancy of a zone per class (`counting`), or
 * occurrences of a rule whose legal basis is `statistics` (situations opened,
 * per class of the object that opened them). Counts only: nothing identifies a
 * track. A bucket may arrive in parts (a restart or a reconfiguration inside
 * it): crossing and occurrence parts add up, occupancy parts merge weighted by
 * their `frames`.
 */
export interface CountRecord {
  readonly ruleId: string;
  /** Wall-clock start of the bucket (ms since epoch, UTC), a multiple of `bucketS` * 1000. */
  readonly bucketStartMs: number;
  readonly bucketS: number;
  readonly kind: CountKind;
  /** Line id (crossing), zone id (occupancy), or the rule's zone, line or event type (occurrence). */
  readonly target: string;
  readonly cls: ObjectClass;
  /** Crossing direction; null for occupancy and occurrence. */
  readonly direction: 'a_to_b' | 'b_to_a' | null;
  /** crossing: number of crossings; occupancy: mean tracks inside over the bucket's analysed frames; occurrence: situations opened. */
  readonly value: number;
  /** occupancy: most tracks inside at once; crossing, occurrence: equal to value. */
  readonly peak: number;
  /** Analysed frames this record covers (the bucket's, or this part's when it arrives in parts). */
  readonly frames: number;
}

export const COUNT_KINDS = ['crossing', 'occupancy', 'occurrence'] as const;
export type CountKind = (typeof COUNT_KINDS)[number];

/** A statistics rule: turns frames into counts, never into signals or events. */
export interface Statistic<S> {
  readonly id: string;
  init(): S;
  /** Counts of every bucket that closed at this frame (usually none). */
  evaluate(state: S, frame: TrackFrame, context?: RuleContext): { readonly state: S; readonly counts: readonly CountRecord[] };
  /** Counts of the bucket still open (end of stream, shutdown, reconfiguration). */
  flush(state: S): readonly CountRecord[];
}
