import { z } from 'zod';
import { VEHICLE_CLASSES } from '../../contracts/classes.js';
import { classSchema, idSchema, ruleBase } from './common.js';

/** Length of a count bucket: counts are kept per 5 minutes of wall-clock time, aligned on multiples of it. */
export const COUNT_BUCKET_S = 300;

const noDuplicates = (ids: readonly string[]): boolean => new Set(ids).size === ids.length;

/** Statistics only: counts per 5 minutes, never an event (no severity, cooldown or mode). */
export const countingRule = z
  .object({
    id: ruleBase.id,
    enabled: ruleBase.enabled,
    anchor: ruleBase.anchor,
    schedule: ruleBase.schedule,
    purpose: ruleBase.purpose,
    legal_basis: ruleBase.legal_basis,
    type: z.literal('counting'),
    lines: z
      .array(idSchema)
      .default([])
      .refine(noDuplicates, 'a line is listed twice: list each line once')
      .describe('Lines whose crossings are counted per class and direction (a_to_b, b_to_a), like line_crossing.'),
    zones: z
      .array(idSchema)
      .default([])
      .refine(noDuplicates, 'a zone is listed twice: list each zone once')
      .describe('Zones whose occupancy (mean and peak number of tracks inside) is counted per class.'),
    classes: z
      .array(classSchema)
      .min(1, 'give at least one class, e.g. [person] or [any]')
      .default(['person', ...VEHICLE_CLASSES])
      .describe('Classes counted, each separately; `any` counts every class (each under its own name).'),
    hysteresis: z
      .number()
      .min(0)
      .max(0.2)
      .default(0.01)
      .describe('Normalised distance the anchor must get past a line, on the new side, before a crossing counts (as line_crossing).'),
  })
  .strict()
  .refine((r) => r.lines.length + r.zones.length > 0, { message: 'a counting rule needs at least one line or one zone: add lines: [<line id>] or zones: [<zone id>]', path: ['lines'] });

export type CountingRuleConfig = z.infer<typeof countingRule>;
