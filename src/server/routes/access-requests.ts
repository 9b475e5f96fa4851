import { basename } from 'node:path';
import { z } from 'zod';
import { AccessError, peopleAt, pickerJpeg, sharedPeopleAt, subjectPoint, type AccessErrorCode, type AccessFrameDeps, type FrameRequest, type PeopleFrame } from '../../access/index.js';
import type { Authenticated } from '../../auth/sessions.js';
import type { VigieConfig } from '../../config/schema.js';
import { openEngineDetector } from '../../evidence/detector.js';
import { EvidenceError, type EvidenceErrorCode } from '../../evidence/errors.js';
import type { AnonymizeDetector } from '../../evidence/export.js';
import type { EvidenceService } from '../../evidence/service.js';
import { ACCESS_REQUEST_STATUSES, accessRequestClosingSchema, accessRequestFieldsSchema, checkAccessRange, type AccessRequest } from '../../store/access-request-repository.js';
import type { ServerDeps } from '../deps.js';
import { HttpError, notFound } from '../http-error.js';
import { route, type RouteSpec } from '../route.js';

const isoTime = z.iso.datetime({ offset: true });
const idParams = z.object({ id: z.string().min(1).max(100) }).strict();
const listQuery = z.object({ status: z.enum(ACCESS_REQUEST_STATUSES, `status must be one of ${ACCESS_REQUEST_STATUSES.join(', ')}`).optional() }).strict();
const frameQuery = z.object({ at: isoTime.describe('Time of the frame, ISO 8601 with a zone, within the request range') }).strict();
const newRequestBody = accessRequestFieldsSchema.superRefine(checkAccessRange);
const exportBody = z
  .object({
    subject: z
      .object({
        at: isoTime.describe('Time of the frame where the requester was picked'),
        box: z.number().int('subject.box: a box number as shown on the frame').min(1, 'subject.box: box numbers start at 1').describe('Number of the requester on that frame (frame.json)'),
      })
      .strict()
      .nullable()
      .describe('The requester, left unblurred; null blurs everyone'),
  })
  .strict();

const STATUS: Record<AccessErrorCode | EvidenceErrorCode, number> = { INVALID: 400, NOT_FOUND: 404, ALTERED: 409, TOO_LARGE: 413, UNAVAILABLE: 503, NOT_A_BUNDLE: 400 };

function asHttp(err: unknown): unknown {
  return err instanceof AccessError || err instanceof EvidenceError ? new HttpError(STATUS[err.code], err.code, err.message) : err;
}

export interface AccessRequestRouteOptions {
  /** The person detector of frame views; default: the configured engine with one worker (the live cameras keep the rest). */
  readonly openDetector?: (config: VigieConfig | null) => Promise<AnonymizeDetector>;
}

/**
 * GDPR right-of-access requests, for the DPO (`access_requests.manage`): the
 * register of requests, the frame picker that finds the requester with
 * everyone else blurred, and the export that keeps only the requester
 * unblurred. Changes are audited by the repository, frame views here.
 */
export function accessRequestRoutes(deps: ServerDeps, options: AccessRequestRouteOptions = {}): RouteSpec[] {
  const requests = deps.repos.accessRequests;
  const openDetector = options.openDetector ?? ((config) => openEngineDetector(config?.detector ?? null, 1));
  /** Exports running now, by request id: one at a time per request. */
  const exporting = new Set<string>();
  const currentConfig = async (): Promise<VigieConfig | null> => (await deps.repos.config.current())?.config ?? null;
  const load = async (id: string): Promise<AccessRequest> => {
    const item = await requests.get(id);
    if (!item) throw notFound(`access request ${id}`);
    return item;
  };
  const frames = async (item: AccessRequest): Promise<{ frameDeps: AccessFrameDeps; request: FrameRequest }> => {
    if (!deps.recordings) throw new HttpError(503, 'RECORDING_UNAVAILABLE', 'recording is not running on this server: there is no footage to look at');
    const config = await currentConfig();
    const masks = config?.cameras.find((c) => c.id === item.camera)?.masks ?? [];
    return {
      frameDeps: { source: { recordingsDir: deps.recordings.recordingsDir, segments: deps.recordings.index }, openDetector: () => openDetector(config) },
      request: { camera: item.camera, from: item.from, to: item.to, masks },
    };
  };
  const evidence = (): EvidenceService => {
    if (!deps.evidence) throw new HttpError(503, 'UNAVAILABLE', 'evidence export is not set up on this server (no evidence service in the runtime)');
    return deps.evidence;
  };
  const shared = sharedPeopleAt();
  /** The numbered people of the frame at `at`, shared with an overlapping call for the same frame. */
  const framePeople = async (item: AccessRequest, at: string) => {
    const { frameDeps, request } = await frames(item);
    return shared(`${item.id}|${Date.parse(at)}`, () => peopleAt(frameDeps, request, at));
  };
  const auditView = async (auth: Authenticated | null, item: AccessRequest, view: PeopleFrame, format: 'jpeg' | 'json'): Promise<void> => {
    await deps.repos.audit.append({
      actor: auth?.user.id ?? 'unknown',
      action: 'access_request.frame_view',
      target: item.id,
      details: { camera: item.camera, at: view.at, segment: view.segment, people: view.boxes.length, format },
    });
  };

  return [
    route({
      method: 'GET',
      url: '/api/access-requests',
      summary: 'Right-of-access requests: open ones first by due date, then the others newest first',
      tag: 'access-requests',
      access: 'access_requests.manage',
      query: listQuery,
      async handler({ query }) {
        return { items: await requests.list(query.status ? { status: query.status } : {}) };
      },
    }),
    route({
      method: 'POST',
      url: '/api/access-requests',
      summary: 'Record a right-of-access request (camera, range of at most 1 hour, how the requester can be recognised); due one month after receipt',
      tag: 'access-requests',
      access: 'access_requests.manage',
      body: newRequestBody,
      async handler({ body, auth, reply }) {
        const known = (await currentConfig())?.cameras.map((c) => c.id) ?? [];
        if (!known.includes(body.camera)) {
          const choices = known.length > 0 ? `use an id of the configuration (${known.join(', ')})` : 'the configuration has no camera yet';
          throw new HttpError(400, 'INVALID_INPUT', `body.camera: unknown camera "${body.camera}": ${choices}`);
        }
        const item = await requests.create({ ...body, by: (auth as Authenticated).user.id });
        return reply.code(201).send({ item });
      },
    }),
    route({
      method: 'GET',
      url: '/api/access-requests/:id',
      summary: 'One right-of-access request',
      tag: 'access-requests',
      access: 'access_requests.manage',
      params: idParams,
      async handler({ params }) {
        return { item: await load(params.id) };
      },
    }),
    route({
      method: 'PATCH',
      url: '/api/access-requests/:id',
      summary: 'Close an open request: answered, refused (note required: why) or withdrawn',
      tag: 'access-requests',
      access: 'access_requests.manage',
      params: idParams,
      body: accessRequestClosingSchema,
      async handler({ params, body, auth }) {
        return { item: await requests.close(params.id, { status: body.status, note: body.note ?? null, by: (auth as Authenticated).user.id }) };
      },
    }),
    route({
      method: 'GET',
      url: '/api/access-requests/:id/frame.json',
      summary: 'The people detected in the recorded frame at `at`, numbered, as normalised [x1, y1, x2, y2] boxes (audited)',
      tag: 'access-requests',
      access: 'access_requests.manage',
      params: idParams,
      query: frameQuery,
      async handler({ params, query, auth }) {
        const item = await load(params.id);
        try {
          const { view } = await framePeople(item, query.at);
          await auditView(auth, item, view, 'json');
          return view;
        } catch (err) {
          throw asHttp(err);
        }
      },
    }),
    route({
      method: 'GET',
      url: '/api/access-requests/:id/frame',
      summary: 'JPEG of the recorded frame at `at` with every person blurred, outlined and numbered (audited)',
      tag: 'access-requests',
      access: 'access_requests.manage',
      params: idParams,
      query: frameQuery,
      response: { contentType: 'image/jpeg' },
      async handler({ params, query, auth, reply }) {
        const item = await load(params.id);
        try {
          const { view, frame } = await framePeople(item, query.at);
          const jpeg = await pickerJpeg(frame, view.boxes);
          await auditView(auth, item, view, 'jpeg');
          return reply.header('cache-control', 'private, no-store').type('image/jpeg').send(jpeg);
        } catch (err) {
          throw asHttp(err);
        }
      },
    }),
    route({
      method: 'POST',
      url: '/api/access-requests/:id/export',
      summary: "Export the request's footage with everyone blurred except the requester (picked by box number at a time), recorded on the request",
      tag: 'access-requests',
      access: 'access_requests.manage',
      params: idParams,
      body: exportBody,
      async handler({ params, body, auth }) {
        const { user } = auth as Authenticated;
        const item = await load(params.id);
        if (item.status !== 'open') throw new HttpError(409, 'CONFLICT', `access request ${item.id} is already ${item.status}: nothing more can be exported for it`);
        if (exporting.has(item.id)) throw new HttpError(409, 'CONFLICT', `an export of access request ${item.id} is already running: wait for it to finish`);
        exporting.add(item.id);
        try {
          let keepSubject: { at: string; x: number; y: number } | null = null;
          if (body.subject) {
            // The box is found again on the server: the number must mean the person the DPO saw.
            const { view } = await framePeople(item, body.subject.at);
            keepSubject = { at: view.at, ...subjectPoint(view.boxes, body.subject.box) };
          }
          const result = await evidence().create({
            camera: item.camera,
            from: item.from,
            to: item.to,
            caseRef: `Demande d'accès ${item.id}`,
            reason: "Droit d'accès (RGPD art. 15)",
            actor: user.id,
            exportedBy: `${user.displayName || user.username} (user ${user.username}, role ${user.role})`,
            anonymize: true,
            keepSubject,
          });
          const updated = await requests.attachExport(item.id, { exportId: result.id, subjectKept: keepSubject !== null, by: user.id });
          return {
            item: updated,
            export: { id: result.id, file: basename(result.file), bytes: result.bytes, sha256: result.sha256, download: `/api/evidence/${result.id}/download` },
          };
        } catch (err) {
          throw asHttp(err);
        } finally {
          exporting.delete(item.id);
        }
      },
    }),
  ];
}
