import { z } from 'zod';
import { COUNT_KINDS } from '../../rules/types.js';
import { COUNT_BUCKET_S } from '../../config/rules/counting.js';
import type { ServerDeps } from '../deps.js';
import { HttpError, notFound } from '../http-error.js';
import { route, type RouteSpec } from '../route.js';

const DAY_MS = 86_400_000;
/** Longest range one request may read: 31 days of 5-minute buckets. */
export const MAX_COUNT_RANGE_DAYS = 31;

const isoTime = (field: string) =>
  z.iso.datetime({ offset: true, error: `${field} must be an ISO 8601 time with a zone, e.g. 2026-03-02T10:00:00Z` });

const params = z.object({ id: z.string().min(1).max(100) }).strict();
const query = z
  .object({
    from: isoTime('from').optional().describe('Start of the range (default: 24 h before `to`).'),
    to: isoTime('to').optional().describe('End of the range, exclusive (default: now).'),
    rule: z.string().min(1).max(100).optional().describe('Only this rule (a counting rule, or a rule whose legal basis is statistics).'),
  })
  .strict();

const bucket = z.object({
  start: z.string().describe('Bucket start, ISO 8601 UTC'),
  rule: z.string(),
  kind: z.enum(COUNT_KINDS),
  target: z.string().describe('Line id (crossing), zone id (occupancy), or the rule\'s zone, line or event type (occurrence)'),
  cls: z.string(),
  direction: z.enum(['a_to_b', 'b_to_a']).nullable().describe('null for occupancy and occurrence'),
  value: z.number().describe('Crossings, mean tracks inside over the bucket, or situations opened (occurrence)'),
  peak: z.number().describe('Crossings, most tracks inside at once, or situations opened'),
});
const response = z.object({ camera: z.string(), bucket_s: z.literal(COUNT_BUCKET_S), buckets: z.array(bucket) });

const badRange = (message: string): HttpError => new HttpError(400, 'INVALID_INPUT', message);

/** The statistics of `counting` rules and of statistics-only rules: counts only, per 5-minute bucket, for the console's charts. */
export function countRoutes(deps: ServerDeps): RouteSpec[] {
  const { config, counts } = deps.repos;
  return [
    route({
      method: 'GET',
      url: '/api/cameras/:id/counts',
      summary: 'Line crossings, zone occupancy and statistics-only rule occurrences of a camera per 5-minute bucket',
      tag: 'counts',
      access: 'events.read',
      params,
      query,
      response,
      async handler({ params: { id }, query: q }): Promise<z.infer<typeof response>> {
        const camera = (await config.current())?.config.cameras.find((c) => c.id === id);
        if (!camera) throw notFound(`camera ${id}`);
        const toMs = q.to !== undefined ? Date.parse(q.to) : deps.now();
        const fromMs = q.from !== undefined ? Date.parse(q.from) : toMs - DAY_MS;
        if (fromMs >= toMs) throw badRange(`query.to: must be after from (${new Date(fromMs).toISOString()})`);
        if (toMs - fromMs > MAX_COUNT_RANGE_DAYS * DAY_MS) {
          throw badRange(`query.from: the range is longer than ${MAX_COUNT_RANGE_DAYS} days: narrow from/to`);
        }
        const rows = await counts.list({ camera: id, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), rule: q.rule });
        return {
          camera: id,
          bucket_s: COUNT_BUCKET_S,
          buckets: rows.map((r) => ({ start: r.start, rule: r.rule, kind: r.kind, target: r.target, cls: r.cls, direction: r.direction, value: r.value, peak: r.peak })),
        };
      },
    }),
  ];
}
