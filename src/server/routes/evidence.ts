import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import type { Authenticated } from '../../auth/sessions.js';
import { EvidenceError, type EvidenceErrorCode } from '../../evidence/errors.js';
import type { EvidenceService } from '../../evidence/service.js';
import type { ServerDeps } from '../deps.js';
import { HttpError, notFound } from '../http-error.js';
import { route, type RouteSpec } from '../route.js';

/** What the evidence routes need beyond the common deps: absent until the runtime builds it. */
const isoTime = z.iso.datetime({ offset: true });

const exportBody = z
  .object({
    camera: z.string().min(1).max(200),
    from: isoTime,
    to: isoTime,
    case: z.string().trim().min(1).max(200).optional().describe('Case reference of the judicial requisition'),
    reason: z.string().trim().min(1, 'say why the footage leaves the system').max(2000),
    anonymize: z.boolean().optional().describe('Default true: every detected person blurred and the privacy masks filled (re-encoded video). false = `original: true`'),
    original: z.boolean().optional().describe('true: the unaltered original recordings, byte for byte (judicial requisition)'),
    keepSubject: z
      .object({
        at: isoTime.describe('When the person is designated'),
        x: z.number().min(0).max(1).describe('Normalised point on the person, 0 = left'),
        y: z.number().min(0).max(1).describe('0 = top'),
      })
      .strict()
      .nullable()
      .optional()
      .describe('Access requests: this person stays unblurred along their track, everyone else is blurred'),
  })
  .strict()
  .refine((b) => !(b.original === true && b.anonymize === true), { message: 'original: true and anonymize: true contradict each other: send one of them', path: ['original'] });

const idParams = z.object({ id: z.string().min(1).max(200) }).strict();

const exportResponse = z.object({
  id: z.string(),
  file: z.string(),
  bytes: z.number(),
  sha256: z.string(),
  segments: z.number(),
  events: z.number(),
  key_fingerprint: z.string(),
  download: z.string(),
});

const publicKeyResponse = z.object({ algorithm: z.literal('Ed25519'), publicKeyPem: z.string(), fingerprint: z.string() });

const STATUS: Record<EvidenceErrorCode, number> = { INVALID: 400, NOT_FOUND: 404, ALTERED: 409, TOO_LARGE: 413, UNAVAILABLE: 503, NOT_A_BUNDLE: 400 };

function asHttp(err: unknown): unknown {
  return err instanceof EvidenceError ? new HttpError(STATUS[err.code], err.code, err.message) : err;
}

export function evidenceRoutes(deps: ServerDeps): RouteSpec[] {
  const service = (): EvidenceService => {
    if (!deps.evidence) throw new HttpError(503, 'UNAVAILABLE', 'evidence export is not set up on this server (no evidence service in the runtime)');
    return deps.evidence;
  };
  return [
    route({
      method: 'POST',
      url: '/api/evidence',
      summary: 'Export a signed evidence bundle of one camera over a time range (blurred video by default, or the original recordings; events, report, manifest, signature)',
      tag: 'evidence',
      access: 'exports.create',
      body: exportBody,
      response: exportResponse,
      async handler({ body, auth }) {
        const { user } = auth as Authenticated;
        try {
          const result = await service().create({
            camera: body.camera,
            from: body.from,
            to: body.to,
            caseRef: body.case ?? null,
            reason: body.reason,
            actor: user.id,
            exportedBy: `${user.displayName || user.username} (user ${user.username}, role ${user.role})`,
            // Blurred unless the original is asked for (`anonymize: false` is the older spelling of `original: true`).
            anonymize: !(body.original === true || body.anonymize === false),
            keepSubject: body.keepSubject ?? null,
          });
          return {
            id: result.id,
            file: basename(result.file),
            bytes: result.bytes,
            sha256: result.sha256,
            segments: result.segments,
            events: result.events,
            key_fingerprint: result.manifest.key_fingerprint,
            download: `/api/evidence/${result.id}/download`,
          };
        } catch (err) {
          throw asHttp(err);
        }
      },
    }),
    route({
      method: 'GET',
      url: '/api/evidence/:id/download',
      summary: 'Download a bundle made with POST /api/evidence (each download is audited)',
      tag: 'evidence',
      access: 'exports.create',
      params: idParams,
      response: { contentType: 'application/zip' },
      async handler({ params, auth, reply }) {
        const path = await service().bundlePath(params.id);
        if (!path) throw notFound(`evidence bundle ${params.id}`);
        await deps.repos.audit.append({ actor: (auth as Authenticated).user.id, action: 'evidence.download', target: params.id, details: { file: basename(path) } });
        return reply
          .header('content-disposition', `attachment; filename="${basename(path)}"`)
          .header('cache-control', 'private, no-store')
          .type('application/zip')
          .send(createReadStream(path));
      },
    }),
    route({
      method: 'GET',
      url: '/api/system/public-key',
      summary: "The instance's Ed25519 public key and its fingerprint, to check evidence bundles against",
      tag: 'system',
      access: 'session',
      response: publicKeyResponse,
      async handler() {
        try {
          return await service().publicKey();
        } catch (err) {
          throw asHttp(err);
        }
      },
    }),
  ];
}
