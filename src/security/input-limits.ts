/**
 * Limits every path parameter and query value, on every route, before the
 * route's own schema: a value longer than this or holding a NUL byte (which
 * truncates or throws in file-system calls) is refused with a 400 naming it.
 */
export const MAX_INPUT_VALUE_LENGTH = 1000;

/** The first problem with the request's params and query, as the message of a 400; null when there is none. */
export function inputProblem(params: unknown, query: unknown): string | null {
  for (const [where, values] of [['params', params], ['query', query]] as const) {
    if (values === null || typeof values !== 'object') continue;
    for (const [name, raw] of Object.entries(values as Record<string, unknown>)) {
      for (const value of Array.isArray(raw) ? raw : [raw]) {
        if (typeof value !== 'string') continue;
        if (value.length > MAX_INPUT_VALUE_LENGTH) return `${where}.${name}: ${value.length} characters long; at most ${MAX_INPUT_VALUE_LENGTH} are accepted`;
        if (value.includes('\0')) return `${where}.${name}: contains a NUL byte; remove it`;
      }
    }
  }
  return null;
}
