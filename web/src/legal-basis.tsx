/**
 * The console's reading of a rule's legal basis (docs/RULES.md, "Legal basis"):
 * the same decision as the server's legalStatus (src/rules/legal-basis.ts),
 * which the console cannot import, kept to the few lines the badges need.
 */
import { Badge } from '@mantine/core';
import type { AlertableType } from '../../src/config/rules/legal-basis.js';
import type { RuleConfig, RuleType } from './api/types.js';
import { useI18n } from './i18n.js';

/** Event types that may be an authorised real-time alert (the server refuses the others). */
export const ALERTABLE: readonly RuleType[] = [
  'abandoned_object',
  'wrong_way',
  'intrusion',
  'line_crossing',
  'person_down',
  'crowd_movement',
  'gathering',
  'fire',
  'smoke',
] satisfies readonly AlertableType[];

export type LegalState = 'authorised' | 'expired' | 'statistics' | 'device_monitoring' | 'undeclared';

/** An authorisation covers its whole last day in the config's time zone; counting is statistics by nature. */
export function legalState(rule: RuleConfig, nowMs: number, timeZone: string): LegalState {
  const basis = rule.legal_basis;
  if (!basis) return rule.type === 'counting' ? 'statistics' : 'undeclared';
  if (basis.kind !== 'authorised_alert') return basis.kind;
  // en-CA writes YYYY-MM-DD, comparable as text with valid_until.
  const today = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(nowMs);
  return today <= basis.valid_until ? 'authorised' : 'expired';
}

const COLOR: Record<LegalState, string> = { authorised: 'teal', expired: 'red', statistics: 'gray', device_monitoring: 'blue', undeclared: 'orange' };

/** The rule list's badge: its basis, red with the reason once an authorisation has expired. */
export function LegalBadge({ rule, timeZone }: { rule: RuleConfig; timeZone: string }) {
  const { t } = useI18n();
  const state = legalState(rule, Date.now(), timeZone);
  const basis = rule.legal_basis;
  const date = basis?.kind === 'authorised_alert' ? basis.valid_until.split('-').reverse().join('/') : '';
  return (
    <Badge color={COLOR[state]} variant={state === 'expired' ? 'filled' : 'light'} size="sm" title={basis?.kind === 'authorised_alert' ? basis.reference : undefined} data-testid="rule-legal-badge" data-state={state}>
      {t(`legal.${state}`, { date })}
    </Badge>
  );
}
