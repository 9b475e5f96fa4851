import type { ServerDeps } from '../deps.js';
import { route, type RouteSpec } from '../route.js';

export function systemRoutes(deps: ServerDeps, openApi: () => Record<string, unknown>): RouteSpec[] {
  return [
    route({
      method: 'GET',
      url: '/api/health',
      summary: 'Health of the server and of each camera (for monitoring; no login)',
      tag: 'system',
      access: 'public',
      handler() {
        const cameras = deps.cameras.health();
        const degraded = cameras.some((c) => c.state === 'degraded' || c.state === 'offline');
        return Promise.resolve({ status: degraded ? 'degraded' : 'ok', version: deps.version, cameras });
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
