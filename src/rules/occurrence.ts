import type { ObjectClass } from '../contracts/classes.js';
import { COUNT_BUCKET_S } from '../config/rules/counting.js';
import { ruleTargets, type RuleConfig } from '../config/schema.js';
import { bucketStartOf } from './counting-bucket.js';
import { NO_CONTEXT, type CountRecord, type Rule, type Statistic } from './types.js';

/** The open bucket: situations opened so far, per class of the object that opened them. */
interface OccurrenceBucket {
  readonly startMs: number;
  readonly frames: number;
  readonly perClass: ReadonlyMap<ObjectClass, number>;
}

export interface OccurrenceState {
  readonly inner: unknown;
  /** Keys of the inner rule's open situations: a situation counts once, when it opens. */
  readonly open: ReadonlySet<number>;
  readonly bucket: OccurrenceBucket | null;
}

/** What occurrence counts are filed under: the rule's zone, else its line, else its event type. */
export function occurrenceTarget(rule: RuleConfig): string {
  const { zone, line } = ruleTargets(rule);
  return zone ?? line ?? rule.type;
}

function records(bucket: OccurrenceBucket, ruleId: string, target: string): CountRecord[] {
  return [...bucket.perClass].map(([cls, n]) => ({
    ruleId,
    bucketStartMs: bucket.startMs,
    bucketS: COUNT_BUCKET_S,
    kind: 'occurrence',
    target,
    cls,
    direction: null,
    value: n,
    peak: n,
    frames: bucket.frames,
  }));
}

/**
 * An event rule run for statistics only (legal basis `statistics`): its
 * signals never reach the event lifecycle; each situation it opens (or each
 * instant) adds one to the count of its class in the 5-minute bucket of
 * wall-clock time. Buckets with no occurrence give no record.
 */
export function occurrenceStatistic(rule: Rule<unknown>, target: string): Statistic<OccurrenceState> {
  return {
    id: rule.meta.id,
    init: () => ({ inner: rule.init(), open: new Set(), bucket: null }),
    evaluate(state, frame, context = NO_CONTEXT) {
      const startMs = bucketStartOf(context.wallMs, COUNT_BUCKET_S);
      let bucket = state.bucket;
      let counts: readonly CountRecord[] = [];
      if (bucket && bucket.startMs !== startMs) {
        counts = records(bucket, rule.meta.id, target);
        bucket = null;
      }
      const step = rule.evaluate(state.inner, frame, context);
      const open = new Set(state.open);
      const perClass = new Map(bucket?.perClass);
      for (const s of step.signals) {
        if (s.kind === 'situation.ended') {
          open.delete(s.trackId);
          continue;
        }
        if (s.kind === 'situation.active') {
          if (open.has(s.trackId)) continue;
          open.add(s.trackId);
        }
        perClass.set(s.cls, (perClass.get(s.cls) ?? 0) + 1);
      }
      return { state: { inner: step.state, open, bucket: { startMs, frames: (bucket?.frames ?? 0) + 1, perClass } }, counts };
    },
    flush: (state) => (state.bucket ? records(state.bucket, rule.meta.id, target) : []),
  };
}
