import { describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/roles.js';
import type { ServerDeps } from '../../src/server/deps.js';
import type { RouteSpec } from '../../src/server/route.js';
import { cameraRoutes } from '../../src/server/routes/cameras.js';
import type { AuditInput } from '../../src/store/audit-repository.js';

/** The preview route with fakes around it: a camera `parvis` that runs, and an audit log that records appends. */
function setup() {
  const appended: AuditInput[] = [];
  const subscriptions: unknown[] = [];
  const hub = {
    subscribe: (_listener: unknown, options: unknown) => {
      subscriptions.push(options);
      return () => undefined;
    },
  };
  const deps = {
    repos: {
      config: { current: () => Promise.resolve({ version: 1, config: { cameras: [{ id: 'parvis' }] } }) },
      audit: { append: (input: AuditInput) => Promise.resolve(appended.push(input)) },
    },
    cameras: { preview: (id: string) => (id === 'parvis' ? hub : null) },
  } as unknown as ServerDeps;
  const preview = cameraRoutes(deps).find((r) => r.url === '/api/cameras/:id/preview.mjpg') as RouteSpec;
  const view = (role: Role, id = 'parvis') => {
    const raw = { writeHead: () => undefined, flushHeaders: () => undefined, once: () => undefined, end: () => undefined, destroyed: false, writableEnded: false };
    return preview.handler({
      params: { id },
      query: {},
      body: undefined,
      auth: { user: { id: `u-${role}`, role } },
      request: { ip: '10.1.2.3' },
      reply: { hijack: () => undefined, raw },
    } as never);
  };
  return { appended, subscriptions, view };
}

describe('live view audit', () => {
  it('records who started a live view of which camera, from where, unblurred when their role allows it', async () => {
    const { appended, subscriptions, view } = setup();
    await view('supervisor');
    await view('operator');
    expect(appended).toEqual([
      { actor: 'u-supervisor', action: 'live.view', target: 'parvis', details: { unblurred: true, ip: '10.1.2.3' } },
      { actor: 'u-operator', action: 'live.view', target: 'parvis', details: { unblurred: false, ip: '10.1.2.3' } },
    ]);
    expect(subscriptions).toEqual([{ blurPeople: false }, { blurPeople: true }]);
  });

  it('records nothing when no view starts (unknown camera)', async () => {
    const { appended, view } = setup();
    await expect(view('supervisor', 'gare')).rejects.toMatchObject({ status: 404 });
    expect(appended).toEqual([]);
  });
});
