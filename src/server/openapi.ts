import { z } from 'zod';
import type { RouteSpec } from './route.js';

/** Builds the OpenAPI 3.1 document served at /api/docs from the route table (one source of truth). */
export function buildOpenApi(routes: readonly RouteSpec[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const toJson = (schema: z.ZodType): unknown => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z]+)/g, '{$1}');
    const params = (r.url.match(/:([A-Za-z]+)/g) ?? []).map((p) => ({ name: p.slice(1), in: 'path', required: true, schema: { type: 'string' } }));
    const query = r.query ? (toJson(r.query) as { properties?: Record<string, unknown> }).properties ?? {} : {};
    const response = r.response && 'contentType' in r.response
      ? { content: { [r.response.contentType]: {} } }
      : r.response
        ? { content: { 'application/json': { schema: toJson(r.response) } } }
        : {};
    (paths[path] ??= {})[r.method.toLowerCase()] = {
      summary: r.summary,
      tags: [r.tag],
      'x-vigie-access': r.access,
      parameters: [...params, ...Object.entries(query).map(([name, schema]) => ({ name, in: 'query', schema }))],
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: toJson(r.body) } } } } : {}),
      responses: { 200: { description: 'OK', ...response }, default: { description: 'Error { code, message } (docs/API.md)' } },
    };
  }
  return { openapi: '3.1.0', info: { title: 'Vigie API', version }, paths };
}
