import type { z } from 'zod';
import { formatPath } from '../config/load.js';

/** An API error: an HTTP status, a stable code (docs/API.md) and a message for the person using the API. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** 400 naming each invalid field, e.g. `body.password: give the password`. */
export function invalidInput(where: 'body' | 'query' | 'params', error: z.ZodError): HttpError {
  const problems = error.issues.map((issue) => {
    const path = issue.path.length > 0 ? `${where}.${formatPath(issue.path)}` : where;
    if (issue.code === 'unrecognized_keys') return `${path}: unknown field(s) ${issue.keys.join(', ')}`;
    if (issue.code === 'invalid_type' && issue.input === undefined) return `${path}: missing`;
    return `${path}: ${issue.message}`;
  });
  return new HttpError(400, 'INVALID_INPUT', problems.join('; '));
}

export const notFound = (what: string): HttpError => new HttpError(404, 'NOT_FOUND', `${what} not found`);
