import type { EventType, Severity } from '../contracts/event.js';
import type { RuleMeta } from './types.js';

/** The fields of a rule config the event lifecycle needs. */
interface EventRuleFields {
  readonly id: string;
  readonly severity: Severity;
  readonly cooldown_s: number;
  readonly mode: 'active' | 'shadow';
}

/** Identity and policy of a rule, from its validated config. */
export function ruleMeta(config: EventRuleFields, type: EventType): RuleMeta {
  return { id: config.id, type, severity: config.severity, cooldownS: config.cooldown_s, mode: config.mode };
}
