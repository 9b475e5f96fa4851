import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import { EVENT_TYPES } from '../contracts/event.js';
import { StoreError } from './errors.js';
import type { Database, IncidentsTable } from './schema.js';
import { isoNow, normaliseIso, systemClock, type Clock } from './time.js';

/**
 * The manual incident log (docs/REPORTS.md): incidents operators saw or were
 * told about, whether Vigie raised an event for them or not, so that the trial
 * report can measure recall. Free text says what happened, never who.
 */
export interface Incident {
  readonly id: string;
  readonly occurredAt: string;
  /** A camera id of the configuration, or null when `place` names a spot Vigie does not analyse. */
  readonly camera: string | null;
  readonly place: string | null;
  /** An event type (src/contracts/event.ts) or `other`. */
  readonly type: IncidentType;
  readonly description: string;
  /** The Vigie event that detected it; null when none did. */
  readonly eventId: string | null;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const INCIDENT_TYPES = [...EVENT_TYPES, 'other'] as const;
export type IncidentType = (typeof INCIDENT_TYPES)[number];
export const MAX_INCIDENT_DESCRIPTION = 2000;

const isoTime = z.iso.datetime({ offset: true });

/** The fields of an incident as the API takes them; `camera` or `place` is required. */
export const incidentFieldsSchema = z
  .object({
    occurredAt: isoTime.describe('When the incident happened, ISO 8601 with a zone'),
    camera: z.string().min(1, 'camera: give a camera id, or null with a place').max(200).nullable().optional().describe('Camera id of the configuration; null for a place Vigie does not analyse'),
    place: z
      .string()
      .trim()
      .max(200, 'place: at most 200 characters')
      .nullable()
      .optional()
      // A form's empty field means no place.
      .transform((p) => (p === '' ? null : p))
      .describe('Place label (street, square) when no configured camera covers it'),
    type: z.enum(INCIDENT_TYPES, `type must be one of ${INCIDENT_TYPES.join(', ')}`).describe('Event type, or `other`'),
    description: z
      .string()
      .trim()
      .min(1, 'description: say what happened')
      .max(MAX_INCIDENT_DESCRIPTION, `description: at most ${MAX_INCIDENT_DESCRIPTION} characters`)
      .describe('What happened; never names nor descriptions of people'),
    eventId: z.string().min(1).max(100).nullable().optional().describe('Id of the Vigie event that detected it; null or absent when none did'),
  })
  .strict();
/** What a caller gives (before trimming and defaults). */
export type IncidentFields = z.input<typeof incidentFieldsSchema>;

/** Refuses an incident with neither a camera nor a place. */
export function checkIncidentWhere(i: { readonly camera?: string | null; readonly place?: string | null }, ctx: z.RefinementCtx): void {
  if (!i.camera && !i.place) ctx.addIssue({ code: 'custom', path: ['camera'], message: 'give the camera id, or a place label for a spot no camera of Vigie analyses' });
}

export const newIncidentSchema = incidentFieldsSchema.superRefine(checkIncidentWhere);
export const incidentPatchSchema = incidentFieldsSchema.partial().strict();
export type IncidentPatch = z.input<typeof incidentPatchSchema>;

export interface IncidentQuery {
  /** Incidents with from <= occurredAt < to. */
  readonly from?: string;
  readonly to?: string;
  readonly camera?: string;
}

export interface IncidentRepository {
  create(input: IncidentFields & { readonly by: string }): Promise<Incident>;
  get(id: string): Promise<Incident | null>;
  /** Newest first. */
  list(query?: IncidentQuery): Promise<readonly Incident[]>;
  /** NOT_FOUND when absent; INVALID when the result would have neither camera nor place. */
  update(id: string, patch: IncidentPatch): Promise<{ readonly before: Incident; readonly after: Incident }>;
  /** NOT_FOUND when absent. */
  remove(id: string): Promise<Incident>;
}

const toIncident = (r: Selectable<IncidentsTable>): Incident => ({
  id: r.id,
  occurredAt: r.occurred_at,
  camera: r.camera,
  place: r.place,
  type: (INCIDENT_TYPES as readonly string[]).includes(r.type) ? (r.type as IncidentType) : 'other',
  description: r.description,
  eventId: r.event_id,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

function invalid(error: z.ZodError): StoreError {
  const problems = error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message));
  return new StoreError('INVALID', `incident: ${problems.join('; ')}`);
}

export function createIncidentRepository(db: Kysely<Database>, options: { readonly now?: Clock; readonly newId?: () => string } = {}): IncidentRepository {
  const clock = options.now ?? systemClock;
  const newId = options.newId ?? randomUUID;
  const row = async (id: string): Promise<Selectable<IncidentsTable>> => {
    const found = await db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
    if (!found) throw new StoreError('NOT_FOUND', `incident ${id} not found`);
    return found;
  };
  return {
    async create(input) {
      const { by, ...fields } = input;
      const parsed = newIncidentSchema.safeParse(fields);
      if (!parsed.success) throw invalid(parsed.error);
      const i = parsed.data;
      const now = isoNow(clock);
      const values: IncidentsTable = {
        id: newId(),
        occurred_at: normaliseIso(i.occurredAt, 'occurredAt'),
        camera: i.camera ?? null,
        place: i.place ?? null,
        type: i.type,
        description: i.description,
        event_id: i.eventId ?? null,
        created_by: by,
        created_at: now,
        updated_at: now,
      };
      await db.insertInto('incidents').values(values).execute();
      return toIncident(values);
    },
    async get(id) {
      const found = await db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
      return found ? toIncident(found) : null;
    },
    async list(query = {}) {
      let q = db.selectFrom('incidents').selectAll();
      if (query.from !== undefined) q = q.where('occurred_at', '>=', normaliseIso(query.from, 'from'));
      if (query.to !== undefined) q = q.where('occurred_at', '<', normaliseIso(query.to, 'to'));
      if (query.camera !== undefined) q = q.where('camera', '=', query.camera);
      const rows = await q.orderBy('occurred_at', 'desc').orderBy('id').execute();
      return rows.map(toIncident);
    },
    async update(id, patch) {
      const parsed = incidentPatchSchema.safeParse(patch);
      if (!parsed.success) throw invalid(parsed.error);
      const p = parsed.data;
      const current = await row(id);
      const next: IncidentsTable = {
        ...current,
        ...(p.occurredAt !== undefined ? { occurred_at: normaliseIso(p.occurredAt, 'occurredAt') } : {}),
        ...(p.camera !== undefined ? { camera: p.camera } : {}),
        ...(p.place !== undefined ? { place: p.place } : {}),
        ...(p.type !== undefined ? { type: p.type } : {}),
        ...(p.description !== undefined ? { description: p.description } : {}),
        ...(p.eventId !== undefined ? { event_id: p.eventId } : {}),
        updated_at: isoNow(clock),
      };
      if (!next.camera && !next.place) throw new StoreError('INVALID', 'incident: camera: give the camera id, or a place label for a spot no camera of Vigie analyses');
      const { id: _id, ...changes } = next;
      await db.updateTable('incidents').set(changes).where('id', '=', id).execute();
      return { before: toIncident(current), after: toIncident(next) };
    },
    async remove(id) {
      const current = await row(id);
      await db.deleteFrom('incidents').where('id', '=', id).execute();
      return toIncident(current);
    },
  };
}
