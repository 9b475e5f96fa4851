/**
 * Shared settings of the property-based fuzz tests. fast-check prints the seed
 * and the shrunk counterexample of a failure; rerun it with FC_SEED=<seed>.
 */
import fc from 'fast-check';

const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);

/** Runs of one property: a few hundred by default; FC_RUNS overrides. */
export function fuzzParams<T = unknown>(numRuns: number): fc.Parameters<T> {
  const runs = process.env.FC_RUNS === undefined ? numRuns : Number(process.env.FC_RUNS);
  return { numRuns: runs, ...(seed !== undefined && Number.isFinite(seed) ? { seed } : {}) };
}

/** Nested arrays `depth` deep: parsers and validators that recurse must not overflow the stack. */
export function deeplyNested(depth: number): unknown {
  let value: unknown = 0;
  for (let i = 0; i < depth; i += 1) value = [value];
  return value;
}

/** Values that break naive code: non-finite and huge numbers, long and odd strings, deep nesting, prototype keys. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1e308, -1e308, 2 ** 53 + 1, 5e-324, null, undefined, true, false, '', [], {}),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('x'.repeat(100_000), '\u0000', '\u202e\u0645\u{1F600}', '../../../etc/passwd', 'concat:/a|/b', '-i', 'rtsp://', '%n%s%x'),
  fc.integer({ min: 50, max: 400 }).map(deeplyNested),
  fc.constantFrom('{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}', '{"__proto__":[]}').map((json) => JSON.parse(json) as unknown),
  fc.jsonValue({ maxDepth: 3 }),
  fc.anything({ maxDepth: 2, withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true }),
);
