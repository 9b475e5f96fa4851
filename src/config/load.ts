import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { configSchema, type VigieConfig } from './schema.js';

/** A configuration that could not be read or is invalid; the message lists every problem with its YAML path. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Formats a zod path as YAML users read it: `cameras[0].rules[1].zone`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(top level)';
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `${formatPath(issue.path)}: unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}: remove or correct them (see docs/CONFIG.md)`;
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return `${formatPath(issue.path)}: missing: this field is required (expected ${issue.expected})`;
  }
  return `${formatPath(issue.path)}: ${issue.message}`;
}

/** Validates an already-parsed object (from YAML, JSON or the API) and returns a frozen config. */
export function parseConfig(raw: unknown, origin = 'config'): VigieConfig {
  const result = configSchema.safeParse(raw ?? {});
  if (!result.success) {
    const problems = result.error.issues.map(describeIssue);
    throw new ConfigError(`${origin} is invalid:\n  - ${problems.join('\n  - ')}`, problems);
  }
  return deepFreeze(result.data);
}

/** Largest config text accepted: real ones are a few kilobytes; this bounds the parser's time and memory. */
export const MAX_CONFIG_CHARS = 4 * 1024 * 1024;

/** Most alias expansions in one document: plenty for `&authorisation` reuse, far below a "billion laughs". */
const MAX_ALIAS_COUNT = 1000;

/** Parses YAML text into a validated config. */
export function parseConfigYaml(text: string, origin = 'config'): VigieConfig {
  if (text.length > MAX_CONFIG_CHARS) {
    const problem = `(top level): the file is ${text.length} characters long; at most ${MAX_CONFIG_CHARS} are accepted`;
    throw new ConfigError(`${origin} is too large:\n  - ${problem}`, [problem]);
  }
  // Warnings (e.g. a collection used as a key) would go to the process's stderr; the schema refuses such documents anyway.
  const doc = parseDocument(text, { prettyErrors: true, logLevel: 'error' });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => e.message.split('\n')[0] ?? e.message);
    throw new ConfigError(`${origin} is not valid YAML:\n  - ${problems.join('\n  - ')}`, problems);
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // yaml throws a ReferenceError for an alias used before its anchor and for an alias bomb.
    if (!(err instanceof Error)) throw err;
    const problem = `(top level): ${err.message}: define each &anchor before its *alias, and expand aliases at most ${MAX_ALIAS_COUNT} times`;
    throw new ConfigError(`${origin} is not valid YAML:\n  - ${problem}`, [problem]);
  }
  return parseConfig(raw, origin);
}

/** Reads and validates a YAML config file. */
export function loadConfigFile(path: string): VigieConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new ConfigError(`cannot read config ${path}: ${reason}`);
  }
  return parseConfigYaml(text, path);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
