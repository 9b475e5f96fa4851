import type { LegalBasis } from '../config/rules/legal-basis.js';
import type { RuleConfig } from '../config/schema.js';
import { createLocalDate } from './schedule.js';

export { ALERTABLE_UNDER_AUTHORISATION, type LegalBasis } from '../config/rules/legal-basis.js';

export type LegalState = 'authorised' | 'expired' | 'statistics' | 'device_monitoring' | 'undeclared';

/** Where a rule stands legally at one moment, with a French sentence for people. */
export interface LegalStatus {
  readonly state: LegalState;
  readonly reference?: string;
  readonly authority?: string;
  /** Last day covered, YYYY-MM-DD (local date in the config time zone). */
  readonly validUntil?: string;
  readonly reason: string;
}

/** What legalStatus reads of a rule (a parsed rule config fits). */
export type LegalRule = Pick<RuleConfig, 'type'> & { readonly legal_basis?: LegalBasis | undefined };

/** "2026-12-31" -> "31/12/2026". */
export const frenchDate = (day: string): string => day.split('-').reverse().join('/');

/** A predicate on wall time: true until the local day `validUntil` (inclusive) has ended in `timeZone`. */
export function authorisationOpen(validUntil: string, timeZone: string): (wallMs: number) => boolean {
  const localDate = createLocalDate(timeZone);
  return (wallMs) => localDate(wallMs) <= validUntil;
}

/**
 * The legal status of a rule at `nowMs`. A rule without a basis is undeclared
 * (it still runs as configured), except `counting`, which is statistics by nature.
 */
export function legalStatus(rule: LegalRule, nowMs: number, timeZone: string): LegalStatus {
  const basis = rule.legal_basis;
  if (!basis) {
    return rule.type === 'counting' ? statistics : { state: 'undeclared', reason: 'Base légale non déclarée' };
  }
  if (basis.kind === 'statistics') return statistics;
  if (basis.kind === 'device_monitoring') return { state: 'device_monitoring', reason: 'Surveillance du matériel' };
  const facts = { reference: basis.reference, ...(basis.authority ? { authority: basis.authority } : {}), validUntil: basis.valid_until };
  const until = frenchDate(basis.valid_until);
  return authorisationOpen(basis.valid_until, timeZone)(nowMs)
    ? { state: 'authorised', ...facts, reason: `Alerte en temps réel autorisée — ${basis.reference}, jusqu'au ${until}` }
    : { state: 'expired', ...facts, reason: `Autorisation ${basis.reference} expirée le ${until} : alertes suspendues` };
}

const statistics: LegalStatus = { state: 'statistics', reason: 'Statistiques anonymes uniquement (aucune alerte)' };
