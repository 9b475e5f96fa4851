import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CountRecord } from '../../../src/rules/types.js';
import { countOccurrenceMigration } from '../../../src/store/migrations/0006_count_occurrence.js';
import { openTestStore, STORE_ENGINES, type TestStore } from './helpers.js';

const T0 = Date.parse('2026-03-02T10:00:00Z');
const occurrence = (value: number, frames: number): CountRecord => ({
  ruleId: 'loiter',
  bucketStartMs: T0,
  bucketS: 300,
  kind: 'occurrence',
  target: 'parvis',
  cls: 'person',
  direction: null,
  value,
  peak: value,
  frames,
});
const crossing: CountRecord = { ...occurrence(3, 10), ruleId: 'count', kind: 'crossing', target: 'road', direction: 'a_to_b' };
const range = { camera: 'cam', from: '2026-03-02T10:00:00Z', to: '2026-03-02T11:00:00Z' };

describe.each(STORE_ENGINES)('%s', (engine) => {
  describe('occurrence counts', () => {
    let t: TestStore;
    beforeEach(async () => {
      t = await openTestStore(engine);
    });
    afterEach(() => t.dispose());

    it('are stored, and the parts of one bucket add up like crossings', async () => {
      await t.repos.counts.add('cam', [occurrence(2, 100), crossing]);
      await t.repos.counts.add('cam', [occurrence(1, 50)]);
      const rows = await t.repos.counts.list(range);
      expect(rows.map((r) => `${r.rule} ${r.kind} ${r.target} ${r.cls} ${r.direction} ${r.value}/${r.peak}/${r.frames}`)).toEqual([
        'count crossing road person a_to_b 3/3/10',
        'loiter occurrence parvis person null 3/3/150',
      ]);
    });

    it('migration 0006 keeps the older counts both ways (occurrences go when it is undone)', async () => {
      await t.repos.counts.add('cam', [occurrence(2, 100), crossing]);
      const db = t.store.db as unknown as Kysely<unknown>;
      await countOccurrenceMigration().down?.(db);
      expect((await t.repos.counts.list(range)).map((r) => r.kind)).toEqual(['crossing']);
      await expect(t.repos.counts.add('cam', [occurrence(1, 1)])).rejects.toThrow(/check constraint/i);
      await countOccurrenceMigration().up(db);
      await t.repos.counts.add('cam', [occurrence(1, 1)]);
      expect((await t.repos.counts.list(range)).map((r) => `${r.kind} ${r.value}`)).toEqual(['crossing 3', 'occurrence 1']);
    });
  });
});
