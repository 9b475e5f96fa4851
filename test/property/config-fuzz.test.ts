/**
 * Config loader fuzzing: whatever text or value it is given, the loader returns a
 * config or throws its ConfigError naming where the problem is; never a TypeError,
 * a RangeError or a hang.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { ConfigError, MAX_CONFIG_CHARS, parseConfig, parseConfigYaml } from '../../src/config/load.js';
import { deeplyNested, fuzzParams, hostileValue } from './fuzz-settings.js';

/** A schema problem starts with its YAML path; a YAML syntax problem says its line and column. */
const NAMES_A_PLACE = /^(\(top level\)|\w+(\[\d+\]|\.\w+)*): \S|at line \d+, column \d+/;

/** Runs the loader: it may accept, or refuse with a ConfigError whose every problem names a place. Anything else fails. */
function loaderOutcome(load: () => unknown): 'accepted' | 'refused' {
  try {
    load();
    return 'accepted';
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    expect(err.problems.length, err.message).toBeGreaterThan(0);
    for (const problem of err.problems) expect(problem).toMatch(NAMES_A_PLACE);
    return 'refused';
  }
}

const VALID_FILES = ['examples/demo.yaml', ...readdirSync('test/fixtures').filter((f) => f.endsWith('.yaml')).map((f) => join('test/fixtures', f))];
const VALID_DOCS = VALID_FILES.map((path) => ({ path, text: readFileSync(path, 'utf8') }));

const YAML_TOKENS = [
  'cameras:', '\n', '  ', '    ', '- ', 'id: a', 'id: cam-1', 'source: x.mp4', 'source: "file:/etc/passwd"', '[', ']', '{', '}', ', ', ': ',
  '&a ', '*a', '!!binary ', '!!set ', '!!js/function ', '<<: ', '? ', '"', "'", '# c', 'zones:', 'rules:', 'lines:', 'polygon: [[0,0],[1,0],[1,1]]',
  'type: intrusion', 'zone: z', '0.5', '.nan', '-.inf', '1e309', '~', 'null', '|', '>', '%YAML 1.2\n---\n', '---\n', '...\n', '\t',
  '__proto__: ', 'constructor: ', 'timezone: Mars/Olympus', 'detect: {fps: 0}', '\u0000', '\u{1F600}',
];

const yamlText = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.array(fc.constantFrom(...YAML_TOKENS), { maxLength: 80 }).map((tokens) => tokens.join('')),
);

type Path = readonly (string | number)[];

/** Every path to a value inside a JSON-like document (the root excluded), down to a depth where configs end. */
function pathsOf(value: unknown, at: Path = []): Path[] {
  if (value === null || typeof value !== 'object' || at.length > 12) return [];
  const entries: [string | number, unknown][] = Array.isArray(value) ? Array.from({ length: value.length }, (_, i): [number, unknown] => [i, (value as unknown[])[i]]) : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...at, key], ...pathsOf(child, [...at, key])]);
}

type Mutation = { readonly kind: 'remove' } | { readonly kind: 'replace'; readonly value: unknown } | { readonly kind: 'add-key'; readonly key: string; readonly value: unknown };

type Container = Record<string | number, unknown>;
// Index by index: a generated array may carry its own `constructor` key, which slice() and map() would call.
const shallowCopy = (value: unknown): Container =>
  (Array.isArray(value) ? Array.from({ length: value.length }, (_, i) => (value as unknown[])[i]) : { ...(value as object) }) as Container;

/** A copy of `doc` with the mutation applied at `path` (only the containers along the path are copied). */
function mutate(doc: unknown, path: Path, mutation: Mutation): unknown {
  const copy = shallowCopy(doc);
  let parent: Container = copy;
  for (const key of path.slice(0, -1)) {
    const child = shallowCopy(parent[key]);
    parent[key] = child;
    parent = child;
  }
  const last = path[path.length - 1] as string | number;
  if (mutation.kind === 'remove') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else if (mutation.kind === 'replace') {
    parent[last] = mutation.value;
  } else {
    const target = parent[last] && typeof parent[last] === 'object' ? shallowCopy(parent[last]) : null;
    if (target) parent[last] = target;
    const descriptor = target ? Object.getOwnPropertyDescriptor(target, mutation.key) : undefined;
    if (target && descriptor?.configurable !== false) Object.defineProperty(target, mutation.key, { value: mutation.value, enumerable: true, writable: true, configurable: true });
    else parent[last] = { [mutation.key]: mutation.value };
  }
  return copy;
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>({ kind: 'remove' }),
  hostileValue.map((value): Mutation => ({ kind: 'replace', value })),
  fc
    .record({ key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'type', 'id'), fc.string({ maxLength: 12 })), value: hostileValue })
    .map(({ key, value }): Mutation => ({ kind: 'add-key', key, value })),
);

const mutatedConfig = fc
  .record({ doc: fc.nat({ max: VALID_DOCS.length - 1 }), edits: fc.array(fc.record({ at: fc.nat(), mutation }), { minLength: 1, maxLength: 4 }) })
  .map(({ doc, edits }) => {
    let value: unknown = parseYaml(VALID_DOCS[doc]!.text);
    for (const edit of edits) {
      const paths = pathsOf(value);
      if (paths.length === 0) break;
      value = mutate(value, paths[edit.at % paths.length]!, edit.mutation);
    }
    return value;
  });

describe('config loader fuzzing', () => {
  it('loads every example and fixture unchanged (the mutations start from valid configs)', () => {
    for (const { path, text } of VALID_DOCS) expect(loaderOutcome(() => parseConfigYaml(text, path)), path).toBe('accepted');
  });

  it('arbitrary YAML text: a config or a ConfigError naming the place', () => {
    fc.assert(fc.property(yamlText, (text) => void loaderOutcome(() => parseConfigYaml(text))), fuzzParams(400));
  });

  it('arbitrary values: a config or a ConfigError naming the place', () => {
    fc.assert(fc.property(hostileValue, (value) => void loaderOutcome(() => parseConfig(value))), fuzzParams(300));
    fc.assert(fc.property(fc.record({ cameras: fc.array(fc.dictionary(fc.string({ maxLength: 10 }), hostileValue), { maxLength: 3 }) }), (value) => void loaderOutcome(() => parseConfig(value))), fuzzParams(200));
  });

  // A validation takes some 20 ms (the rule union, time zones): the run counts keep the file under 30 s.
  it('valid configs with fields removed, retyped, huge, NaN, deep or unicode: a config or a ConfigError naming the path', () => {
    fc.assert(fc.property(mutatedConfig, (config) => void loaderOutcome(() => parseConfig(config))), fuzzParams(200));
  });

  it('the same mutated configs written as YAML text', () => {
    fc.assert(
      fc.property(mutatedConfig, (config) => {
        let text: string | null = null;
        try {
          text = stringifyYaml(config, { aliasDuplicateObjects: false });
        } catch {
          text = null;
        }
        if (text !== null && text.length <= 200_000) loaderOutcome(() => parseConfigYaml(text));
      }),
      fuzzParams(100),
    );
  });
});

describe('counterexamples found by fuzzing, kept as plain tests', () => {
  it('an alias bomb is refused as a ConfigError, not a ReferenceError', () => {
    const bomb = ['a: &a [1,1,1,1,1,1,1,1,1]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]', 'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]', 'e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]'].join('\n');
    expect(() => parseConfigYaml(bomb)).toThrow(ConfigError);
    expect(() => parseConfigYaml(bomb)).toThrow(/\(top level\): Excessive alias count.*at most 1000 times/);
  });

  it('an alias before its anchor is refused as a ConfigError', () => {
    expect(() => parseConfigYaml('cameras: *nowhere')).toThrow(ConfigError);
  });

  it('a text past the size cap is refused before parsing', () => {
    expect(() => parseConfigYaml(`# ${'x'.repeat(MAX_CONFIG_CHARS)}`)).toThrow(/at most \d+ are accepted/);
  });

  it('deep nesting is refused, in YAML and in a value', () => {
    expect(() => parseConfigYaml(`cameras: ${'['.repeat(20_000)}${']'.repeat(20_000)}`)).toThrow(ConfigError);
    expect(() => parseConfig({ cameras: deeplyNested(50_000) })).toThrow(ConfigError);
  });
});
