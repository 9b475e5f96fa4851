import type { z } from 'zod';
import { StoreError } from './errors.js';

/**
 * Parses and validates a JSON column. `where` names the row and column
 * (`event "e1" box`) so that a corrupted row is reported precisely.
 */
export function readJson<S extends z.ZodType>(text: string, schema: S, where: string): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new StoreError('CORRUPT', `${where} in the database is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    const first = result.error.issues[0];
    const path = first && first.path.length > 0 ? ` at ${first.path.join('.')}` : '';
    throw new StoreError('CORRUPT', `${where} in the database is invalid${path}: ${first?.message ?? 'unexpected shape'}`);
  }
  return result.data;
}

/** Reads a text column holding one of a closed list of values; throws CORRUPT naming the row otherwise. */
export function oneOf<T extends string>(allowed: readonly T[], value: string, where: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new StoreError('CORRUPT', `${where} in the database is "${value}", not one of ${allowed.join(', ')}`);
}
