/** The camera source allow-list through the API and across restarts (docs/SECURITY.md, "Camera sources allow-list"). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPasswordHasher, type Argon2Params } from '../../src/auth/passwords.js';
import { parseConfig } from '../../src/config/load.js';
import { StartError, startVigie, type RunningVigie, type StartOptions } from '../../src/server/runtime.js';

const ARGON2: Argon2Params = { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 };
const PASSWORD = 'correct horse battery staple 42';

let root = '';
let allowed = '';
let itAdminFile = '';
let running: RunningVigie | null = null;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'vigie-source-api-'));
  allowed = join(root, 'allowed');
  mkdirSync(allowed);
  writeFileSync(join(allowed, 'clip.mp4'), 'not read: the camera is disabled');
  itAdminFile = join(root, 'it-admin.mp4');
});
afterEach(async () => {
  await running?.close();
  running = null;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The config file the IT admin starts Vigie with: one disabled camera on a local file. */
const fileConfig = () => parseConfig({ cameras: [{ id: 'hall', source: itAdminFile, enabled: false }] });

async function start(dataDir: string, options: Partial<StartOptions> = {}): Promise<RunningVigie> {
  running = await startVigie({ dataDir, port: 0, host: '127.0.0.1', detectorPool: false, argon2: ARGON2, print: () => undefined, ...options });
  return running;
}

async function adminSession(vigie: RunningVigie): Promise<{ cookie: string; 'x-csrf-token': string }> {
  if (!(await vigie.repos.users.findByUsername('root'))) {
    await vigie.repos.users.create({ username: 'root', displayName: 'Supervisor', role: 'supervisor', passwordHash: await createPasswordHasher(ARGON2).hash(PASSWORD) });
  }
  const res = await vigie.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'root', password: PASSWORD } });
  expect(res.statusCode, res.body).toBe(200);
  return { cookie: `vigie_session=${res.cookies.find((c) => c.name === 'vigie_session')?.value ?? ''}`, 'x-csrf-token': res.json<{ csrfToken: string }>().csrfToken };
}

const addCamera = async (vigie: RunningVigie, source: string, id = 'cam') =>
  vigie.app.inject({ method: 'POST', url: '/api/cameras', headers: await adminSession(vigie), payload: { camera: { id, source, enabled: false } } });

describe('camera sources set through the API', () => {
  it('refuses other schemes and local files with a 400 naming the path; keeps the IT admin\'s file when saving other changes', async () => {
    const vigie = await start(join(root, 'data-1'), { config: fileConfig() });
    for (const source of ['concat:/etc/passwd|/etc/passwd', 'file:/etc/passwd', '-i', join(allowed, 'clip.mp4'), '/etc/passwd']) {
      const res = await addCamera(vigie, source);
      expect(res.statusCode, source).toBe(400);
      expect(res.json<{ message: string }>().message, source).toMatch(/^body\.config\.cameras\[1\]\.source: /);
    }
    expect((await addCamera(vigie, 'rtsp://127.0.0.1:9/cam')).statusCode).toBe(201);
    // The camera the IT admin configured keeps its file: saving zones rewrites the whole config.
    const zones = await vigie.app.inject({ method: 'PUT', url: '/api/cameras/hall/zones', headers: await adminSession(vigie), payload: { items: [] } });
    expect(zones.statusCode, zones.body).toBe(200);
    // ... but another camera may not take it.
    expect((await addCamera(vigie, itAdminFile, 'copy')).statusCode).toBe(400);
  });

  it('accepts a file inside a folder the IT admin allowed; a restart without that folder refuses to start, naming it', async () => {
    const dataDir = join(root, 'data-2');
    let vigie = await start(dataDir, { allowFileSources: [allowed] });
    expect((await addCamera(vigie, join(allowed, 'clip.mp4'))).statusCode).toBe(201);
    expect((await addCamera(vigie, join(allowed, '..', 'it-admin.mp4'), 'escape')).statusCode).toBe(400);
    await vigie.close();
    running = null;

    // Saved through the API, the file never becomes trusted: without the folder, start stops and says why.
    await expect(start(dataDir)).rejects.toThrow(StartError);
    await expect(start(dataDir)).rejects.toThrow(/cameras\[0\]\.source: local file sources cannot be set through the API/);
    vigie = await start(dataDir, { allowFileSources: [allowed] });
    expect((await vigie.repos.config.current())?.config.cameras.map((c) => c.id)).toEqual(['cam']);
  });

  it('trusts the file sources of the last imported config file after a restart without --config', async () => {
    const dataDir = join(root, 'data-3');
    await start(dataDir, { config: fileConfig() });
    await running?.close();
    const vigie = await start(dataDir);
    const zones = await vigie.app.inject({ method: 'PUT', url: '/api/cameras/hall/zones', headers: await adminSession(vigie), payload: { items: [] } });
    expect(zones.statusCode, zones.body).toBe(200);
  });
});
