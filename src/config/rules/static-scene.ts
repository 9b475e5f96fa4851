import { z } from 'zod';
import { durationS, idSchema, ruleBase } from './common.js';

/** Size bounds of a static region, as a share of the frame's area. */
const areaShare = (fallback: number) => z.number().min(0).max(1).default(fallback);

/** The static-scene rules only see things the long-term background has not absorbed: see docs/RULES.md. */
const staticFor = (fallback: number) =>
  durationS(fallback).describe('Seconds the thing must have stayed still (counted from when it stopped changing, a few seconds after it appeared).');

export const abandonedObjectRule = z
  .object({
    ...ruleBase,
    type: z.literal('abandoned_object'),
    zone: idSchema.describe('Zone the object must stand in (the bottom centre of its box).'),
    min_duration_s: staticFor(60),
    min_area: areaShare(0.0005).describe('Smallest object, as a share of the frame area (0.0005 = a 17x13 px bag at 640x360).'),
    max_area: areaShare(0.05).describe('Largest object, as a share of the frame area; bigger static regions are left to illegal_dumping.'),
    cooldown_s: ruleBase.cooldown_s.default(300),
    severity: ruleBase.severity.default('medium'),
  })
  .strict()
  .refine((r) => r.min_area <= r.max_area, { message: 'min_area is larger than max_area', path: ['min_area'] });

export const illegalDumpingRule = z
  .object({
    ...ruleBase,
    type: z.literal('illegal_dumping'),
    zone: idSchema.describe('Zone where dumping is watched (the bottom centre of the pile\'s box).'),
    min_duration_s: staticFor(60),
    min_area: areaShare(0.002).describe('Smallest pile, as a share of the frame area.'),
    max_area: areaShare(0.2).describe('Largest pile, as a share of the frame area.'),
    require_person_left: z.boolean().default(false).describe('Only raise when a person was next to the object when it appeared and then walked away.'),
    cooldown_s: ruleBase.cooldown_s.default(600),
    severity: ruleBase.severity.default('medium'),
  })
  .strict()
  .refine((r) => r.min_area <= r.max_area, { message: 'min_area is larger than max_area', path: ['min_area'] });

export const binOverflowRule = z
  .object({
    ...ruleBase,
    type: z.literal('bin_overflow'),
    zone: idSchema.describe('The ground around the bin (and the bin\'s top).'),
    min_duration_s: durationS(300).describe('Seconds the zone must stay filled at least min_fill.'),
    min_fill: z.number().min(0).max(1).default(0.15).describe('Share of the zone covered by new static things (bags, boxes), people and vehicles left out.'),
    cooldown_s: ruleBase.cooldown_s.default(3600),
    severity: ruleBase.severity.default('low'),
  })
  .strict();

export type AbandonedObjectRuleConfig = z.infer<typeof abandonedObjectRule>;
export type IllegalDumpingRuleConfig = z.infer<typeof illegalDumpingRule>;
export type BinOverflowRuleConfig = z.infer<typeof binOverflowRule>;
