import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createPasswordHasher, type Argon2Params } from '../../src/auth/passwords.js';
import { loadConfigFile } from '../../src/config/load.js';
import type { LiveMessage } from '../../src/server/live-hub.js';
import { startVigie, type RunningVigie } from '../../src/server/runtime.js';
import { datasetFile } from '../helpers/datasets.js';

const ARGON2: Argon2Params = { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 };
const clip = datasetFile('intel-sample-videos/car-detection.mp4');

// The live path as an operator's console sees it: a real camera (the car park clip
// played in real time, motion backend), events stored, then pushed on /api/live.
describe.skipIf(clip.missing)('live events over the WebSocket', () => {
  let dir = '';
  let vigie: RunningVigie;
  let cookie = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-live-'));
    const fixture = loadConfigFile(new URL('../fixtures/car-park.yaml', import.meta.url).pathname);
    const config = { ...fixture, cameras: fixture.cameras.map((c) => ({ ...c, source: clip.path })) };
    vigie = await startVigie({ dataDir: dir, config, port: 0, host: '127.0.0.1', detectorPool: false, argon2: ARGON2, print: () => undefined });
    await vigie.repos.users.create({ username: 'op', displayName: 'Op', role: 'operator', passwordHash: await createPasswordHasher(ARGON2).hash('correct horse battery 42') });
    const res = await vigie.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'op', password: 'correct horse battery 42' } });
    cookie = `vigie_session=${res.cookies.find((c) => c.name === 'vigie_session')?.value ?? ''}`;
  });
  afterAll(async () => {
    await vigie.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a WebSocket without a session', async () => {
    const ws = new WebSocket(`${vigie.url.replace('http', 'ws')}/api/live`);
    const code = await new Promise<number>((resolve) => ws.on('close', (c) => resolve(c)));
    expect(code).toBe(4401);
  });

  it('pushes camera health and each event only once it is stored', async () => {
    const ws = new WebSocket(`${vigie.url.replace('http', 'ws')}/api/live`, { headers: { cookie } });
    const seen: { message: LiveMessage; storedAtArrival: boolean }[] = [];
    const firstEvent = new Promise<void>((resolve) => {
      ws.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString()) as LiveMessage;
        if (message.type !== 'event') {
          seen.push({ message, storedAtArrival: true });
          return;
        }
        void vigie.repos.events.get(message.item.event.id).then((stored) => {
          seen.push({ message, storedAtArrival: stored !== null });
          resolve();
        });
      });
    });
    await firstEvent; // the first car crosses the middle line about 6.5 s into the clip
    ws.close();
    const events = seen.filter((s) => s.message.type === 'event');
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((s) => s.storedAtArrival)).toBe(true);
    const first = events[0]?.message;
    expect(first?.type === 'event' && first.item.event.type).toBe('line_crossing');
    expect(seen.some((s) => s.message.type === 'health' && s.message.health.camera === 'parking-allee')).toBe(true);
  });
});
