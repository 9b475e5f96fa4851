import { z } from 'zod';
import type { Authenticated } from '../../auth/sessions.js';
import { incidentFieldsSchema, incidentPatchSchema, checkIncidentWhere, type Incident } from '../../store/incident-repository.js';
import type { ServerDeps } from '../deps.js';
import { HttpError } from '../http-error.js';
import { route, type RouteSpec } from '../route.js';

const isoTime = z.iso.datetime({ offset: true });
const idParams = z.object({ id: z.string().min(1).max(100) }).strict();
const listQuery = z
  .object({
    from: isoTime.optional().describe('Incidents that occurred at or after this time'),
    to: isoTime.optional().describe('Incidents that occurred before this time'),
    camera: z.string().min(1).max(200).optional().describe('One camera id'),
  })
  .strict();
const newIncidentBody = incidentFieldsSchema.superRefine(checkIncidentWhere);

/** What the audit log keeps of an incident: never its description (free text). */
const auditDetails = (i: Incident) => ({ occurred_at: i.occurredAt, camera: i.camera, type: i.type, event_id: i.eventId });

/**
 * The manual incident log (docs/REPORTS.md): operators and supervisors record
 * incidents, including those Vigie did not raise, so the trial report can
 * measure recall. Read with `events.read`, written with `incidents.write`;
 * every change is audited.
 */
export function incidentRoutes(deps: ServerDeps): RouteSpec[] {
  const incidents = deps.repos.incidents;
  /** A camera must be in the configuration; an event id must exist. */
  const checkLinks = async (fields: { readonly camera?: string | null | undefined; readonly eventId?: string | null | undefined }): Promise<void> => {
    if (fields.camera) {
      const known = (await deps.repos.config.current())?.config.cameras.map((c) => c.id) ?? [];
      if (!known.includes(fields.camera)) {
        const choices = known.length > 0 ? `use an id of the configuration (${known.join(', ')}), or null with a place label` : 'the configuration has no camera yet: give a place label instead';
        throw new HttpError(400, 'INVALID_INPUT', `body.camera: unknown camera "${fields.camera}": ${choices}`);
      }
    }
    if (fields.eventId && !(await deps.repos.events.get(fields.eventId))) {
      throw new HttpError(400, 'INVALID_INPUT', `body.eventId: no event "${fields.eventId}": copy the id from the event's detail, or leave it out when Vigie raised none`);
    }
  };
  const actor = (auth: Authenticated | null): string => (auth as Authenticated).user.id;

  return [
    route({
      method: 'GET',
      url: '/api/incidents',
      summary: 'Incidents logged by operators, newest first (optionally a period and one camera)',
      tag: 'incidents',
      access: 'events.read',
      query: listQuery,
      async handler({ query }) {
        return { items: await incidents.list(query) };
      },
    }),
    route({
      method: 'POST',
      url: '/api/incidents',
      summary: 'Log an incident (camera or place, type, what happened, the Vigie event if one was raised); audited',
      tag: 'incidents',
      access: 'incidents.write',
      body: newIncidentBody,
      async handler({ body, auth, reply }) {
        await checkLinks(body);
        const item = await incidents.create({ ...body, by: actor(auth) });
        await deps.repos.audit.append({ actor: actor(auth), action: 'incident.create', target: item.id, details: auditDetails(item) });
        return reply.code(201).send({ item });
      },
    }),
    route({
      method: 'PATCH',
      url: '/api/incidents/:id',
      summary: 'Correct an incident (any of its fields); audited',
      tag: 'incidents',
      access: 'incidents.write',
      params: idParams,
      body: incidentPatchSchema,
      async handler({ params, body, auth }) {
        await checkLinks(body);
        const { after } = await incidents.update(params.id, body);
        await deps.repos.audit.append({ actor: actor(auth), action: 'incident.update', target: after.id, details: { ...auditDetails(after), fields: Object.keys(body).sort().join(',') } });
        return { item: after };
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/incidents/:id',
      summary: 'Delete an incident logged by mistake; audited',
      tag: 'incidents',
      access: 'incidents.write',
      params: idParams,
      async handler({ params, auth }) {
        const removed = await incidents.remove(params.id);
        await deps.repos.audit.append({ actor: actor(auth), action: 'incident.delete', target: removed.id, details: auditDetails(removed) });
        return { item: removed };
      },
    }),
  ];
}
