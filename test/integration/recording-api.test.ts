import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPasswordHasher, type Argon2Params } from '../../src/auth/passwords.js';
import type { Role } from '../../src/auth/roles.js';
import { configSchema } from '../../src/config/schema.js';
import { finalizeSegment } from '../../src/recording/finalize.js';
import { incomingPattern } from '../../src/recording/layout.js';
import { createSegmentIndex, type Segment } from '../../src/recording/segment-index.js';
import { startVigie, type RunningVigie } from '../../src/server/runtime.js';
import { openDatabase, type StoreDatabase } from '../../src/store/index.js';
import { datasetFile } from '../helpers/datasets.js';

const ARGON2: Argon2Params = { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 };
const PASSWORD = 'correct horse battery staple 42';
const clip = datasetFile('intel-sample-videos/car-detection.mp4');

describe.skipIf(clip.missing)('recordings API', () => {
  let dir = '';
  let vigie: RunningVigie;
  const cookies = new Map<Role, string>();
  const segments: Segment[] = [];
  let second: StoreDatabase | undefined;

  const get = (url: string, as: Role | null, headers: Record<string, string> = {}) =>
    vigie.app.inject({ method: 'GET', url, headers: { ...(as ? { cookie: cookies.get(as) ?? '' } : {}), ...headers } });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-rec-api-'));
    // The camera exists but does not record: the footage is planted as the recorder would have written it.
    const config = configSchema.parse({ cameras: [{ id: 'gare', source: clip.path, enabled: false }] });
    vigie = await startVigie({ dataDir: dir, port: 0, host: '127.0.0.1', detectorPool: false, argon2: ARGON2, config, print: () => undefined });
    const hasher = createPasswordHasher(ARGON2);
    for (const role of ['operator', 'supervisor', 'admin'] as const) {
      await vigie.repos.users.create({ username: `${role}-user`, displayName: role, role, passwordHash: await hasher.hash(PASSWORD) });
      const res = await vigie.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: `${role}-user`, password: PASSWORD } });
      cookies.set(role, `vigie_session=${res.cookies.find((c) => c.name === 'vigie_session')?.value ?? ''}`);
    }
    const recordingsDir = join(dir, 'recordings');
    // A second connection to the same database, as the recorder's writes would land.
    second = await openDatabase({ dataDir: dir });
    const segIndex = createSegmentIndex(second.db);
    const starts = ['2026-03-01T10:00:00.000Z', '2026-03-01T10:00:04.800Z', '2026-03-01T10:05:00.000Z'];
    for (const [i, start] of starts.entries()) {
      const temp = incomingPattern(recordingsDir, 'gare', 'test').replace('%06d', String(i));
      mkdirSync(join(recordingsDir, 'gare', '.incoming'), { recursive: true });
      execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', clip.path, '-map', '0:v:0', '-c', 'copy', '-t', '4.8', '-f', 'mpegts', temp]);
      const startMs = Date.parse(start);
      segments.push(await finalizeSegment(segIndex, { recordingsDir, camera: 'gare', tempPath: temp, startMs, endMs: startMs + 4800, createdAt: start }));
    }
    await segIndex.addGap({ camera: 'gare', start: '2026-03-01T10:00:09.600Z', end: '2026-03-01T10:05:00.000Z', reason: 'stream_down' });
    await vigie.repos.events.upsert({
      id: 'ev1', camera: 'gare', rule: 'r1', type: 'intrusion', severity: 'high', start: 3, end: 5, start_time: '2026-03-01T10:00:06.000Z',
      track_ids: [1], classes: ['person'], box: [0.1, 0.1, 0.2, 0.2], score: 0.9, snapshot: null, clip: null, details: {},
    });
  });
  afterAll(async () => {
    await second?.close();
    await vigie.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists segments and gaps of a time range', async () => {
    const res = await get('/api/cameras/gare/recordings?from=2026-03-01T09:00:00Z&to=2026-03-01T11:00:00Z', 'operator');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{ segments: { id: string; start: string; end: string; duration_s: number; bytes: number }[]; gaps: unknown[] }>();
    expect(body.segments.map((s) => s.id)).toEqual(segments.map((s) => s.id));
    expect(body.segments[0]).toEqual({ id: segments[0]?.id, start: '2026-03-01T10:00:00.000Z', end: '2026-03-01T10:00:04.800Z', duration_s: 4.8, bytes: segments[0]?.bytes });
    expect(body.gaps).toEqual([{ start: '2026-03-01T10:00:09.600Z', end: '2026-03-01T10:05:00.000Z', reason: 'stream_down' }]);
    expect((await get('/api/cameras/nowhere/recordings', 'operator')).statusCode).toBe(404);
    expect((await get('/api/cameras/gare/recordings?from=2026-03-01T11:00:00Z&to=2026-03-01T10:00:00Z', 'operator')).statusCode).toBe(400);
  });

  it('serves an HLS playlist of the range to a supervisor, audited once per viewing; operators and admins may not play footage', async () => {
    const res = await get('/api/cameras/gare/recordings/playlist.m3u8?from=2026-03-01T09:00:00Z&to=2026-03-01T11:00:00Z', 'supervisor');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/vnd\.apple\.mpegurl/);
    expect(res.body).toContain(`/api/recordings/segments/${segments[2]?.id ?? ''}.ts`);
    expect(res.body.match(/#EXTINF:4\.800,/g)).toHaveLength(3);
    expect(res.body.trim().endsWith('#EXT-X-ENDLIST')).toBe(true);
    const audit = await vigie.repos.audit.list({ action: 'recording.view' });
    expect(audit[0]).toMatchObject({ target: 'gare', details: { segments: 3, what: 'range' } });
    expect((await get('/api/cameras/gare/recordings/playlist.m3u8', 'admin')).statusCode).toBe(403);
    // Recorded footage is unblurred: operators see the timeline, not the video.
    expect((await get('/api/cameras/gare/recordings/playlist.m3u8', 'operator')).statusCode).toBe(403);
    expect((await get('/api/cameras/gare/recordings/playlist.m3u8', null)).statusCode).toBe(401);
  });

  it('streams a segment as video/mp2t, whole or by byte range', async () => {
    const seg = segments[0];
    if (!seg) throw new Error('no segment');
    const file = readFileSync(join(dir, 'recordings', seg.path));
    const whole = await get(`/api/recordings/segments/${seg.id}.ts`, 'supervisor');
    expect(whole.statusCode).toBe(200);
    expect(whole.headers['content-type']).toBe('video/mp2t');
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(whole.rawPayload.equals(file)).toBe(true);
    const part = await get(`/api/recordings/segments/${seg.id}.ts`, 'supervisor', { range: 'bytes=188-375' });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 188-375/${file.length}`);
    expect(part.rawPayload.equals(file.subarray(188, 376))).toBe(true);
    expect((await get(`/api/recordings/segments/${seg.id}.ts`, 'supervisor', { range: `bytes=${file.length}-` })).statusCode).toBe(416);
    expect((await get('/api/recordings/segments/..%2F..%2Fvigie.sqlite', 'supervisor')).statusCode).toBe(404);
    expect((await get(`/api/recordings/segments/${seg.id}.ts`, 'admin')).statusCode).toBe(403);
  });

  it("builds an event's clip playlist from the segments around it, with pre- and post-roll", async () => {
    const res = await get('/api/events/ev1/clip.m3u8?pre=1&post=1', 'supervisor');
    expect(res.statusCode, res.body).toBe(200);
    // The event spans 10:00:06-10:00:08: with 1 s before and 1 s after, only the second segment covers it.
    expect(res.body.match(/\/api\/recordings\/segments\/[^\s]+/g)).toEqual([`/api/recordings/segments/${segments[1]?.id ?? ''}.ts`]);
    const wide = await get('/api/events/ev1/clip.m3u8?pre=10&post=10', 'supervisor');
    expect(wide.body.match(/#EXTINF/g)).toHaveLength(2);
    expect((await get('/api/events/nope/clip.m3u8', 'supervisor')).statusCode).toBe(404);
  });

  it('reports the recording state of cameras', async () => {
    const res = await get('/api/recording/status', 'admin');
    expect(res.statusCode).toBe(200);
    // The only camera is disabled; retention ran at start with room to spare.
    expect(res.json()).toEqual({ cameras: [], storage: { alert: null } });
  });
});
