import { z } from 'zod';
import type { Authenticated } from '../../auth/sessions.js';
import { checkHoldRange, holdFieldsSchema, holdReleaseSchema } from '../../store/hold-repository.js';
import type { ServerDeps } from '../deps.js';
import { HttpError } from '../http-error.js';
import { route, type RouteSpec } from '../route.js';

const idParams = z.object({ id: z.string().min(1).max(100) }).strict();
const listQuery = z
  .object({ status: z.enum(['active', 'inactive', 'all']).optional().describe('active: protecting footage now; inactive: released or lapsed; all (default)') })
  .strict();
/** As the store's, with `until` optional: left out, the hold lasts until released. */
const newHoldBody = holdFieldsSchema.extend({ until: holdFieldsSchema.shape.until.optional() }).superRefine(checkHoldRange);

/**
 * Legal holds (judicial requisitions), for the DPO and admins (`holds.manage`).
 * Every creation and release is audited by the repository.
 */
export function holdRoutes(deps: ServerDeps): RouteSpec[] {
  const { holds, config } = deps.repos;
  return [
    route({
      method: 'GET',
      url: '/api/holds',
      summary: 'Legal holds, newest first, with their status (active, released, expired)',
      tag: 'holds',
      access: 'holds.manage',
      query: listQuery,
      async handler({ query }) {
        const status = query.status ?? 'all';
        return { items: await holds.list(status === 'all' ? {} : { active: status === 'active' }) };
      },
    }),
    route({
      method: 'POST',
      url: '/api/holds',
      summary: 'Place a legal hold: footage of these cameras in [from, to) survives retention until released or until `until`',
      tag: 'holds',
      access: 'holds.manage',
      body: newHoldBody,
      async handler({ body, auth, reply }) {
        const known = new Set((await config.current())?.config.cameras.map((c) => c.id) ?? []);
        const unknown = body.cameras.filter((id) => !known.has(id));
        if (unknown.length > 0) {
          const choices = known.size > 0 ? `use ids of the configuration (${[...known].join(', ')})` : 'the configuration has no camera yet';
          throw new HttpError(400, 'INVALID_INPUT', `body.cameras: unknown camera(s) ${unknown.join(', ')}: ${choices}`);
        }
        const item = await holds.create({ ...body, until: body.until ?? null, by: (auth as Authenticated).user.id });
        return reply.code(201).send({ item });
      },
    }),
    route({
      method: 'POST',
      url: '/api/holds/:id/release',
      summary: 'Release a legal hold: its footage is subject to normal retention again',
      tag: 'holds',
      access: 'holds.manage',
      params: idParams,
      body: holdReleaseSchema,
      async handler({ params, body, auth }) {
        return { item: await holds.release(params.id, { by: (auth as Authenticated).user.id, reason: body.reason }) };
      },
    }),
  ];
}
