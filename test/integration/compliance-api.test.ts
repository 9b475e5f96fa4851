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
const HTML = '/api/compliance/report.html';
const PDF = '/api/compliance/report.pdf';

let dir = '';
let vigie: RunningVigie;
const sessions = new Map<Role, { cookie: string; id: string }>();

function get(url: string, as: Role | null) {
  const s = as ? sessions.get(as) : undefined;
  return vigie.app.inject({ method: 'GET', url, headers: s ? { cookie: s.cookie } : {} });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-compliance-api-'));
  const square = [[0.1, 0.1], [0.9, 0.1], [0.9, 0.9]];
  const config = configSchema.parse({
    organisation: { controller: 'Ville de Suresnes', dpo_contact: 'dpo@ville-suresnes.fr' },
    cameras: [{ id: 'parvis', name: 'Parvis de la gare', source: 'rtsp://admin:s3cret@10.0.0.5/live', enabled: false, zones: [{ id: 'quai', polygon: square }], rules: [{ id: 'intrusion', type: 'intrusion', zone: 'quai' }] }],
  });
  vigie = await startVigie({ dataDir: dir, config, port: 0, host: '127.0.0.1', detectorPool: false, argon2: ARGON2, print: () => undefined });
  const hasher = createPasswordHasher(ARGON2);
  for (const role of ROLES) {
    const user = await vigie.repos.users.create({ username: `${role}-user`, displayName: role, role, passwordHash: await hasher.hash(PASSWORD) });
    const res = await vigie.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: `${role}-user`, password: PASSWORD } });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'vigie_session');
    sessions.set(role, { cookie: `vigie_session=${cookie?.value ?? ''}`, id: user.id });
  }
});
afterAll(async () => {
  await vigie.close();
  rmSync(dir, { recursive: true, force: true });
});

const reports = async () => (await vigie.repos.audit.list({ action: 'compliance.report', limit: 1000 })).map((e) => [e.actor, e.details.format]);

describe('compliance report API', () => {
  it('serves the HTML report to the DPO and supervisors, and audits each generation', async () => {
    for (const role of ['dpo', 'supervisor'] as const) {
      const res = await get(HTML, role);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('private, no-store');
      expect(res.body).toContain('Registre des activités de traitement');
      expect(res.body).toContain('Ville de Suresnes');
      expect(res.body).not.toContain('s3cret');
    }
    expect(await reports()).toEqual([
      [sessions.get('supervisor')?.id, 'html'],
      [sessions.get('dpo')?.id, 'html'],
    ]);
  });

  it('serves the PDF report with its file name', async () => {
    const res = await get(PDF, 'dpo');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="vigie-registre-\d{4}-\d{2}-\d{2}\.pdf"$/);
    expect(res.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect((await reports())[0]).toEqual([sessions.get('dpo')?.id, 'pdf']);
  });

  it('counts the active accounts of each role from the database', async () => {
    const hasher = createPasswordHasher(ARGON2);
    const gone = await vigie.repos.users.create({ username: 'former-operator', displayName: 'Former', role: 'operator', passwordHash: await hasher.hash(PASSWORD) });
    await vigie.repos.users.update(gone.id, { disabled: true });
    const body = (await get(HTML, 'dpo')).body;
    const counts: Record<string, number> = Object.fromEntries([...body.matchAll(/<tr><td>([^<]+)<\/td><td>(\d+)<\/td>/g)].map((m): [string, number] => [m[1] ?? '', Number(m[2])]));
    // The disabled operator is not counted; the admins are the first one Vigie created and admin-user.
    expect(counts).toEqual({ Opérateur: 1, Superviseur: 1, 'Délégué à la protection des données (DPO)': 1, 'Administrateur technique': 2 });
  });

  it('refuses operators and administrators (403) and anonymous callers (401), without auditing a report', async () => {
    const before = (await reports()).length;
    for (const url of [HTML, PDF]) {
      expect((await get(url, 'operator')).statusCode).toBe(403);
      expect((await get(url, 'admin')).statusCode).toBe(403);
      expect((await get(url, null)).statusCode).toBe(401);
    }
    expect(await reports()).toHaveLength(before);
  });

  it('is listed in the OpenAPI document with its permission and content type', async () => {
    type Operation = { 'x-vigie-access': string; responses: { 200: { content: Record<string, unknown> } } };
    const doc = (await get('/api/docs', 'dpo')).json<{ paths: Record<string, { get: Operation }> }>();
    expect([HTML, PDF].map((url) => [doc.paths[url]?.get['x-vigie-access'], Object.keys(doc.paths[url]?.get.responses[200].content ?? {})])).toEqual([
      ['reports.read', ['text/html']],
      ['reports.read', ['application/pdf']],
    ]);
  });
});
