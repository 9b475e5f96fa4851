import { z } from 'zod';
import type { Authenticated } from '../../auth/sessions.js';
import { auditCsv, type AuditRow } from '../../audit/csv.js';
import type { AuditEntry, AuditFilter } from '../../store/audit-repository.js';
import type { ServerDeps } from '../deps.js';
import { route, type RouteSpec } from '../route.js';

const filterQuery = z
  .object({
    action: z.string().min(1).max(100).optional().describe('e.g. recording.view, auth.login_failed'),
    actor: z.string().min(1).max(100).optional().describe('a user id, `system` or `anonymous`'),
    from: z.iso.datetime({ offset: true }).optional().describe('entries at or after this time'),
    to: z.iso.datetime({ offset: true }).optional().describe('entries before this time'),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();
type FilterQuery = z.infer<typeof filterQuery>;

const item = z.object({
  seq: z.number(),
  at: z.string(),
  actor: z.string(),
  actorName: z.string().nullable().describe('the username when the actor is a user'),
  action: z.string(),
  target: z.string().nullable(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});

const toFilter = (q: FilterQuery): AuditFilter => ({
  limit: q.limit,
  ...(q.action !== undefined ? { action: q.action } : {}),
  ...(q.actor !== undefined ? { actor: q.actor } : {}),
  ...(q.from !== undefined ? { from: q.from } : {}),
  ...(q.to !== undefined ? { to: q.to } : {}),
});

export function auditRoutes(deps: ServerDeps): RouteSpec[] {
  /** Entries newest first, each with the username of its actor when the actor is a user. */
  const rows = async (q: FilterQuery): Promise<AuditRow[]> => {
    const entries = await deps.repos.audit.list(toFilter(q));
    const names = new Map((await deps.repos.users.list()).map((u) => [u.id, u.username]));
    return entries.map((e: AuditEntry) => ({ seq: e.seq, at: e.at, actor: e.actor, actorName: names.get(e.actor) ?? null, action: e.action, target: e.target, details: e.details }));
  };
  return [
    route({
      method: 'GET',
      url: '/api/audit',
      summary: 'Audit log entries, newest first (who did what, when, from where)',
      tag: 'audit',
      access: 'audit.read',
      query: filterQuery,
      response: z.object({ items: z.array(item) }),
      async handler({ query }) {
        return { items: await rows(query) };
      },
    }),
    route({
      method: 'GET',
      url: '/api/audit.csv',
      summary: 'The same entries as CSV (RFC 4180, header row); the export is itself audited',
      tag: 'audit',
      access: 'audit.export',
      query: filterQuery,
      response: { contentType: 'text/csv' },
      async handler({ query, auth, reply, request }) {
        const items = await rows(query);
        const filters = Object.fromEntries(Object.entries(query).map(([k, v]) => [`filter_${k}`, v]));
        await deps.repos.audit.append({ actor: (auth as Authenticated).user.id, action: 'audit.export', target: null, details: { ...filters, rows: items.length, ip: request.ip } });
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="vigie-audit.csv"')
          .header('cache-control', 'private, no-store')
          .send(auditCsv(items));
      },
    }),
  ];
}
