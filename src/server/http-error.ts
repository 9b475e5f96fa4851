import type { z } from 'zod';
import { formatPath } from '../config/load.js';

/**
 * An error with its HTTP status and a stable code (STYLE-ANCHORS 11): the message
 * is for the person using the API and never includes internals.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** 400 naming each invalid field, e.g. `body.password: give the password`. */
export function invalidInput(where: 'body' | 'query' | 'params', error: z.ZodError): HttpError {
  const problems = error.issues.map((issue) => {
    const path = issue.path.length > 0 ? `${where}.${formatPath(issue.path)}` : where;
    return issue.code === 'unrecognized_keys' ? `${path}: unknown field(s) ${issue.keys.join(', ')}` : `${path}: ${issue.message}`;
  });
  return new HttpError(400, 'INVALID_INPUT', problems.join('; '), problems);
}

export const unauthenticated = (): HttpError => new HttpError(401, 'UNAUTHENTICATED', 'log in first');
export const forbidden = (permission: string): HttpError => new HttpError(403, 'FORBIDDEN', `your role does not have the permission ${permission}`);
export const notFound = (what: string): HttpError => new HttpError(404, 'NOT_FOUND', `${what} not found`);
