import { createHash, createPublicKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRole } from '../../src/auth/roles.js';
import type { Authenticated } from '../../src/auth/sessions.js';
import { createEvidenceService } from '../../src/evidence/service.js';
import { verifyBundle } from '../../src/evidence/verify.js';
import type { ServerDeps } from '../../src/server/deps.js';
import { HttpError } from '../../src/server/http-error.js';
import { registerRoutes } from '../../src/server/route.js';
import { evidenceRoutes } from '../../src/server/routes/evidence.js';
import { datasetFile } from '../helpers/datasets.js';
import { at, event, recordedData, type RecordedData } from './evidence-fixtures.js';

const clip = datasetFile('pets09-s2l1/vtest.avi');
const dir = mkdtempSync(join(tmpdir(), 'vigie-evidence-api-'));
const CSRF = 'c'.repeat(43);
let data: RecordedData;
let app: FastifyInstance;

/** A session per role, picked by a test header (the real cookie sessions are tested with the server). */
function sessionOf(role: string): Authenticated | null {
  if (!isRole(role)) return null;
  return {
    user: { id: `u-${role}`, username: role, displayName: `Ms ${role}`, role },
    session: { tokenHash: 'h'.repeat(64), userId: `u-${role}`, createdAt: at(0), expiresAt: at(99_999), lastSeenAt: at(0), csrfToken: CSRF },
  } as Authenticated;
}

const headers = (role: string): Record<string, string> => ({ 'x-test-role': role, 'x-csrf-token': CSRF });

describe.skipIf(clip.missing)('evidence API', () => {
  beforeAll(async () => {
    data = await recordedData(join(dir, 'data'), clip.path, 20);
    await data.repos.events.upsert(event('ev-1', 3));
    const evidence = createEvidenceService({ dataDir: data.dataDir, db: data.store.db, repos: data.repos, config: () => Promise.resolve(null), vigieVersion: 'test', anonymize: false });
    const deps = { repos: data.repos, evidence } as unknown as ServerDeps;
    app = Fastify();
    app.setErrorHandler((error, _request, reply) => {
      if (error instanceof HttpError) return reply.code(error.status).send({ code: error.code, message: error.message });
      return reply.code(500).send({ code: 'INTERNAL', message: String(error) });
    });
    registerRoutes(app, evidenceRoutes(deps), (request) => sessionOf(String(request.headers['x-test-role'] ?? '')));
    await app.ready();
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await data?.store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a DPO exports a bundle under <data>/exports, downloads it, and it verifies', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/evidence', headers: headers('dpo'), payload: { camera: 'cam1', from: at(0), to: at(5), case: 'PV-1', reason: 'requisition', original: true } });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ id: string; file: string; bytes: number; sha256: string; download: string; segments: number; events: number }>();
    expect(body).toMatchObject({ segments: 1, events: 1, download: `/api/evidence/${body.id}/download`, file: `${body.id}.zip` });

    const download = await app.inject({ method: 'GET', url: body.download, headers: headers('dpo') });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/zip');
    expect(download.rawPayload.length).toBe(body.bytes);
    expect(createHash('sha256').update(download.rawPayload).digest('hex')).toBe(body.sha256);
    const saved = join(dir, 'downloaded.zip');
    writeFileSync(saved, download.rawPayload);
    const v = await verifyBundle(saved);
    expect(v.problems).toEqual([]);
    expect(v.manifest?.exported_by).toBe('Ms dpo (user dpo, role dpo)');

    const audit = await data.repos.audit.list();
    expect(audit.map((e) => e.action)).toEqual(['evidence.download', 'evidence.export']);
    expect(audit[1]).toMatchObject({ actor: 'u-dpo', details: { case: 'PV-1', bundle_sha256: body.sha256, anonymized: false, video: 'original' } });
  }, 60_000);

  it('refuses roles without exports.create, unknown bundles, empty ranges, missing reasons, contradictions and blurring without a detector', async () => {
    const payload = { camera: 'cam1', from: at(0), to: at(5), reason: 'x', original: true };
    expect((await app.inject({ method: 'POST', url: '/api/evidence', headers: headers('operator'), payload })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/api/evidence', headers: { 'x-test-role': 'dpo' }, payload })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/evidence/ev-20261128T140000Z-00000000/download', headers: headers('dpo') })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/evidence/..%2Fkeys/download', headers: headers('dpo') })).statusCode).toBe(404);
    const empty = await app.inject({ method: 'POST', url: '/api/evidence', headers: headers('dpo'), payload: { ...payload, from: at(500), to: at(600) } });
    expect(empty.statusCode).toBe(404);
    expect(empty.json<{ message: string }>().message).toMatch(/no recording between/);
    const noReason = await app.inject({ method: 'POST', url: '/api/evidence', headers: headers('dpo'), payload: { camera: 'cam1', from: at(0), to: at(5) } });
    expect(noReason.statusCode).toBe(400);
    // Blurred is the default: without a detector on this server it is refused, not silently exported as the original.
    const { original: _original, ...blurred } = payload;
    const anon = await app.inject({ method: 'POST', url: '/api/evidence', headers: headers('dpo'), payload: blurred });
    expect(anon.statusCode).toBe(400);
    expect(anon.json<{ message: string }>().message).toMatch(/anonymised export is not available here/);
    const both = await app.inject({ method: 'POST', url: '/api/evidence', headers: headers('dpo'), payload: { ...payload, anonymize: true } });
    expect(both.statusCode).toBe(400);
    expect(both.json<{ message: string }>().message).toMatch(/contradict/);
    const keepOriginal = await app.inject({ method: 'POST', url: '/api/evidence', headers: headers('dpo'), payload: { ...payload, keepSubject: { at: at(1), x: 0.5, y: 0.5 } } });
    expect(keepOriginal.statusCode).toBe(400);
    expect(keepOriginal.json<{ message: string }>().message).toMatch(/keepSubject applies to the blurred video/);
  }, 60_000);

  it('shows the public key and its fingerprint to any logged-in user', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/system/public-key', headers: headers('operator') });
    expect(res.statusCode).toBe(200);
    const key = res.json<{ algorithm: string; publicKeyPem: string; fingerprint: string }>();
    expect(key.algorithm).toBe('Ed25519');
    const der = createPublicKey(key.publicKeyPem).export({ type: 'spki', format: 'der' });
    expect(key.fingerprint).toBe(createHash('sha256').update(der).digest('hex'));
    expect((await app.inject({ method: 'GET', url: '/api/system/public-key' })).statusCode).toBe(401);
  });
});
