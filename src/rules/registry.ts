import type { TrackFrame } from '../contracts/track.js';
import type { CameraConfig, CountingRuleConfig, RuleConfig, ScheduleSlot } from '../config/schema.js';
import type { SceneRequest } from '../vision/scene/types.js';
import { createAbandonedObjectRule } from './abandoned-object.js';
import { createBinOverflowRule } from './bin-overflow.js';
import { createCameraTamperRule } from './camera-tamper.js';
import { createCountingStatistic } from './counting.js';
import { createCrowdMovementRule } from './crowd-movement.js';
import { createFireRule } from './fire.js';
import { createGatheringRule } from './gathering.js';
import { createIllegalDumpingRule } from './illegal-dumping.js';
import { createIntrusionRule } from './intrusion.js';
import { createLineCrossingRule } from './line-crossing.js';
import { createLoiteringRule } from './loitering.js';
import { createPersonDownRule } from './person-down.js';
import { createRedLightRule } from './red-light.js';
import { authorisationOpen } from './legal-basis.js';
import { occurrenceStatistic, occurrenceTarget } from './occurrence.js';
import { createLocalClock, inSchedule } from './schedule.js';
import { createSmokeRule } from './smoke.js';
import { createSpeedingRule } from './speeding.js';
import { createStoppedVehicleRule } from './stopped-vehicle.js';
import { endedSignal } from './per-track.js';
import { NO_CONTEXT, type CountRecord, type EndReason, type Rule, type RuleContext, type RuleMeta, type RuleScene, type RuleSignal, type RuleStep, type Statistic } from './types.js';
import { createVehicleDepartureRule } from './vehicle-departure.js';
import { createVehicleProwlingRule } from './vehicle-prowling.js';
import { createWrongWayRule } from './wrong-way.js';

type EventRuleConfig = Exclude<RuleConfig, CountingRuleConfig>;

/** Builds one rule from its validated config and the camera's zones and lines. */
export type RuleFactory<C extends EventRuleConfig> = (config: C, scene: RuleScene) => Rule<unknown>;

/** One factory per rule type. Explicit: adding a rule type means adding it here. */
export type RuleFactories = { readonly [T in EventRuleConfig['type']]: RuleFactory<Extract<EventRuleConfig, { type: T }>> };

export const RULE_FACTORIES: RuleFactories = Object.freeze({
  intrusion: createIntrusionRule,
  line_crossing: createLineCrossingRule,
  wrong_way: createWrongWayRule,
  gathering: createGatheringRule,
  crowd_movement: createCrowdMovementRule,
  loitering: createLoiteringRule,
  vehicle_prowling: createVehicleProwlingRule,
  vehicle_departure: createVehicleDepartureRule,
  stopped_vehicle: createStoppedVehicleRule,
  speeding: createSpeedingRule,
  red_light: createRedLightRule,
  person_down: createPersonDownRule,
  abandoned_object: createAbandonedObjectRule,
  illegal_dumping: createIllegalDumpingRule,
  bin_overflow: createBinOverflowRule,
  fire: createFireRule,
  smoke: createSmokeRule,
  camera_tamper: createCameraTamperRule,
});

/** Creates one event rule, dispatching on its type. Throws RuleConfigError on a bad reference. */
export function createRule(config: EventRuleConfig, scene: RuleScene, factories: RuleFactories = RULE_FACTORIES): Rule<unknown> {
  const factory = factories[config.type] as RuleFactory<EventRuleConfig>;
  return factory(config, scene);
}

/** State of a gated rule: the inner rule's, and the keys of situations it has open. */
interface GatedState {
  readonly inner: unknown;
  readonly open: ReadonlySet<number>;
}

/**
 * A rule whose signals pass only while `allows(wallMs)`. The inner rule runs
 * all the time (a car parked before the gate opens is known to be parked when
 * it does); while the gate is shut its signals are dropped and the situations
 * it had open end with `reason`.
 */
function gatedRule(rule: Rule<unknown>, allows: (wallMs: number) => boolean, reason: EndReason): Rule<GatedState> {
  return {
    meta: rule.meta,
    ...(rule.scene ? { scene: rule.scene } : {}),
    init: () => ({ inner: rule.init(), open: new Set<number>() }),
    evaluate(state, frame, context = NO_CONTEXT) {
      const step = rule.evaluate(state.inner, frame, context);
      if (allows(context.wallMs)) {
        const open = new Set(state.open);
        for (const s of step.signals) {
          if (s.kind === 'situation.active') open.add(s.trackId);
          else if (s.kind === 'situation.ended') open.delete(s.trackId);
        }
        return { state: { inner: step.state, open }, signals: step.signals };
      }
      const signals: RuleSignal[] = [...state.open].map((key) => endedSignal(rule.meta, key, frame.tSec, reason));
      return { state: { inner: step.state, open: new Set() }, signals };
    },
  };
}

/** A rule that only raises events during its weekly schedule (situations end with reason `schedule` outside it). */
export function scheduledRule(rule: Rule<unknown>, slots: readonly ScheduleSlot[], timeZone: string): Rule<unknown> {
  const clock = createLocalClock(timeZone);
  return gatedRule(rule, (wallMs) => inSchedule(slots, clock(wallMs)), 'schedule');
}

/**
 * A rule under an authorisation: it stops raising events once the local day
 * `validUntil` (config time zone) has ended, and its open situations end with
 * reason `authorisation_expired`.
 */
export function authorisedRule(rule: Rule<unknown>, validUntil: string, timeZone: string): Rule<unknown> {
  return gatedRule(rule, authorisationOpen(validUntil, timeZone), 'authorisation_expired');
}

/** State of every rule and statistic of a camera, in the order of `CameraRules.rules` / `statistics`. */
export interface CameraRulesState {
  readonly states: readonly unknown[];
  readonly statistics: readonly unknown[];
}

/** One frame of a camera's rules: signals for the event lifecycle, closed count buckets for the store. */
export interface CameraRulesStep extends RuleStep<CameraRulesState> {
  readonly counts: readonly CountRecord[];
}

/** All enabled rules of one camera, evaluated together with the same one verb. */
export interface CameraRules {
  readonly rules: readonly Rule<unknown>[];
  readonly statistics: readonly Statistic<unknown>[];
  /** Identity and policy of each event rule, for the event lifecycle. */
  readonly meta: readonly RuleMeta[];
  /** What the rules need from the pixels (the scene stage computes it). */
  readonly sceneRequests: readonly SceneRequest[];
  init(): CameraRulesState;
  evaluate(state: CameraRulesState, frame: TrackFrame, context?: RuleContext): CameraRulesStep;
  /** Counts of the buckets still open (end of stream, shutdown, reconfiguration). */
  flushCounts(state: CameraRulesState): readonly CountRecord[];
}

export interface CameraRulesOptions {
  /** Time zone of schedules and authorisation end dates (config `timezone`). */
  readonly timeZone?: string;
  readonly factories?: RuleFactories;
}

export const DEFAULT_TIME_ZONE = 'Europe/Paris';

/**
 * Creates the rule instances of a camera config (disabled rules are skipped).
 * A rule whose legal basis is `statistics` never raises an event: its
 * situations only feed occurrence counts (docs/RULES.md, "Legal basis").
 * Throws RuleConfigError when a rule refers to a missing zone or line.
 */
export function createCameraRules(
  camera: Pick<CameraConfig, 'rules' | 'zones' | 'lines'> & Partial<Pick<CameraConfig, 'ground_plane'>>,
  options: CameraRulesOptions = {},
): CameraRules {
  const factories = options.factories ?? RULE_FACTORIES;
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  const scene: RuleScene = { zones: camera.zones, lines: camera.lines, groundPlane: camera.ground_plane };
  const enabled = camera.rules.filter((r) => r.enabled);
  const rules: Rule<unknown>[] = [];
  const statistics: Statistic<unknown>[] = [];
  // Rules kept to statistics still read pixels (a fire counted, not alerted).
  const sceneRequests: SceneRequest[] = [];
  for (const config of enabled) {
    if (config.type === 'counting') {
      statistics.push(config.schedule ? scheduledStatistic(createCountingStatistic(config, scene), config.schedule, timeZone) : createCountingStatistic(config, scene));
      continue;
    }
    const created = createRule(config, scene, factories);
    const rule = config.schedule ? scheduledRule(created, config.schedule, timeZone) : created;
    if (rule.scene) sceneRequests.push(rule.scene);
    const basis = config.legal_basis;
    if (basis?.kind === 'statistics') statistics.push(occurrenceStatistic(rule, occurrenceTarget(config)));
    else rules.push(basis?.kind === 'authorised_alert' ? authorisedRule(rule, basis.valid_until, timeZone) : rule);
  }
  return {
    rules,
    statistics,
    meta: rules.map((r) => r.meta),
    sceneRequests,
    init: () => ({ states: rules.map((r) => r.init()), statistics: statistics.map((s) => s.init()) }),
    evaluate(state, frame, context = NO_CONTEXT) {
      const signals: RuleSignal[] = [];
      const states = rules.map((rule, i) => {
        const step = rule.evaluate(state.states[i], frame, context);
        signals.push(...step.signals);
        return step.state;
      });
      const counts: CountRecord[] = [];
      const statisticStates = statistics.map((stat, i) => {
        const step = stat.evaluate(state.statistics[i], frame, context);
        counts.push(...step.counts);
        return step.state;
      });
      return { state: { states, statistics: statisticStates }, signals, counts };
    },
    flushCounts: (state) => statistics.flatMap((stat, i) => stat.flush(state.statistics[i])),
  };
}

/** A statistic that only counts during its schedule (frames outside it are not fed to it). */
function scheduledStatistic(stat: Statistic<unknown>, slots: readonly ScheduleSlot[], timeZone: string): Statistic<unknown> {
  const clock = createLocalClock(timeZone);
  return {
    id: stat.id,
    init: () => stat.init(),
    evaluate: (state, frame, context = NO_CONTEXT) => (inSchedule(slots, clock(context.wallMs)) ? stat.evaluate(state, frame, context) : { state, counts: [] }),
    flush: (state) => stat.flush(state),
  };
}
