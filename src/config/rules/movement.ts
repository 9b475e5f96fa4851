import { z } from 'zod';
import { VEHICLE_CLASSES } from '../../contracts/classes.js';
import { classSchema, durationS, idSchema, ruleBase } from './common.js';

export const intrusionRule = z
  .object({
    ...ruleBase,
    type: z.literal('intrusion'),
    zone: idSchema,
    classes: z.array(classSchema).min(1).default(['person']),
    min_duration_s: durationS(1),
    cooldown_s: ruleBase.cooldown_s.default(10),
    severity: ruleBase.severity.default('high'),
  })
  .strict();

export const lineCrossingRule = z
  .object({
    ...ruleBase,
    type: z.literal('line_crossing'),
    line: idSchema,
    direction: z.enum(['a_to_b', 'b_to_a', 'any']).default('any'),
    classes: z.array(classSchema).min(1).default(['person', ...VEHICLE_CLASSES]),
    hysteresis: z
      .number()
      .min(0)
      .max(0.2)
      .default(0.01)
      .describe('Normalised distance the anchor must get past the line, on the new side, before a crossing counts (stops jitter on the line from counting twice).'),
    cooldown_s: ruleBase.cooldown_s.default(0),
    severity: ruleBase.severity.default('low'),
  })
  .strict();

export const wrongWayRule = z
  .object({
    ...ruleBase,
    type: z.literal('wrong_way'),
    zone: idSchema,
    classes: z.array(classSchema).min(1).default([...VEHICLE_CLASSES]),
    min_distance: z
      .number()
      .min(0)
      .max(1)
      .default(0.1)
      .describe('Normalised distance a track must travel against the allowed direction, inside the zone, before it is reported.'),
    max_angle_deg: z
      .number()
      .min(0)
      .max(90)
      .default(60)
      .describe('Largest angle between the track\'s movement and the reverse of the allowed direction that still counts as wrong way.'),
    cooldown_s: ruleBase.cooldown_s.default(30),
    severity: ruleBase.severity.default('high'),
  })
  .strict();

export type IntrusionRuleConfig = z.infer<typeof intrusionRule>;
export type LineCrossingRuleConfig = z.infer<typeof lineCrossingRule>;
export type WrongWayRuleConfig = z.infer<typeof wrongWayRule>;
