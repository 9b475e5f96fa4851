/**
 * The counts repository against both engines: SQLite (a real file) and
 * PostgreSQL (a fresh schema of the test server, VIGIE_TEST_PG), each opened by
 * openDatabase, so every migration and the upsert's arithmetic run on the real
 * server. The PostgreSQL run fails, saying so, when the server is down.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CountRecord } from '../../src/rules/types.js';
import { createCountRepository, isStoreError, openDatabase, type CountRepository } from '../../src/store/index.js';
import { STORE_ENGINES, dropSchema, openEngineStore, uniqueSchema, type StoreEngine } from '../unit/store/helpers.js';

async function openCounts(engine: StoreEngine): Promise<{ readonly repo: CountRepository; readonly close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-counts-'));
  const schema = uniqueSchema('vigie_counts');
  const store = await openEngineStore(engine, dir, schema);
  return {
    repo: createCountRepository(store.db),
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
      if (engine === 'postgres') await dropSchema(schema);
    },
  };
}

const T = Date.parse('2026-03-02T10:00:00.000Z');
const MIN5 = 300_000;

const crossing = (over: Partial<CountRecord> = {}): CountRecord => ({
  ruleId: 'comptage', bucketStartMs: T, bucketS: 300, kind: 'crossing', target: 'entree', cls: 'person', direction: 'a_to_b', value: 3, peak: 3, frames: 100, ...over,
});
const occupancy = (over: Partial<CountRecord> = {}): CountRecord => ({
  ruleId: 'comptage', bucketStartMs: T, bucketS: 300, kind: 'occupancy', target: 'parvis', cls: 'person', direction: null, value: 1.5, peak: 4, frames: 100, ...over,
});
const iso = (ms: number) => new Date(ms).toISOString();
const range = (fromMs = T - 3_600_000, toMs = T + 3_600_000) => ({ camera: 'cam-1', from: iso(fromMs), to: iso(toMs) });

for (const engine of STORE_ENGINES) {
  describe(`counts repository on ${engine}`, () => {
    let repo: CountRepository;
    let close: () => Promise<void> = () => Promise.resolve();
    beforeAll(async () => {
      const opened = await openCounts(engine);
      repo = opened.repo;
      close = () => opened.close();
      await repo.add('cam-1', [crossing(), crossing({ direction: 'b_to_a', value: 1, peak: 1 }), occupancy()]);
    }, 60_000);
    afterAll(() => close());

    it('stores counts and reads them back in bucket order, direction null for occupancy', async () => {
      expect(await repo.list(range())).toEqual([
        { rule: 'comptage', start: '2026-03-02T10:00:00.000Z', bucketS: 300, kind: 'crossing', target: 'entree', cls: 'person', direction: 'a_to_b', value: 3, peak: 3, frames: 100 },
        { rule: 'comptage', start: '2026-03-02T10:00:00.000Z', bucketS: 300, kind: 'crossing', target: 'entree', cls: 'person', direction: 'b_to_a', value: 1, peak: 1, frames: 100 },
        { rule: 'comptage', start: '2026-03-02T10:00:00.000Z', bucketS: 300, kind: 'occupancy', target: 'parvis', cls: 'person', direction: null, value: 1.5, peak: 4, frames: 100 },
      ]);
    });

    it('a bucket written in two parts (a restart inside it) adds crossings and merges occupancy by frames', async () => {
      const at = T + MIN5;
      await repo.add('cam-1', [crossing({ bucketStartMs: at, value: 2, peak: 2, frames: 30 }), occupancy({ bucketStartMs: at, value: 1, peak: 3, frames: 30 })]);
      await repo.add('cam-1', [crossing({ bucketStartMs: at, value: 5, peak: 5, frames: 90 }), occupancy({ bucketStartMs: at, value: 3, peak: 2, frames: 90 })]);
      const rows = await repo.list({ ...range(at, at + MIN5) });
      expect(rows.map((r) => [r.kind, r.value, r.peak, r.frames])).toEqual([
        ['crossing', 7, 7, 120],
        // (1 x 30 + 3 x 90) / 120 = 2.5; the larger peak.
        ['occupancy', 2.5, 3, 120],
      ]);
    });

    it('merges the same bucket given twice in one batch', async () => {
      const at = T + 2 * MIN5;
      await repo.add('cam-1', [occupancy({ bucketStartMs: at, value: 2, peak: 2, frames: 10 }), occupancy({ bucketStartMs: at, value: 0, peak: 0, frames: 30 })]);
      const [row] = await repo.list(range(at, at + MIN5));
      expect([row?.value, row?.peak, row?.frames]).toEqual([0.5, 2, 40]);
    });

    it('returns the buckets that overlap [from, to), of one camera, optionally one rule', async () => {
      const at = T + 3 * MIN5;
      await repo.add('cam-1', [crossing({ bucketStartMs: at, ruleId: 'autre' })]);
      await repo.add('cam-2', [crossing({ bucketStartMs: at })]);
      // From inside the bucket: it overlaps, so it is there; `to` at its start: it is not.
      expect((await repo.list(range(at + 60_000, at + 120_000))).map((r) => r.rule)).toEqual(['autre']);
      expect((await repo.list(range(at - MIN5, at))).some((r) => r.start === iso(at))).toBe(false);
      expect((await repo.list({ ...range(at, at + MIN5), camera: 'cam-2' })).map((r) => r.start)).toEqual([iso(at)]);
      expect(await repo.list({ ...range(at, at + MIN5), rule: 'comptage' })).toEqual([]);
      expect(await repo.list({ ...range(), rule: 'autre' })).toHaveLength(1);
    });

    it('refuses what is not a count, naming the rule and the problem', async () => {
      const refused = async (r: CountRecord) => repo.add('cam-1', [r]).then(() => null, (err: unknown) => err);
      for (const bad of [crossing({ frames: 0 }), crossing({ value: -1 }), occupancy({ direction: 'a_to_b' }), crossing({ frames: 1.5 })]) {
        const err = await refused(bad);
        expect(isStoreError(err, 'INVALID'), String(err)).toBe(true);
        expect((err as Error).message).toMatch(/count of rule comptage/);
      }
    });

    it('refuses a time that is not ISO 8601 with a zone', async () => {
      await expect(repo.list({ camera: 'cam-1', from: '2026-03-02 10:00', to: iso(T) })).rejects.toThrow(/from must be an ISO 8601 time/);
    });
  });
}

describe('counts survive a restart (SQLite file reopened)', () => {
  it('keeps the stored buckets and merges a later part into them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-counts-'));
    try {
      let store = await openDatabase({ dataDir: dir });
      await createCountRepository(store.db).add('cam-1', [crossing({ value: 2, peak: 2, frames: 40 })]);
      await store.close();
      store = await openDatabase({ dataDir: dir });
      const repo = createCountRepository(store.db);
      await repo.add('cam-1', [crossing({ value: 1, peak: 1, frames: 60 })]);
      expect((await repo.list(range())).map((r) => [r.value, r.frames])).toEqual([[3, 100]]);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
