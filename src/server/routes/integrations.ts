import { z } from 'zod';
import type { Authenticated } from '../../auth/sessions.js';
import type { Integrations } from '../../integrations/index.js';
import { DELIVERY_STATUSES, MAX_DELIVERY_PAGE } from '../../store/webhook-repository.js';
import type { ServerDeps } from '../deps.js';
import { HttpError } from '../http-error.js';
import { route, type RouteSpec } from '../route.js';

const idParams = z.object({ id: z.string().min(1).max(100) }).strict();
const listQuery = z
  .object({
    status: z.enum(DELIVERY_STATUSES).optional().describe('pending, delivered, dead (the dead-letter list) or discarded; default all'),
    webhook: z.string().min(1).max(100).optional().describe('Only the deliveries of this webhook id'),
    limit: z.coerce.number().int().min(1).max(MAX_DELIVERY_PAGE).optional().describe(`Page size (default 50, at most ${MAX_DELIVERY_PAGE})`),
    cursor: z.string().min(1).max(200).optional().describe('nextCursor of the previous page'),
  })
  .strict();

/**
 * MQTT and webhooks for admins (`integrations.manage`, docs/INTEGRATIONS.md):
 * their state and counters, the deliveries, and what to do with a dead letter
 * (retry or discard, both audited by the repository).
 */
export function integrationRoutes(deps: ServerDeps): RouteSpec[] {
  const running = (): Integrations => {
    if (!deps.integrations) throw new HttpError(503, 'UNAVAILABLE', 'integrations do not run in this process: use an API node of Vigie (vigie start)');
    return deps.integrations;
  };
  return [
    route({
      method: 'GET',
      url: '/api/integrations',
      summary: 'MQTT broker link and webhooks, each with its delivery counters',
      tag: 'integrations',
      access: 'integrations.manage',
      async handler() {
        const integrations = running();
        const status = integrations.status();
        const counts = await integrations.deliveries.counts();
        const none = { pending: 0, delivered: 0, dead: 0, discarded: 0 };
        return { mqtt: status.mqtt, webhooks: status.webhooks.map((w) => ({ ...w, counts: counts.get(w.id) ?? none })) };
      },
    }),
    route({
      method: 'GET',
      url: '/api/integrations/deliveries',
      summary: 'Webhook deliveries, newest first (status=dead: the dead-letter list)',
      tag: 'integrations',
      access: 'integrations.manage',
      query: listQuery,
      async handler({ query }) {
        return running().deliveries.list({
          ...(query.status ? { status: query.status } : {}),
          ...(query.webhook ? { webhookId: query.webhook } : {}),
          ...(query.limit ? { limit: query.limit } : {}),
          ...(query.cursor ? { cursor: query.cursor } : {}),
        });
      },
    }),
    route({
      method: 'POST',
      url: '/api/integrations/deliveries/:id/retry',
      summary: 'Send a dead delivery again: back to pending, due now (its attempts are kept); audited',
      tag: 'integrations',
      access: 'integrations.manage',
      params: idParams,
      async handler({ params, auth }) {
        const integrations = running();
        const item = await integrations.deliveries.retry(params.id, (auth as Authenticated).user.id);
        integrations.kick();
        return { item };
      },
    }),
    route({
      method: 'POST',
      url: '/api/integrations/deliveries/:id/discard',
      summary: 'Give up a dead delivery for good (kept as discarded); audited',
      tag: 'integrations',
      access: 'integrations.manage',
      params: idParams,
      async handler({ params, auth }) {
        return { item: await running().deliveries.discard(params.id, (auth as Authenticated).user.id) };
      },
    }),
  ];
}
