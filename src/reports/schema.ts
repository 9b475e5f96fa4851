/** Zod schemas of the report model (src/reports/types.ts), for the OpenAPI document of the report routes. */
import { z } from 'zod';

const ratio = z.number().min(0).max(1).nullable();
const count = z.number().int().min(0);

export const reportQuerySchema = z.object({
  from: z.string().describe('Start of the period, ISO 8601 (inclusive)'),
  to: z.string().describe('End of the period, ISO 8601 (exclusive)'),
  cameras: z.array(z.string()).nullable().describe('Camera ids, null for every camera'),
  timeZone: z.string().describe('IANA zone of days and hours (config `timezone`)'),
});

const durationSummarySchema = z.object({
  count,
  medianS: z.number().nullable().describe('Nearest-rank median, seconds'),
  p90S: z.number().nullable().describe('Nearest-rank 90th percentile, seconds'),
  histogram: z.array(z.object({ fromS: z.number(), toS: z.number().nullable(), count })),
});

const qualificationShape = { events: count, trueAlerts: count, falseAlarms: count, duplicates: count, unqualified: count, precision: ratio };

export const trialStatisticsSchema = z.object({
  query: reportQuerySchema,
  generatedAt: z.string(),
  days: z.number().describe('Days in the period (may be fractional)'),
  events: z.object({
    total: count,
    byType: z.array(z.object({ type: z.string(), count })),
    byCamera: z.array(z.object({ camera: z.string(), count })),
    byDay: z.array(z.object({ day: z.string(), count })),
    byWeekdayHour: z.array(z.object({ weekday: z.number().int().min(0).max(6), hour: z.number().int().min(0).max(23), count })),
  }),
  qualification: z.object({
    overall: z.object(qualificationShape),
    perRule: z.array(z.object({ camera: z.string(), rule: z.string(), type: z.string(), ...qualificationShape })),
    perCamera: z.array(z.object({ camera: z.string(), ...qualificationShape })),
    trend: z.array(z.object({ week: z.string(), ...qualificationShape })),
  }),
  responseTimes: z.object({ toAcknowledge: durationSummarySchema, toDispatch: durationSummarySchema }),
  workload: z.array(z.object({ userId: z.string(), username: z.string(), eventsHandled: count, activeHours: count, perActiveHour: z.number().nullable() })),
  shadow: z.array(z.object({ camera: z.string(), rule: z.string(), type: z.string(), wouldBeAlerts: count, perDay: z.number() })),
  availability: z.array(z.object({ camera: z.string(), analysedShare: ratio, recordingCoverage: ratio })),
  incidents: z.object({
    total: count,
    byType: z.array(z.object({ type: z.string(), count })),
    onAiCameras: count,
    detectedByAi: count,
    recall: ratio,
    onOtherCameras: count,
  }),
});

export const periodComparisonSchema = z.object({ before: trialStatisticsSchema, after: trialStatisticsSchema });
