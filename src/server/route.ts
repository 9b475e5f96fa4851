import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { CSRF_HEADER } from '../auth/csrf.js';
import { authorize } from '../auth/guard.js';
import type { Permission } from '../auth/roles.js';
import type { Authenticated } from '../auth/sessions.js';
import { invalidInput } from './http-error.js';

/**
 * Who may call a route: anyone (`public`), any logged-in user (`session`), or a
 * user whose role has the permission. Every route declares one: a test walks the
 * route table and fails on a route that does not.
 */
export type Access = 'public' | 'session' | Permission;

export interface RouteInput<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  /** The caller; null only on public routes. */
  readonly auth: Authenticated | null;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

export interface RouteSpec<P = unknown, Q = unknown, B = unknown> {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly summary: string;
  readonly tag: string;
  readonly access: Access;
  readonly params?: z.ZodType<P>;
  readonly query?: z.ZodType<Q>;
  readonly body?: z.ZodType<B>;
  /** Documents the JSON answer in the OpenAPI document; binary answers name their content type instead. */
  readonly response?: z.ZodType | { readonly contentType: string };
  handler(input: RouteInput<P, Q, B>): Promise<unknown>;
}

/** Declares a route; the generic parameters are inferred from the schemas. */
export function route<P = Record<string, never>, Q = Record<string, never>, B = undefined>(spec: RouteSpec<P, Q, B>): RouteSpec {
  return spec;
}

/** Reads the caller's session from the request (set by the app's onRequest hook). */
export type SessionReader = (request: FastifyRequest) => Authenticated | null;

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: 'params' | 'query' | 'body'): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (!result.success) throw invalidInput(where, result.error);
  return result.data;
}

/** Registers routes with their access check and input validation in front of each handler. */
export function registerRoutes(app: FastifyInstance, routes: readonly RouteSpec[], sessionOf: SessionReader): void {
  for (const spec of routes) {
    app.route({
      method: spec.method,
      url: spec.url,
      handler: async (request, reply) => {
        let auth: Authenticated | null = null;
        if (spec.access !== 'public') {
          const decision = authorize({
            auth: sessionOf(request),
            permission: spec.access === 'session' ? null : spec.access,
            method: request.method,
            csrfHeader: request.headers[CSRF_HEADER],
          });
          if (!decision.ok) return reply.code(decision.status).send({ code: decision.code, message: decision.message });
          auth = decision.auth;
        }
        const params = parse(spec.params, request.params, 'params');
        const query = parse(spec.query, request.query, 'query');
        const body = parse(spec.body, request.body, 'body');
        return spec.handler({ params, query, body, auth, request, reply });
      },
    });
  }
}
