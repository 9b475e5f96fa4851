import { z } from 'zod';
import type { Authenticated } from '../../auth/sessions.js';
import type { RetentionService, RetentionSummary } from '../../recording/retention-run.js';
import type { ServerDeps } from '../deps.js';
import { HttpError } from '../http-error.js';
import { route, type RouteSpec } from '../route.js';

const runBody = z.object({ dryRun: z.boolean().optional().describe('Plan and report, delete nothing (still audited)') }).strict().optional();

/** What the API returns of a run: the counts, and the first items of each list. */
function summaryView(s: RetentionSummary) {
  const { plan, pressure, ...counts } = s;
  const LIST = 100;
  return {
    ...counts,
    segments: plan.segments.slice(0, LIST),
    heldSegments: plan.heldSegments.slice(0, LIST).map((h) => ({ ...h.item, holdIds: h.holdIds })),
    pressureSegments: pressure.slice(0, LIST),
    listsTruncatedAt: LIST,
  };
}

/**
 * Retention (`retention.manage`): a preview of what the next run deletes, the
 * last run, and a run on demand. `deps.retention` is the server's retention
 * service (one run at a time, shared with the hourly schedule).
 */
export function retentionRoutes(deps: ServerDeps): RouteSpec[] {
  const service = (): RetentionService => {
    if (!deps.retention) throw new HttpError(503, 'UNAVAILABLE', 'retention does not run in this server (no recordings folder configured)');
    return deps.retention;
  };
  return [
    route({
      method: 'GET',
      url: '/api/retention',
      summary: 'What the next retention run would delete (nothing is deleted) and the last run from the audit log',
      tag: 'retention',
      access: 'retention.manage',
      async handler() {
        const preview = await service().run({ dryRun: true, preview: true });
        const [last] = await deps.repos.audit.list({ action: 'retention.run', limit: 1 });
        return { preview: summaryView(preview), lastRun: last ?? null };
      },
    }),
    route({
      method: 'POST',
      url: '/api/retention/run',
      summary: 'Run retention now (or a dry run); the run is audited with the caller as actor',
      tag: 'retention',
      access: 'retention.manage',
      body: runBody,
      async handler({ body, auth }) {
        const summary = await service().run({ dryRun: body?.dryRun === true, actor: (auth as Authenticated).user.id, trigger: 'api' });
        return summaryView(summary);
      },
    }),
  ];
}
