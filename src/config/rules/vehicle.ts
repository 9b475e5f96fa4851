import { z } from 'zod';
import { VEHICLE_CLASSES } from '../../contracts/classes.js';
import { classSchema, durationS, idSchema, ruleBase } from './common.js';

const MOTOR_VEHICLES = VEHICLE_CLASSES.filter((c) => c !== 'bicycle');

export const vehicleProwlingRule = z
  .object({
    ...ruleBase,
    type: z.literal('vehicle_prowling'),
    zone: idSchema,
    classes: z.array(classSchema).min(1).default(['person']).describe('Who prowls.'),
    vehicle_classes: z.array(classSchema).min(1).default(MOTOR_VEHICLES).describe('What is prowled: stationary tracks of these classes.'),
    min_vehicles: z.number().int().min(2).max(50).default(3).describe('Distinct stationary vehicles one person must visit.'),
    window_s: durationS(180).describe('Seconds within which the visits must happen.'),
    min_visit_s: z
      .number()
      .min(0)
      .max(600)
      .default(2)
      .describe('Seconds a person must linger at a vehicle (near it, moving less than half its size) for a visit; walking past does not count.'),
    cooldown_s: ruleBase.cooldown_s.default(120),
    severity: ruleBase.severity.default('high'),
  })
  .strict();

export const vehicleDepartureRule = z
  .object({
    ...ruleBase,
    type: z.literal('vehicle_departure'),
    zone: idSchema,
    classes: z.array(classSchema).min(1).default(MOTOR_VEHICLES).describe('What departs.'),
    min_parked_s: durationS(60).describe('Seconds a vehicle must have been stationary in the zone before its leaving counts.'),
    cooldown_s: ruleBase.cooldown_s.default(60),
    severity: ruleBase.severity.default('high'),
  })
  .strict();

export const stoppedVehicleRule = z
  .object({
    ...ruleBase,
    type: z.literal('stopped_vehicle'),
    zone: idSchema,
    classes: z.array(classSchema).min(1).default(MOTOR_VEHICLES),
    min_duration_s: durationS(30).describe('Seconds a vehicle must have stood still in the zone.'),
    cooldown_s: ruleBase.cooldown_s.default(60),
    severity: ruleBase.severity.default('medium'),
  })
  .strict();

export const speedingRule = z
  .object({
    ...ruleBase,
    type: z.literal('speeding'),
    classes: z.array(classSchema).min(1).default(MOTOR_VEHICLES),
    speed_limit_kmh: z.number().positive().max(300).default(50).describe('A measured speed above this raises an event (km/h).'),
    entry_line: idSchema.optional().describe('First of two lines a known distance apart (with exit_line and distance_m).'),
    exit_line: idSchema.optional(),
    distance_m: z.number().positive().max(1000).optional().describe('Ground distance in metres between entry_line and exit_line.'),
    zone: idSchema.optional().describe('Without lines: the zone where speed is measured on the camera\'s ground_plane.'),
    cooldown_s: ruleBase.cooldown_s.default(0),
    severity: ruleBase.severity.default('medium'),
  })
  .strict();

export const redLightRule = z
  .object({
    ...ruleBase,
    type: z.literal('red_light'),
    stop_line: idSchema.describe('The stop line, drawn across the lane.'),
    signal_zone: idSchema.describe('A small zone drawn around the red lamp of the traffic light.'),
    direction: z.enum(['a_to_b', 'b_to_a', 'any']).default('any').describe('Direction of travel that crosses into the junction.'),
    classes: z.array(classSchema).min(1).default(MOTOR_VEHICLES).describe('What runs the light.'),
    cooldown_s: ruleBase.cooldown_s.default(0),
    severity: ruleBase.severity.default('high'),
  })
  .strict();

export const personDownRule = z
  .object({
    ...ruleBase,
    type: z.literal('person_down'),
    zone: idSchema.optional().describe('Where to watch; absent = the whole frame.'),
    classes: z.array(classSchema).min(1).default(['person']),
    min_aspect: z
      .number()
      .min(1)
      .max(5)
      .default(1.2)
      .describe('Width / height of the box (pixels) from which a person counts as lying. Higher misses people lying towards the camera; lower raises on people sitting or bending.'),
    min_duration_s: durationS(10).describe('Seconds the person must have been lying and still.'),
    cooldown_s: ruleBase.cooldown_s.default(60),
    severity: ruleBase.severity.default('high'),
  })
  .strict();

export type VehicleProwlingRuleConfig = z.infer<typeof vehicleProwlingRule>;
export type VehicleDepartureRuleConfig = z.infer<typeof vehicleDepartureRule>;
export type StoppedVehicleRuleConfig = z.infer<typeof stoppedVehicleRule>;
export type SpeedingRuleConfig = z.infer<typeof speedingRule>;
export type RedLightRuleConfig = z.infer<typeof redLightRule>;
export type PersonDownRuleConfig = z.infer<typeof personDownRule>;
