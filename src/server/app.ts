import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { SESSION_COOKIE, type Authenticated } from '../auth/sessions.js';
import { StoreError } from '../store/errors.js';
import type { ServerDeps } from './deps.js';
import { HttpError } from './http-error.js';
import { securityHeaders } from '../security/headers.js';
import { inputProblem } from '../security/input-limits.js';
import { buildOpenApi } from './openapi.js';
import { registerRoutes, type RouteSpec } from './route.js';
import { accessRequestRoutes } from './routes/access-requests.js';
import { auditRoutes } from './routes/audit.js';
import { complianceRoutes } from './routes/compliance.js';
import { authRoutes } from './routes/auth.js';
import { cameraRoutes } from './routes/cameras.js';
import { countRoutes } from './routes/counts.js';
import { eventRoutes } from './routes/events.js';
import { evidenceRoutes } from './routes/evidence.js';
import { recordingRoutes } from './routes/recordings.js';
import { holdRoutes } from './routes/holds.js';
import { monthlyReportRoutes } from './routes/monthly-reports.js';
import { incidentRoutes } from './routes/incidents.js';
import { integrationRoutes } from './routes/integrations.js';
import { reportRoutes } from './routes/reports.js';
import { publicRoutes } from './routes/public.js';
import { retentionRoutes } from './routes/retention.js';
import { systemRoutes } from './routes/system.js';
import { userRoutes } from './routes/users.js';

/** The built console (`npm run build:web`); served at / when present. */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/**
 * Fastify's own cap on a path parameter (default 100, past which the route is not found: 404). Raised to
 * Node's request-head limit, so the input limit (MAX_INPUT_VALUE_LENGTH) answers a long one with a 400 naming it.
 */
const MAX_PARAM_LENGTH = 16 * 1024;

const STORE_STATUS: Record<string, number> = { NOT_FOUND: 404, CONFLICT: 409, INVALID: 400 };

/** Every route of the API, in one table: registration, permission checks and the OpenAPI document all read it. */
export function apiRoutes(deps: ServerDeps): RouteSpec[] {
  const routes: RouteSpec[] = [...authRoutes(deps), ...eventRoutes(deps), ...cameraRoutes(deps), ...countRoutes(deps), ...userRoutes(deps), ...recordingRoutes(deps)];
  routes.push(...holdRoutes(deps), ...retentionRoutes(deps));
  routes.push(...evidenceRoutes(deps));
  routes.push(...accessRequestRoutes(deps));
  routes.push(...auditRoutes(deps));
  routes.push(...complianceRoutes(deps));
  routes.push(...reportRoutes(deps), ...incidentRoutes(deps));
  routes.push(...monthlyReportRoutes(deps));
  routes.push(...integrationRoutes(deps));
  routes.push(...publicRoutes(deps));
  const openApi = (): Record<string, unknown> => buildOpenApi([...routes, ...system], deps.version);
  const system = systemRoutes(deps, openApi);
  routes.push(...system);
  return routes;
}

/** The HTTP server: the API under /api, the live WebSocket at /api/live, the console at /. */
export interface HttpServerOptions {
  /** Fastify's request log: true for stdout, or a stream (tests read it to check no secret is logged). */
  readonly logger?: boolean | { readonly stream: NodeJS.WritableStream };
  /** Serve HTTPS with this PEM certificate and key (docs/SECURITY.md); plain HTTP without. */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer };
}

export async function createHttpServer(deps: ServerDeps, options: HttpServerOptions = {}): Promise<FastifyInstance> {
  // Fastify types an HTTPS instance apart; the routes and hooks are the same.
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    ...(options.tls ? { https: { cert: options.tls.cert, key: options.tls.key } } : {}),
  }) as unknown as FastifyInstance;
  const headers = securityHeaders(options.tls !== undefined);
  app.addHook('onSend', async (_request, reply) => {
    void reply.headers(headers);
  });
  app.addHook('preValidation', async (request, reply) => {
    const problem = inputProblem(request.params, request.query);
    if (problem) return reply.code(400).send({ code: 'INVALID_INPUT', message: problem });
  });
  const sessions = new WeakMap<FastifyRequest, Authenticated | null>();
  await app.register(fastifyCookie);
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });

  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    const token = request.cookies[SESSION_COOKIE];
    sessions.set(request, token ? await deps.sessions.authenticate(token) : null);
  });
  const sessionOf = (request: FastifyRequest): Authenticated | null => sessions.get(request) ?? null;

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof HttpError) return reply.code(error.status).send({ code: error.code, message: error.message });
    if (error instanceof StoreError && STORE_STATUS[error.code]) {
      return reply.code(STORE_STATUS[error.code] as number).send({ code: error.code, message: error.message });
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      // Fastify's own refusals: malformed JSON, wrong content type, body too large.
      return reply.code(status).send({ code: 'INVALID_INPUT', message: `body: ${(error as Error).message}` });
    }
    request.log.error(error);
    return reply.code(500).send({ code: 'INTERNAL', message: 'internal error: the server logged the details' });
  });

  const routes = apiRoutes(deps);
  registerRoutes(app, routes, sessionOf);

  app.get('/api/live', { websocket: true }, (socket, request) => {
    const auth = sessionOf(request);
    if (!auth) {
      socket.close(4401, 'log in first');
      return;
    }
    deps.live.add(socket, auth);
  });

  if (existsSync(WEB_DIST)) {
    await app.register(fastifyStatic, {
      root: WEB_DIST,
      wildcard: false,
      // Built assets carry a content hash in their name; index.html must always be fresh.
      setHeaders: (res, path) => {
        void res.setHeader('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  app.setNotFoundHandler((request, reply) => {
    // The console is a single-page app: unknown paths outside /api load it.
    if (!request.url.startsWith('/api') && request.method === 'GET' && existsSync(WEB_DIST)) return reply.sendFile('index.html');
    return reply.code(404).send({ code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0] ?? ''}` });
  });
  return app;
}
