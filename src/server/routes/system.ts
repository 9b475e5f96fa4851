import { checkCameras, checkDatabase, checkDetector, checkDisk, checkRecorders, overallStatus, type HealthChecks } from '../../metrics/health-checks.js';
import { metricsAccess } from '../../metrics/access.js';
import type { ServerDeps } from '../deps.js';
import { route, type RouteSpec } from '../route.js';

const NOT_PROBED = 'not checked by this server';

/** Every check of `GET /api/health`; each probe is bounded in time (health-checks.ts). */
async function runChecks(deps: ServerDeps, cameras: ReturnType<ServerDeps['cameras']['health']>): Promise<HealthChecks> {
  const probes = deps.healthProbes;
  const recorders = deps.recordings?.status() ?? [];
  if (!probes) {
    return {
      database: { status: 'ok', message: NOT_PROBED },
      disk: { status: 'ok', freeBytes: null, minFreeBytes: 0, message: NOT_PROBED },
      detector: { status: 'ok', size: 0, ready: 0, restarts: 0, message: NOT_PROBED },
      cameras: checkCameras(cameras),
      recorders: checkRecorders(recorders),
    };
  }
  const [database, disk] = await Promise.all([checkDatabase(probes), checkDisk(probes)]);
  return { database, disk, detector: checkDetector(probes.detector()), cameras: checkCameras(cameras), recorders: checkRecorders(recorders) };
}

export function systemRoutes(deps: ServerDeps, openApi: () => Record<string, unknown>): RouteSpec[] {
  return [
    route({
      method: 'GET',
      url: '/api/health',
      summary: 'Health of the server (database, disk, detector, recorders) and of each camera; 503 when down (for monitoring; no login)',
      tag: 'system',
      access: 'public',
      async handler({ reply }) {
        const cameras = deps.cameras.health();
        const checks = await runChecks(deps, cameras);
        const status = overallStatus(checks);
        void reply.header('cache-control', 'no-store');
        if (status === 'down') void reply.code(503);
        return { status, version: deps.version, checks, cameras, recorders: deps.recordings?.status() ?? [] };
      },
    }),
    route({
      method: 'GET',
      url: '/metrics',
      summary: 'Prometheus metrics (docs/MONITORING.md). No session: answered to the host itself, or with "Authorization: Bearer <VIGIE_METRICS_TOKEN>"',
      tag: 'system',
      // No session, but not open to all: the handler lets loopback in and asks anyone else for the token.
      access: 'public',
      response: { contentType: 'text/plain; version=0.0.4' },
      async handler({ request, reply }) {
        const metrics = deps.metrics;
        if (!metrics) return reply.code(503).send({ code: 'METRICS_UNAVAILABLE', message: 'this server was started without metrics' });
        const access = metricsAccess({ remoteAddress: request.ip, authorization: request.headers.authorization }, metrics.token);
        if (!access.ok) {
          if (access.status === 401) void reply.header('www-authenticate', 'Bearer realm="vigie-metrics"');
          return reply.code(access.status).send({ code: access.code, message: access.message });
        }
        const text = await metrics.render();
        return reply.header('cache-control', 'no-store').type(metrics.contentType).send(text);
      },
    }),
    route({
      method: 'GET',
      url: '/api/docs',
      summary: 'This API as an OpenAPI 3.1 document',
      tag: 'system',
      access: 'public',
      handler: () => Promise.resolve(openApi()),
    }),
  ];
}
