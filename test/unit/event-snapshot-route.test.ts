import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Authenticated } from '../../src/auth/sessions.js';
import type { ServerDeps } from '../../src/server/deps.js';
import { HttpError } from '../../src/server/http-error.js';
import { registerRoutes } from '../../src/server/route.js';
import { eventRoutes } from '../../src/server/routes/events.js';

// The console asks for an alert's snapshot as soon as the alert arrives, while the
// snapshot may still be rendering: the route waits for it instead of answering 404.
describe('GET /api/events/:id/snapshot.jpg', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-snap-'));
  const pending = new Map<string, Promise<void>>();
  let app: FastifyInstance;
  const operator = { user: { id: 'u-op', username: 'op', displayName: 'Op', role: 'operator' }, session: { csrfToken: 'c'.repeat(43) } } as unknown as Authenticated;

  beforeAll(async () => {
    const deps = { snapshotDir: dir, snapshotPending: (id: string) => pending.get(id), repos: {} } as unknown as ServerDeps;
    app = Fastify();
    app.setErrorHandler((error, _request, reply) => {
      if (error instanceof HttpError) return reply.code(error.status).send({ code: error.code, message: error.message });
      return reply.code(500).send({ code: 'INTERNAL', message: String(error) });
    });
    registerRoutes(app, eventRoutes(deps), () => operator);
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('waits for a snapshot still being rendered, then serves it', async () => {
    pending.set(
      'ev-1',
      new Promise<void>((resolve) =>
        setTimeout(() => {
          writeFileSync(join(dir, 'ev-1.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
          resolve();
        }, 100),
      ),
    );
    const res = await app.inject({ method: 'GET', url: '/api/events/ev-1/snapshot.jpg' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.rawPayload).toEqual(Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
  });

  it('answers 404 for an event with no snapshot and none being rendered', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/events/ev-2/snapshot.jpg' })).statusCode).toBe(404);
  });
});
