import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Authenticated } from '../../auth/sessions.js';
import { EVENT_TYPES } from '../../contracts/event.js';
import { QUALIFICATIONS } from '../../contracts/event-schema.js';
import type { EventAction } from '../../store/event-repository.js';
import { MAX_EVENT_PAGE_SIZE, SHADOW_FILTERS } from '../../store/event-query.js';
import { can } from '../../auth/roles.js';
import type { ServerDeps } from '../deps.js';
import { HttpError, notFound } from '../http-error.js';
import { route, type RouteSpec } from '../route.js';

const isoTime = z.iso.datetime({ offset: true });
const idParams = z.object({ id: z.string().min(1).max(200) }).strict();

const listQuery = z
  .object({
    camera: z.string().optional(),
    type: z.enum(EVENT_TYPES).optional(),
    status: z.enum(['open', 'closed', 'unacknowledged', 'acknowledged', 'qualified']).optional(),
    from: isoTime.optional(),
    to: isoTime.optional(),
    shadow: z
      .enum(SHADOW_FILTERS)
      .optional()
      .describe('Events of rules in shadow mode: exclude (default), include or only; needs reports.read'),
    limit: z.coerce.number().int().min(1).max(MAX_EVENT_PAGE_SIZE).optional(),
    cursor: z.string().max(500).optional(),
  })
  .strict();

const actionBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ack'), note: z.string().max(2000).optional() }).strict(),
  z.object({ kind: z.literal('qualify'), value: z.enum(QUALIFICATIONS), note: z.string().max(2000).optional() }).strict(),
  z.object({ kind: z.literal('dispatch'), note: z.string().max(2000).optional() }).strict(),
  z.object({ kind: z.literal('note'), note: z.string().trim().min(1, 'write the note').max(2000) }).strict(),
]);

/** Snapshot file names are event ids; anything else could walk out of the folder. */
const SAFE_ID = /^[A-Za-z0-9-]+$/;

export function eventRoutes(deps: ServerDeps): RouteSpec[] {
  const { events, users } = deps.repos;
  const withUsernames = async (actions: readonly EventAction[]) => {
    const names = new Map<string, string>();
    for (const id of new Set(actions.map((a) => a.userId))) names.set(id, (await users.get(id))?.username ?? id);
    return actions.map((a) => ({ ...a, username: names.get(a.userId) ?? a.userId }));
  };
  return [
    route({
      method: 'GET',
      url: '/api/events',
      summary: 'The alert queue: events by severity, then newest first',
      tag: 'events',
      access: 'events.read',
      query: listQuery,
      handler: ({ query, auth }) => {
        // Shadow events measure rules that are not switched on: not for the operators' queue.
        if (query.shadow !== undefined && query.shadow !== 'exclude' && !(auth && can(auth.user.role, 'reports.read'))) {
          throw new HttpError(403, 'FORBIDDEN', 'shadow events are for rule evaluation: your role lacks reports.read');
        }
        return events.list(query);
      },
    }),
    route({
      method: 'GET',
      url: '/api/events/:id',
      summary: 'One event with the timeline of what operators did',
      tag: 'events',
      access: 'events.read',
      params: idParams,
      async handler({ params }) {
        const item = await events.get(params.id);
        if (!item) throw notFound(`event ${params.id}`);
        return { item, actions: await withUsernames(await events.actions(params.id)) };
      },
    }),
    route({
      method: 'POST',
      url: '/api/events/:id/actions',
      summary: 'Acknowledge, qualify, dispatch or annotate an event',
      tag: 'events',
      access: 'events.act',
      params: idParams,
      body: actionBody,
      async handler({ params, body, auth }) {
        const userId = (auth as Authenticated).user.id;
        const { stored, action } = await events.applyAction(params.id, { ...body, userId });
        const [named] = await withUsernames([action]);
        deps.live.broadcast({ type: 'event', change: 'action', item: stored, ...(named ? { action: named } : {}) });
        return { item: stored, action: named };
      },
    }),
    route({
      method: 'GET',
      url: '/api/events/:id/snapshot.jpg',
      summary: 'JPEG of the frame that opened the event (boxes drawn, people blurred)',
      tag: 'events',
      access: 'events.read',
      params: idParams,
      response: { contentType: 'image/jpeg' },
      async handler({ params, reply }) {
        if (!SAFE_ID.test(params.id)) throw notFound(`snapshot of event ${params.id}`);
        await deps.snapshotPending?.(params.id);
        let jpeg: Buffer;
        try {
          jpeg = await readFile(join(deps.snapshotDir, `${params.id}.jpg`));
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(`snapshot of event ${params.id}`);
          throw err;
        }
        return reply.header('cache-control', 'private, max-age=3600').type('image/jpeg').send(jpeg);
      },
    }),
  ];
}
