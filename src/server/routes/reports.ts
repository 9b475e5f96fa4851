import { z } from 'zod';
import type { VigieConfig } from '../../config/schema.js';
import { compareStatistics, computeTrialStatistics } from '../../reports/index.js';
import { REPORT_TABLE_NAMES, reportTables, tableCsv } from '../../reports/csv.js';
import { periodComparisonSchema, trialStatisticsSchema } from '../../reports/schema.js';
import type { ReportQuery, TrialStatistics } from '../../reports/types.js';
import type { ServerDeps } from '../deps.js';
import { HttpError } from '../http-error.js';
import { route, type RouteSpec } from '../route.js';

/** Longest period of one report: the trial lasts 18 months; two years leaves room for a before/after. */
export const MAX_REPORT_DAYS = 731;
const DAY_MS = 86_400_000;

const isoTime = z.iso.datetime({ offset: true });
const cameraList = z
  .string()
  .max(4000, 'cameras: at most 4000 characters')
  .describe('Comma-separated camera ids; absent = every camera')
  .optional();

/** Refuses a reversed or too long period; `prefix` names the fields (`before_`, `after_` or none). */
function checkPeriod(from: string, to: string, prefix: string, ctx: z.RefinementCtx): void {
  const span = Date.parse(to) - Date.parse(from);
  if (!(span > 0)) ctx.addIssue({ code: 'custom', path: [`${prefix}to`], message: `the period is empty or reversed: "${prefix}to" must be after "${prefix}from"` });
  else if (span > MAX_REPORT_DAYS * DAY_MS) ctx.addIssue({ code: 'custom', path: [`${prefix}to`], message: `the period is longer than ${MAX_REPORT_DAYS} days (2 years): shorten it` });
}

const trialQuery = z
  .object({
    from: isoTime.describe('Start of the period, ISO 8601 with a zone (inclusive)'),
    to: isoTime.describe('End of the period, ISO 8601 with a zone (exclusive)'),
    cameras: cameraList,
  })
  .strict()
  .superRefine((q, ctx) => checkPeriod(q.from, q.to, '', ctx));

const compareQuery = z
  .object({
    before_from: isoTime.describe('Start of the first period'),
    before_to: isoTime.describe('End of the first period'),
    after_from: isoTime.describe('Start of the second period'),
    after_to: isoTime.describe('End of the second period'),
    cameras: cameraList,
  })
  .strict()
  .superRefine((q, ctx) => {
    checkPeriod(q.before_from, q.before_to, 'before_', ctx);
    checkPeriod(q.after_from, q.after_to, 'after_', ctx);
  });

const tableParams = z.object({ table: z.enum(REPORT_TABLE_NAMES, `table must be one of ${REPORT_TABLE_NAMES.join(', ')}`) }).strict();

/**
 * Trial statistics (docs/REPORTS.md) for supervisors and the DPO
 * (`reports.read`): the whole model as JSON, one table of it as CSV, and two
 * periods side by side. Days and hours are in the configuration's time zone.
 */
export function reportRoutes(deps: ServerDeps): RouteSpec[] {
  const config = async (): Promise<VigieConfig | null> => (await deps.repos.config.current())?.config ?? null;

  /** The query of a period; cameras must be configured, or have events (cameras since removed). */
  const reportQuery = async (cfg: VigieConfig | null, from: string, to: string, cameras: string | undefined): Promise<ReportQuery> => {
    const timeZone = cfg?.timezone ?? 'Europe/Paris';
    const ids = cameras === undefined ? [] : [...new Set(cameras.split(',').map((c) => c.trim()).filter(Boolean))];
    if (cameras !== undefined && ids.length === 0) throw new HttpError(400, 'INVALID_INPUT', 'query.cameras: give comma-separated camera ids, or leave cameras out for every camera');
    if (ids.length > 0) {
      const known = new Set([...(cfg?.cameras.map((c) => c.id) ?? []), ...(await deps.repos.reports.eventCameras())]);
      const unknown = ids.filter((id) => !known.has(id));
      if (unknown.length > 0) {
        const choices = known.size > 0 ? `use ids of the configuration or of cameras that have events (${[...known].join(', ')})` : 'there is no camera yet';
        throw new HttpError(400, 'INVALID_INPUT', `query.cameras: unknown camera ${unknown.map((u) => `"${u}"`).join(', ')}: ${choices}`);
      }
    }
    return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), cameras: ids.length > 0 ? ids : null, timeZone };
  };
  const statistics = async (from: string, to: string, cameras: string | undefined): Promise<TrialStatistics> => {
    const cfg = await config();
    return computeTrialStatistics(deps.repos, cfg, await reportQuery(cfg, from, to, cameras), deps.now());
  };

  return [
    route({
      method: 'GET',
      url: '/api/reports/trial',
      summary: 'Trial statistics of a period (at most 2 years): events, qualification and precision, response times, workload, shadow rules, availability, incidents and recall',
      tag: 'reports',
      access: 'reports.read',
      query: trialQuery,
      response: trialStatisticsSchema,
      async handler({ query, reply }) {
        const stats = await statistics(query.from, query.to, query.cameras);
        return reply.header('cache-control', 'private, no-store').send(stats);
      },
    }),
    route({
      method: 'GET',
      url: '/api/reports/trial/:table.csv',
      summary: `One table of the trial statistics as CSV (${REPORT_TABLE_NAMES.join(', ')})`,
      tag: 'reports',
      access: 'reports.read',
      params: tableParams,
      query: trialQuery,
      response: { contentType: 'text/csv' },
      async handler({ params, query, reply }) {
        const stats = await statistics(query.from, query.to, query.cameras);
        const table = reportTables(stats).find((t) => t.name === params.table);
        if (!table) throw new HttpError(404, 'NOT_FOUND', `report table ${params.table} not found`);
        const file = `vigie-${table.name}-${stats.query.from.slice(0, 10)}-${stats.query.to.slice(0, 10)}.csv`;
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${file}"`).header('cache-control', 'private, no-store').send(tableCsv(table));
      },
    }),
    route({
      method: 'GET',
      url: '/api/reports/compare',
      summary: 'Trial statistics of two periods side by side (before/after a change), same cameras',
      tag: 'reports',
      access: 'reports.read',
      query: compareQuery,
      response: periodComparisonSchema,
      async handler({ query, reply }) {
        const before = await statistics(query.before_from, query.before_to, query.cameras);
        const after = await statistics(query.after_from, query.after_to, query.cameras);
        return reply.header('cache-control', 'private, no-store').send(compareStatistics(before, after));
      },
    }),
  ];
}
