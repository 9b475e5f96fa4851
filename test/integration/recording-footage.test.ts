/**
 * Blurred playback (`recordings.view`): footage.mp4 and clip.mp4 rendered from
 * real segments, masked, cached, audited once per viewing, served with Range,
 * one render at a time with concurrent requests sharing it, and the cache swept
 * when its sources go or it gets old. A fake detector stands in for the model
 * (the blurring itself is tested in evidence-keep-subject.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRole } from '../../src/auth/roles.js';
import type { Authenticated } from '../../src/auth/sessions.js';
import { configSchema, type VigieConfig } from '../../src/config/schema.js';
import type { AnonymizeDetector } from '../../src/evidence/export.js';
import { createEvidenceService } from '../../src/evidence/service.js';
import { createSegmentIndex } from '../../src/recording/segment-index.js';
import type { ServerDeps } from '../../src/server/deps.js';
import { HttpError } from '../../src/server/http-error.js';
import { registerRoutes } from '../../src/server/route.js';
import { recordingRoutes } from '../../src/server/routes/recordings.js';
import { datasetFile } from '../helpers/datasets.js';
import { at, event, recordedData, type RecordedData } from './evidence-fixtures.js';

const clip = datasetFile('pets09-s2l1/vtest.avi');
const dir = mkdtempSync(join(tmpdir(), 'vigie-footage-'));
const W = 768;
const H = 576;
let data: RecordedData;
let app: FastifyInstance;
let clock = Date.now();
/** Renders running now, and the most ever at once. */
const renders = { opened: 0, running: 0, maxRunning: 0 };

const detector = (): Promise<AnonymizeDetector> => {
  renders.opened++;
  renders.running++;
  renders.maxRunning = Math.max(renders.maxRunning, renders.running);
  return Promise.resolve({
    name: 'fake',
    inFlight: 2,
    detect: () => Promise.resolve([{ box: [400, 300, 460, 420], score: 0.9, cls: 'person' }]),
    close: () => {
      renders.running--;
      return Promise.resolve();
    },
  });
};

function sessionOf(role: string): Authenticated | null {
  if (!isRole(role)) return null;
  return { user: { id: `u-${role}`, username: role, displayName: role, role }, session: { csrfToken: 'x' } } as unknown as Authenticated;
}
const get = (url: string, role: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers: { 'x-test-role': role, ...headers } });
const footage = (fromS: number, toS: number) => `/api/cameras/cam1/footage.mp4?from=${encodeURIComponent(at(fromS))}&to=${encodeURIComponent(at(toS))}`;
const cacheFiles = () => readdirSync(join(data.dataDir, 'cache', 'footage')).filter((n) => n.endsWith('.mp4')).sort();

describe.skipIf(clip.missing)('blurred footage routes', () => {
  beforeAll(async () => {
    data = await recordedData(join(dir, 'data'), clip.path, 20);
    await data.repos.events.upsert(event('ev-1', 3));
    // The left quarter of the frame is masked.
    const config: VigieConfig = configSchema.parse({ cameras: [{ id: 'cam1', source: clip.path, enabled: false, masks: [[[0, 0], [0.25, 0], [0.25, 1], [0, 1]]] }] });
    const evidence = createEvidenceService({ dataDir: data.dataDir, db: data.store.db, repos: data.repos, config: () => Promise.resolve(config), vigieVersion: 'test', now: () => clock, openDetector: detector });
    const deps = {
      repos: data.repos,
      evidence,
      recordings: { index: createSegmentIndex(data.store.db), recordingsDir: join(data.dataDir, 'recordings'), status: () => [] },
      now: () => clock,
    } as unknown as ServerDeps;
    app = Fastify();
    app.setErrorHandler((error, _request, reply) => {
      if (error instanceof HttpError) return reply.code(error.status).send({ code: error.code, message: error.message });
      return reply.code(500).send({ code: 'INTERNAL', message: String(error) });
    });
    registerRoutes(app, recordingRoutes(deps), (request) => sessionOf(String(request.headers['x-test-role'] ?? '')));
    await app.ready();
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await data?.store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders the range for an operator as a masked H.264 MP4, audited once per viewing, with Range support', async () => {
    const res = await get(footage(2, 6), 'operator');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('video/mp4');
    expect(res.headers['accept-ranges']).toBe('bytes');
    const mp4 = join(dir, 'served.mp4');
    writeFileSync(mp4, res.rawPayload);
    const probe = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name:format=duration', '-of', 'csv=p=0', mp4], { encoding: 'utf8' });
    expect(probe).toContain('h264');
    expect(Math.abs(Number(probe.trim().split('\n').pop()) - 4)).toBeLessThanOrEqual(0.2);
    // The mask: the left quarter of a decoded frame is black.
    const frame = execFileSync('ffmpeg', ['-v', 'error', '-i', mp4, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1']);
    let inside = 0;
    let outside = 0;
    for (let y = 10; y < H - 10; y++) {
      for (let x = 10; x < W * 0.25 - 10; x++) inside += frame[y * W + x]!;
      for (let x = W * 0.5; x < W * 0.75 - 20; x++) outside += frame[y * W + x]!;
    }
    const n = (H - 20) * (W * 0.25 - 20);
    expect(inside / n).toBeLessThan(20);
    expect(outside / n).toBeGreaterThan(50);

    const part = await get(footage(2, 6), 'operator', { range: 'bytes=100-199' });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-199/${res.rawPayload.length}`);
    expect(part.rawPayload.equals(res.rawPayload.subarray(100, 200))).toBe(true);
    expect((await get(footage(2, 6), 'operator', { range: `bytes=${res.rawPayload.length}-` })).statusCode).toBe(416);

    const audit = await data.repos.audit.list({ action: 'recording.view' });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'u-operator', target: 'cam1', details: { camera: 'cam1', from: at(2), to: at(6), blurred: true } });
    // Served from the cache: rendered once.
    expect(renders.opened).toBe(1);
  }, 120_000);

  it("serves an event's blurred clip with pre- and post-roll; refuses roles without recordings.view, long ranges and unknown events", async () => {
    const res = await get('/api/events/ev-1/clip.mp4?pre=1&post=1', 'dpo');
    expect(res.statusCode, res.body).toBe(200);
    const audit = await data.repos.audit.list({ action: 'recording.view' });
    // event('ev-1', 3) lasts 3 s: [2, 7) with the roll.
    expect(audit[0]).toMatchObject({ actor: 'u-dpo', details: { camera: 'cam1', from: at(2), to: at(7), blurred: true } });
    expect((await get('/api/events/ev-1/clip.mp4', 'admin')).statusCode).toBe(403);
    expect((await get('/api/events/nope/clip.mp4', 'operator')).statusCode).toBe(404);
    expect((await get(footage(0, 11 * 60), 'operator')).statusCode).toBe(400);
    expect((await get(footage(100, 200), 'operator')).statusCode).toBe(404);
  }, 120_000);

  it('shares one render between concurrent requests of a range and runs one render at a time', async () => {
    const before = renders.opened;
    renders.maxRunning = 0;
    const results = await Promise.all([get(footage(8, 10), 'operator'), get(footage(8, 10), 'supervisor'), get(footage(10, 12), 'operator')]);
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    expect(results[0].rawPayload.equals(results[1].rawPayload)).toBe(true);
    expect(renders.opened - before).toBe(2);
    expect(renders.maxRunning).toBe(1);
  }, 120_000);

  it('deletes a cached video when a source segment is removed, and any once an hour old', async () => {
    const cached = cacheFiles();
    expect(cached.length).toBeGreaterThanOrEqual(3);
    // Retention removes the first segment (0-10 s): renders made from it go, the one of 10-12 s stays.
    const first = join(data.dataDir, 'recordings', data.segments[0]!.path);
    renameSync(first, `${first}.away`);
    await get(footage(10, 12), 'operator');
    expect(cacheFiles()).toHaveLength(1);
    renameSync(`${first}.away`, first);
    clock = Date.now() + 3_600_000;
    await get(footage(12, 13), 'operator');
    // The old one went; only the render just made is left.
    expect(cacheFiles()).toHaveLength(1);
    expect(readdirSync(join(data.dataDir, 'cache', 'footage')).filter((n) => n.endsWith('.json'))).toHaveLength(1);
  }, 120_000);
});
