import { z } from 'zod';
import { durationS, idSchema, ruleBase } from './common.js';

export const fireRule = z
  .object({
    ...ruleBase,
    type: z.literal('fire'),
    zone: idSchema.optional().describe('Where to watch (a region counts when its centre is inside); absent = the whole frame.'),
    min_area: z.number().min(0).max(1).default(0.0005).describe('Smallest flame region, as a share of the frame area (flame-coloured flickering pixels, not its box).'),
    min_duration_s: durationS(3).describe('Seconds a flame region must persist before the rule raises (gaps up to 1 s are bridged).'),
    cooldown_s: ruleBase.cooldown_s.default(300),
    severity: ruleBase.severity.default('high'),
  })
  .strict();

export const smokeRule = z
  .object({
    ...ruleBase,
    type: z.literal('smoke'),
    zone: idSchema.optional().describe('Where to watch (a region counts when its centre is inside); absent = the whole frame.'),
    min_area: z.number().min(0).max(1).default(0.01).describe('Smallest smoke region, as a share of the frame area (veiled cells, not its box).'),
    min_duration_s: durationS(10).describe('Seconds a smoke region must persist before the rule raises (gaps up to 1 s are bridged).'),
    cooldown_s: ruleBase.cooldown_s.default(300),
    severity: ruleBase.severity.default('high'),
  })
  .strict();

export const TAMPER_KINDS = ['covered', 'blinded', 'defocused', 'moved'] as const;
export type TamperKind = (typeof TAMPER_KINDS)[number];

export const cameraTamperRule = z
  .object({
    ...ruleBase,
    type: z.literal('camera_tamper'),
    kinds: z
      .array(z.enum(TAMPER_KINDS))
      .min(1)
      .default([...TAMPER_KINDS])
      .describe('Which tampering to report: covered (dark and flat), blinded (bright and flat), defocused (blurred), moved (aimed elsewhere).'),
    min_duration_s: durationS(5).describe('Seconds a tamper condition must hold before the rule raises (gaps up to 1 s are bridged).'),
    cooldown_s: ruleBase.cooldown_s.default(300),
    severity: ruleBase.severity.default('high'),
  })
  .strict();

export type FireRuleConfig = z.infer<typeof fireRule>;
export type SmokeRuleConfig = z.infer<typeof smokeRule>;
export type CameraTamperRuleConfig = z.infer<typeof cameraTamperRule>;
