import { z } from 'zod';
import { OBJECT_CLASSES, type ObjectClass } from '../../contracts/classes.js';
import { legalBasisSchema, purposeSchema } from './legal-basis.js';

const unit = z.number().min(0, 'must be >= 0 (coordinates are normalised to the frame)').max(1, 'must be <= 1 (coordinates are normalised to the frame)');

export const normPointSchema = z
  .tuple([unit, unit])
  .describe('A point [x, y] normalised to the frame, origin top-left.');

export const polygonSchema = z
  .array(normPointSchema)
  .min(3, 'a polygon needs at least 3 points [x, y]')
  .describe('A polygon as a list of normalised points.');

export const idSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and dashes, e.g. "parvis-nord"');

export const classSchema = z.union([
  z.enum(OBJECT_CLASSES as unknown as [ObjectClass, ...ObjectClass[]]),
  z.literal('any'),
], { error: () => `unknown class: use one of ${OBJECT_CLASSES.slice(0, 8).join(', ')}, ..., object or any` });

export type ClassSelector = z.infer<typeof classSchema>;

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const clockTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use 24-hour HH:MM, e.g. "22:00"')
  .describe('Local time of day, HH:MM (24-hour clock).');

/** One weekly slot; `to` before `from` runs past midnight into the next day. */
export const scheduleSlotSchema = z
  .object({
    days: z
      .array(z.enum(WEEKDAYS, { error: () => `unknown day: use ${WEEKDAYS.join(', ')}` }))
      .min(1, 'give at least one day, e.g. [mon, tue, wed, thu, fri]')
      .default([...WEEKDAYS])
      .describe('Days the slot starts on.'),
    from: clockTime,
    to: clockTime,
  })
  .strict()
  .refine((s) => s.from !== s.to, { message: 'from and to are equal: leave the schedule out for a rule active all day', path: ['to'] });

export type ScheduleSlot = z.infer<typeof scheduleSlotSchema>;

/** Fields every rule has (docs/RULES.md, "Common fields"). */
export const ruleBase = {
  id: idSchema,
  enabled: z.boolean().default(true),
  severity: z.enum(['low', 'medium', 'high']).default('medium'),
  anchor: z
    .enum(['auto', 'bottom_center', 'center'])
    .default('auto')
    .describe('Point of the box tested against zones and lines: auto = foot point for people, centre for everything else.'),
  cooldown_s: z
    .number()
    .min(0)
    .max(3600)
    .describe('Seconds after an event closes during which the same situation reopens it instead of raising a new one.'),
  schedule: z
    .array(scheduleSlotSchema)
    .min(1, 'an empty schedule would never run: leave schedule out for a rule active all the time')
    .optional()
    .describe('Weekly slots (local time, config `timezone`) in which the rule raises events; absent = always.'),
  mode: z
    .enum(['active', 'shadow'])
    .default('active')
    .describe('shadow = events are recorded (to measure the rule) but never shown or sent to operators.'),
  purpose: purposeSchema.optional(),
  legal_basis: legalBasisSchema.optional(),
};

/** Seconds, 0 to one day. */
export const durationS = (fallback: number) => z.number().min(0).max(86_400).default(fallback);
