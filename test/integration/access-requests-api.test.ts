import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRole, type Role } from '../../src/auth/roles.js';
import type { Authenticated } from '../../src/auth/sessions.js';
import { configSchema } from '../../src/config/schema.js';
import { createEvidenceService } from '../../src/evidence/service.js';
import { verifyBundle } from '../../src/evidence/verify.js';
import { createSegmentIndex } from '../../src/recording/segment-index.js';
import type { ServerDeps } from '../../src/server/deps.js';
import { HttpError } from '../../src/server/http-error.js';
import { registerRoutes } from '../../src/server/route.js';
import { accessRequestRoutes } from '../../src/server/routes/access-requests.js';
import { createRepositories, isStoreError, openDatabase, type Repositories, type StoreDatabase } from '../../src/store/index.js';
import { datasetFile } from '../helpers/datasets.js';
import { at, recordedData, type RecordedData } from './evidence-fixtures.js';

const CSRF = 'c'.repeat(43);
const STORE_STATUS: Record<string, number> = { NOT_FOUND: 404, CONFLICT: 409, INVALID: 400 };
const config = configSchema.parse({ cameras: [{ id: 'cam1', source: 'cam1.mp4', enabled: false }] });

/** A session per role, picked by a test header (cookie sessions are tested with the whole server). */
function sessionOf(role: string): Authenticated | null {
  if (!isRole(role)) return null;
  return {
    user: { id: `u-${role}`, username: role, displayName: `Ms ${role}`, role },
    session: { tokenHash: 'h'.repeat(64), userId: `u-${role}`, createdAt: at(0), expiresAt: at(99_999), lastSeenAt: at(0), csrfToken: CSRF },
  } as Authenticated;
}

async function appFor(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify();
  // As the real server maps them (src/server/app.ts).
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof HttpError) return reply.code(error.status).send({ code: error.code, message: error.message });
    if (isStoreError(error) && STORE_STATUS[error.code]) return reply.code(STORE_STATUS[error.code]!).send({ code: error.code, message: error.message });
    return reply.code(500).send({ code: 'INTERNAL', message: String(error) });
  });
  registerRoutes(app, accessRequestRoutes(deps), (request) => sessionOf(String(request.headers['x-test-role'] ?? '')));
  await app.ready();
  return app;
}

const call = (app: FastifyInstance, method: 'GET' | 'POST' | 'PATCH', url: string, role: Role, payload?: object) =>
  app.inject({ method, url, headers: { 'x-test-role': role, 'x-csrf-token': CSRF }, ...(payload ? { payload } : {}) });

const newRequest = { receivedAt: at(3600), requesterRef: 'LR 2026-17', camera: 'cam1', from: at(0), to: at(600), description: 'veste rouge, traverse vers le métro' };

describe('access requests API (no footage)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-access-api-'));
  let store: StoreDatabase;
  let repos: Repositories;
  let app: FastifyInstance;
  beforeAll(async () => {
    store = await openDatabase({ dataDir: dir });
    repos = createRepositories(store.db);
    await repos.config.save(config, { userId: null });
    app = await appFor({ repos, now: Date.now } as unknown as ServerDeps);
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is for the DPO only: every other role is refused', async () => {
    for (const role of ['operator', 'supervisor', 'admin'] as const) {
      expect((await call(app, 'GET', '/api/access-requests', role)).statusCode).toBe(403);
      expect((await call(app, 'POST', '/api/access-requests', role, newRequest)).statusCode).toBe(403);
      expect((await call(app, 'GET', `/api/access-requests/x/frame.json?at=${at(1)}`, role)).statusCode).toBe(403);
      expect((await call(app, 'POST', '/api/access-requests/x/export', role, { subject: null })).statusCode).toBe(403);
    }
    expect((await call(app, 'GET', '/api/access-requests', 'dpo')).statusCode).toBe(200);
  });

  it('records, lists, reads and closes a request; a closed request cannot be exported', async () => {
    const created = await call(app, 'POST', '/api/access-requests', 'dpo', newRequest);
    expect(created.statusCode, created.body).toBe(201);
    const { item } = created.json<{ item: { id: string; status: string; dueAt: string; createdBy: string } }>();
    expect(item).toMatchObject({ status: 'open', dueAt: '2026-12-28T15:00:00.000Z', createdBy: 'u-dpo' });
    expect((await call(app, 'GET', '/api/access-requests?status=open', 'dpo')).json<{ items: { id: string }[] }>().items.map((i) => i.id)).toContain(item.id);
    expect((await call(app, 'GET', `/api/access-requests/${item.id}`, 'dpo')).json<{ item: { requesterRef: string } }>().item.requesterRef).toBe('LR 2026-17');

    const refusedBare = await call(app, 'PATCH', `/api/access-requests/${item.id}`, 'dpo', { status: 'refused' });
    expect(refusedBare.statusCode).toBe(400);
    expect(refusedBare.json<{ message: string }>().message).toMatch(/body\.note: say why the request is refused/);
    const withdrawn = await call(app, 'PATCH', `/api/access-requests/${item.id}`, 'dpo', { status: 'withdrawn', note: 'retirée par courrier' });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect(withdrawn.json<{ item: { status: string } }>().item.status).toBe('withdrawn');
    expect((await call(app, 'PATCH', `/api/access-requests/${item.id}`, 'dpo', { status: 'answered' })).statusCode).toBe(409);
    const exp = await call(app, 'POST', `/api/access-requests/${item.id}/export`, 'dpo', { subject: null });
    expect(exp.statusCode).toBe(409);
    expect(exp.json<{ message: string }>().message).toMatch(/already withdrawn/);
    expect((await call(app, 'GET', '/api/access-requests/nope', 'dpo')).statusCode).toBe(404);
  });

  it('refuses bad input, naming the field and how to fix it', async () => {
    const cases: [object, RegExp][] = [
      [{ ...newRequest, to: at(3601) }, /body\.to: the time range is longer than 1 hour/],
      [{ ...newRequest, to: newRequest.from }, /body\.to: the time range is empty or reversed/],
      [{ ...newRequest, camera: 'ghost' }, /body\.camera: unknown camera "ghost": use an id of the configuration \(cam1\)/],
      [{ ...newRequest, from: '2026-11-28 14:00' }, /body\.from/],
      [{ ...newRequest, description: '' }, /body\.description: give the description/],
      [{ ...newRequest, passport: 'AB123' }, /unknown field\(s\) passport/],
    ];
    for (const [payload, message] of cases) {
      const res = await call(app, 'POST', '/api/access-requests', 'dpo', payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json<{ message: string }>().message).toMatch(message);
    }
    const { item } = (await call(app, 'POST', '/api/access-requests', 'dpo', newRequest)).json<{ item: { id: string } }>();
    expect((await call(app, 'GET', `/api/access-requests/${item.id}/frame.json`, 'dpo')).json<{ message: string }>().message).toMatch(/query\.at: missing/);
    const badBox = await call(app, 'POST', `/api/access-requests/${item.id}/export`, 'dpo', { subject: { at: at(1), box: 0 } });
    expect(badBox.statusCode).toBe(400);
    expect(badBox.json<{ message: string }>().message).toMatch(/box numbers start at 1/);
    // No recording runtime on this server: said plainly.
    expect((await call(app, 'GET', `/api/access-requests/${item.id}/frame.json?at=${at(1)}`, 'dpo')).statusCode).toBe(503);
    expect((await repos.audit.list()).some((e) => e.action === 'access_request.frame_view')).toBe(false);
  });
});

const clip = datasetFile('pets09-s2l1/vtest.avi');

describe.skipIf(clip.missing)('access requests on real footage (PETS 2009)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-access-footage-'));
  let data: RecordedData;
  let app: FastifyInstance;
  let id = '';
  beforeAll(async () => {
    data = await recordedData(join(dir, 'data'), clip.path, 6);
    await data.repos.config.save(config, { userId: null });
    const evidence = createEvidenceService({
      dataDir: data.dataDir,
      db: data.store.db,
      repos: data.repos,
      config: async () => (await data.repos.config.current())?.config ?? null,
      vigieVersion: 'test',
      anonymize: { workers: 1 },
    });
    const recordings = { index: createSegmentIndex(data.store.db), recordingsDir: join(data.dataDir, 'recordings'), status: () => [] };
    app = await appFor({ repos: data.repos, evidence, recordings, now: Date.now } as unknown as ServerDeps);
    const created = await call(app, 'POST', '/api/access-requests', 'dpo', { ...newRequest, from: at(1), to: at(3) });
    id = created.json<{ item: { id: string } }>().item.id;
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await data?.store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds and numbers the people of a recorded frame, and shows them blurred and numbered as a JPEG (each view audited)', async () => {
    const res = await call(app, 'GET', `/api/access-requests/${id}/frame.json?at=${at(2)}`, 'dpo');
    expect(res.statusCode, res.body).toBe(200);
    const view = res.json<{ at: string; width: number; height: number; boxes: { number: number; box: number[] }[] }>();
    expect(view).toMatchObject({ at: at(2), width: 768, height: 576 });
    // PETS09-S2L1 has several people walking across the square at any time.
    expect(view.boxes.length).toBeGreaterThanOrEqual(3);
    expect(view.boxes.map((b) => b.number)).toEqual(view.boxes.map((_, i) => i + 1));
    for (const { box } of view.boxes) {
      expect(box[0]).toBeLessThan(box[2]!);
      expect(box[1]).toBeLessThan(box[3]!);
      for (const v of box) expect(v >= 0 && v <= 1).toBe(true);
    }

    const jpeg = await call(app, 'GET', `/api/access-requests/${id}/frame?at=${at(2)}`, 'dpo');
    expect(jpeg.statusCode).toBe(200);
    expect(jpeg.headers['content-type']).toBe('image/jpeg');
    expect(jpeg.rawPayload.subarray(0, 2).toString('hex')).toBe('ffd8');

    const outside = await call(app, 'GET', `/api/access-requests/${id}/frame.json?at=${at(5)}`, 'dpo');
    expect(outside.statusCode).toBe(400);
    expect(outside.json<{ message: string }>().message).toMatch(/outside the request's range/);

    const views = (await data.repos.audit.list()).filter((e) => e.action === 'access_request.frame_view');
    expect(views.map((e) => e.details.format)).toEqual(['jpeg', 'json']);
    expect(views[0]).toMatchObject({ actor: 'u-dpo', target: id, details: { camera: 'cam1', at: at(2), people: view.boxes.length } });
  }, 120_000);

  it('exports the range with only the picked person unblurred, records it on the request, and the bundle verifies', async () => {
    // The DPO picks the requester on the numbered frame: here the largest (nearest) person.
    const { boxes } = (await call(app, 'GET', `/api/access-requests/${id}/frame.json?at=${at(2)}`, 'dpo')).json<{ boxes: { number: number; box: number[] }[] }>();
    const area = (b: number[]): number => (b[2]! - b[0]!) * (b[3]! - b[1]!);
    const picked = [...boxes].sort((a, b) => area(b.box) - area(a.box))[0]!;
    const res = await call(app, 'POST', `/api/access-requests/${id}/export`, 'dpo', { subject: { at: at(2), box: picked.number } });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{ item: { exportId: string; status: string }; export: { id: string; download: string } }>();
    expect(body.item).toMatchObject({ exportId: body.export.id, status: 'open' });
    expect(body.export.download).toBe(`/api/evidence/${body.export.id}/download`);

    const verified = await verifyBundle(join(data.dataDir, 'exports', `${body.export.id}.zip`));
    expect(verified.problems).toEqual([]);
    expect(verified.manifest).toMatchObject({ case: `Demande d'accès ${id}`, reason: "Droit d'accès (RGPD art. 15)", anonymized: true });
    // The requester was found and followed: the manifest says who was kept (a point and a time, no image).
    expect(JSON.stringify(verified.manifest)).toMatch(/"kept_subject":\{/);

    const actions = (await data.repos.audit.list()).map((e) => e.action);
    expect(actions.slice(0, 2)).toEqual(['access_request.export', 'evidence.export']);
  }, 300_000);
});
