import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPasswordHasher, type Argon2Params } from '../../src/auth/passwords.js';
import { ROLES, type Role } from '../../src/auth/roles.js';
import { configSchema } from '../../src/config/schema.js';
import { startVigie, type RunningVigie } from '../../src/server/runtime.js';

const ARGON2: Argon2Params = { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 };
const PASSWORD = 'correct horse battery staple 42';

let dir = '';
let vigie: RunningVigie;
const sessions = new Map<Role, { cookie: string; csrf: string; id: string }>();

interface Item {
  seq: number;
  at: string;
  actor: string;
  actorName: string | null;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
}

function call(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, as: Role | null, payload?: unknown) {
  const s = as ? sessions.get(as) : undefined;
  return vigie.app.inject({
    method,
    url,
    headers: { ...(s ? { cookie: s.cookie, 'x-csrf-token': s.csrf } : {}) },
    ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
  });
}
const items = async (query: string): Promise<Item[]> => {
  const res = await call('GET', `/api/audit${query}`, 'dpo');
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ items: Item[] }>().items;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-audit-api-'));
  const config = configSchema.parse({ cameras: [{ id: 'parvis', source: 'rtsp://admin:s3cret@10.0.0.5/live', enabled: false }] });
  vigie = await startVigie({ dataDir: dir, config, port: 0, host: '127.0.0.1', detectorPool: false, argon2: ARGON2, print: () => undefined });
  const hasher = createPasswordHasher(ARGON2);
  for (const role of ROLES) {
    const user = await vigie.repos.users.create({ username: `${role}-user`, displayName: role, role, passwordHash: await hasher.hash(PASSWORD) });
    const res = await vigie.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: `${role}-user`, password: PASSWORD } });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'vigie_session');
    sessions.set(role, { cookie: `vigie_session=${cookie?.value ?? ''}`, csrf: res.json<{ csrfToken: string }>().csrfToken, id: user.id });
  }
});
afterAll(async () => {
  await vigie.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('audit API', () => {
  it('is for audit.read / audit.export (the DPO) only', async () => {
    for (const role of ROLES.filter((r) => r !== 'dpo')) {
      expect((await call('GET', '/api/audit', role)).statusCode).toBe(403);
      expect((await call('GET', '/api/audit.csv', role)).statusCode).toBe(403);
    }
    expect((await call('GET', '/api/audit', null)).statusCode).toBe(401);
    expect((await call('GET', '/api/audit.csv', null)).statusCode).toBe(401);
  });

  it('records logins and failed logins with the username tried and the address', async () => {
    await vigie.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'operator-user', password: 'wrong password here' } });
    await vigie.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'wrong password here' } });
    const failed = await items('?action=auth.login_failed');
    expect(failed.map((e) => [e.actor, e.target, e.details.username, e.details.reason])).toEqual([
      ['anonymous', null, 'nobody', 'invalid_credentials'],
      ['anonymous', sessions.get('operator')?.id, 'operator-user', 'invalid_credentials'],
    ]);
    expect(failed[0]?.details.ip).toBe('127.0.0.1');
    const dpoLogin = await items(`?action=auth.login&actor=${sessions.get('dpo')?.id ?? ''}`);
    expect(dpoLogin).toEqual([expect.objectContaining({ actorName: 'dpo-user', details: { username: 'dpo-user', ip: '127.0.0.1' } })]);
  });

  it('records user creation, role changes and disabling by the admin', async () => {
    const created = await call('POST', '/api/users', 'admin', { username: 'carol', displayName: 'Carol', role: 'operator', password: PASSWORD });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json<{ user: { id: string } }>().user.id;
    expect((await call('PATCH', `/api/users/${id}`, 'admin', { role: 'supervisor', disabled: true })).statusCode).toBe(200);
    const entries = (await items(`?actor=${sessions.get('admin')?.id ?? ''}`)).filter((e) => e.target === id);
    expect(entries.map((e) => [e.action, e.actorName, e.details])).toEqual([
      ['user.disable', 'admin-user', { username: 'carol' }],
      ['user.role_change', 'admin-user', { username: 'carol', from: 'operator', to: 'supervisor' }],
      ['user.create', 'admin-user', { username: 'carol', role: 'operator' }],
    ]);
  });

  it('records camera and configuration changes with the version and what changed, never credentials', async () => {
    const added = await call('POST', '/api/cameras', 'supervisor', { camera: { id: 'hall', source: 'rtsp://u:hunter2@10.0.0.6/live', enabled: false } });
    expect(added.statusCode, added.body).toBe(201);
    const zones = await call('PUT', '/api/cameras/hall/zones', 'supervisor', { items: [{ id: 'entree', polygon: [[0, 0], [0.5, 0], [0.5, 0.5]] }] });
    expect(zones.statusCode, zones.body).toBe(200);
    expect((await call('DELETE', '/api/cameras/hall', 'supervisor')).statusCode).toBe(200);
    const mine = (await items(`?actor=${sessions.get('supervisor')?.id ?? ''}`)).filter((e) => e.action !== 'auth.login');
    const version = added.json<{ version: number }>().version;
    expect(mine.map((e) => [e.action, e.target, e.details.version, e.details.summary])).toEqual([
      ['camera.delete', 'hall', version + 2, 'camera hall removed'],
      ['config.save', 'hall', version + 1, 'camera hall: zones'],
      ['camera.add', 'hall', version, 'camera hall added'],
    ]);
    expect(JSON.stringify(mine)).not.toMatch(/hunter2|s3cret/);
  });

  it('filters by time and limit, newest first', async () => {
    const all = await items('?limit=1000');
    expect(all.map((e) => e.seq)).toEqual([...all.map((e) => e.seq)].sort((a, b) => b - a));
    expect(await items('?limit=2')).toEqual(all.slice(0, 2));
    expect(await items('?to=2000-01-01T00:00:00Z')).toEqual([]);
    expect((await call('GET', '/api/audit?limit=0', 'dpo')).statusCode).toBe(400);
    expect((await call('GET', '/api/audit?from=yesterday', 'dpo')).statusCode).toBe(400);
  });

  it('exports CSV with a header row, and audits the export', async () => {
    const res = await call('GET', '/api/audit.csv?action=user.role_change', 'dpo');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const lines = res.body.split('\r\n');
    expect(lines[0]).toBe('seq,at,actor,actor_name,action,target,details');
    expect(lines).toHaveLength(3); // header, one entry, final CRLF
    expect(lines[1]).toMatch(/,admin-user,user\.role_change,.*,"\{""username"":""carol"",""from"":""operator"",""to"":""supervisor""\}"$/);
    const [exported] = await items('?action=audit.export');
    expect(exported).toMatchObject({ actor: sessions.get('dpo')?.id, actorName: 'dpo-user', details: { filter_action: 'user.role_change', rows: 1 } });
  });
});
