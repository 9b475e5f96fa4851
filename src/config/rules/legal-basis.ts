import { z } from 'zod';

/**
 * Event types the French framework allows as real-time alerts, under an
 * authorisation: everything else may only feed anonymous statistics.
 */
export const ALERTABLE_UNDER_AUTHORISATION = [
  'abandoned_object',
  'wrong_way',
  'intrusion',
  'line_crossing',
  'person_down',
  'crowd_movement',
  'gathering',
  'fire',
  'smoke',
] as const;
export type AlertableType = (typeof ALERTABLE_UNDER_AUTHORISATION)[number];

export const LEGAL_BASIS_KINDS = ['authorised_alert', 'statistics', 'device_monitoring'] as const;
export type LegalBasisKind = (typeof LEGAL_BASIS_KINDS)[number];

/** True for a real calendar day written YYYY-MM-DD (2026-02-30 is refused). */
function isCalendarDay(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

const localDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'use a date YYYY-MM-DD, e.g. "2026-12-31"', abort: true })
  .refine(isCalendarDay, 'not a calendar day: use a real date YYYY-MM-DD, e.g. "2026-12-31"');

export const authorisedAlertSchema = z
  .object({
    kind: z.literal('authorised_alert'),
    reference: z.string().trim().min(1, 'give the authorisation\'s reference, e.g. "Arrêté préfectoral n° 2026-123"').max(200),
    authority: z.string().trim().min(1, 'give the authority that issued it, or leave authority out').max(200).optional(),
    valid_until: localDay.describe('Last day (inclusive, local date in the config `timezone`) the authorisation covers; alerts stop after it.'),
  })
  .strict();

export const legalBasisSchema = z
  .discriminatedUnion(
    'kind',
    [authorisedAlertSchema, z.object({ kind: z.literal('statistics') }).strict(), z.object({ kind: z.literal('device_monitoring') }).strict()],
    { error: () => `unknown legal basis kind: use one of ${LEGAL_BASIS_KINDS.join(', ')}` },
  )
  .describe('Why the rule may run (docs/RULES.md, "Legal basis"); absent = undeclared, flagged on the console and the public page.');

export type LegalBasis = z.infer<typeof legalBasisSchema>;
export type AuthorisedAlert = z.infer<typeof authorisedAlertSchema>;

export const purposeSchema = z
  .string()
  .trim()
  .min(1, 'describe what the rule is for, or leave purpose out')
  .max(300, 'keep the purpose under 300 characters')
  .describe('What the rule is for, in plain words (shown on the public page).');

/** Which bases a rule type may declare: refused combinations, with how to fix them. */
export function legalBasisProblem(type: string, kind: LegalBasisKind): string | null {
  if (kind === 'authorised_alert' && !(ALERTABLE_UNDER_AUTHORISATION as readonly string[]).includes(type)) {
    return `${type} cannot be an authorised real-time alert: the framework lists only ${ALERTABLE_UNDER_AUTHORISATION.join(', ')}; use { kind: statistics } instead`;
  }
  if (kind === 'device_monitoring' && type !== 'camera_tamper') {
    const alertable = (ALERTABLE_UNDER_AUTHORISATION as readonly string[]).includes(type);
    return `device_monitoring only applies to camera_tamper (it concerns the camera, not people): use { kind: statistics }${alertable ? ' or { kind: authorised_alert, reference, valid_until }' : ''} instead`;
  }
  return null;
}

/**
 * Adds the check of `legal_basis` against the rule's type to a rule schema
 * (zod refinements keep the schema's type, so the rule union stays discriminated).
 */
export function withLegalBasisCheck<T extends z.ZodObject>(schema: T): T {
  return schema.superRefine((rule, ctx) => {
    const { type, legal_basis: basis } = rule as { type: string; legal_basis?: LegalBasis };
    const problem = basis ? legalBasisProblem(type, basis.kind) : null;
    if (problem) ctx.addIssue({ code: 'custom', path: ['legal_basis', 'kind'], message: problem });
  });
}
