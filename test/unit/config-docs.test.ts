import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configSchema } from '../../src/config/schema.js';

/** Every property name anywhere in a JSON schema. */
function propertyNames(schema: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) schema.forEach((s) => propertyNames(s, out));
  else if (schema && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'properties' && value && typeof value === 'object') Object.keys(value as object).forEach((k) => out.add(k));
      propertyNames(value, out);
    }
  }
  return out;
}

describe('configuration docs', () => {
  it('docs/CONFIG.md or docs/RULES.md mention every field of the schema', () => {
    const docs = ['docs/CONFIG.md', 'docs/RULES.md'].map((p) => readFileSync(p, 'utf8')).join('\n');
    const fields = propertyNames(z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }));
    expect(fields.size).toBeGreaterThan(20);
    const undocumented = [...fields].filter((f) => !docs.includes(`\`${f}\``));
    expect(undocumented).toEqual([]);
  });
});
