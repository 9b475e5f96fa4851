import { z } from 'zod';
import { classSchema, durationS, idSchema, ruleBase } from './common.js';

export const gatheringRule = z
  .object({
    ...ruleBase,
    type: z.literal('gathering'),
    zone: idSchema,
    classes: z.array(classSchema).min(1).default(['person']),
    min_people: z.number().int().min(2).max(1000).default(5).describe('Fewest tracks of the selected classes inside the zone at once.'),
    min_density_per_m2: z
      .number()
      .positive()
      .max(10)
      .optional()
      .describe('Also require this many people per square metre of the zone (needs the camera\'s ground_plane).'),
    min_duration_s: durationS(20),
    cooldown_s: ruleBase.cooldown_s.default(60),
    severity: ruleBase.severity.default('medium'),
  })
  .strict();

export const crowdMovementRule = z
  .object({
    ...ruleBase,
    type: z.literal('crowd_movement'),
    zone: idSchema,
    classes: z.array(classSchema).min(1).default(['person']),
    min_tracks: z.number().int().min(2).max(1000).default(4).describe('Fewest tracks in the zone that must take part in the movement.'),
    min_share: z.number().min(0).max(1).default(0.6).describe('Share of the tracks in the zone that must take part.'),
    speedup_ratio: z.number().min(1).max(20).default(2.5).describe('How many times faster than their own recent pace the tracks must move.'),
    min_speed: z.number().min(0).max(5).default(0.1).describe('Normalised frame widths per second a track must reach to take part.'),
    cooldown_s: ruleBase.cooldown_s.default(60),
    severity: ruleBase.severity.default('high'),
  })
  .strict();

export const loiteringRule = z
  .object({
    ...ruleBase,
    type: z.literal('loitering'),
    zone: idSchema,
    classes: z.array(classSchema).min(1).default(['person']),
    min_duration_s: durationS(60),
    cooldown_s: ruleBase.cooldown_s.default(60),
    severity: ruleBase.severity.default('medium'),
  })
  .strict();

export type GatheringRuleConfig = z.infer<typeof gatheringRule>;
export type CrowdMovementRuleConfig = z.infer<typeof crowdMovementRule>;
export type LoiteringRuleConfig = z.infer<typeof loiteringRule>;
