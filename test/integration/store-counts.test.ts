/**
 * The counts repository against both engines: SQLite (a real file) and the
 * local PostgreSQL. Until the store opens postgres:// itself (issue 10), the
 * PostgreSQL run goes through psql: the same Kysely queries, compiled for
 * PostgreSQL and executed by the real server (one psql per statement, so
 * transactions are not exercised there). Skipped when psql or the server is absent.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler,
  type CompiledQuery, type DatabaseConnection, type Dialect, type Driver, type QueryResult,
} from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CountRecord } from '../../src/rules/types.js';
import { createCountRepository, isStoreError, openDatabase, type CountRepository, type Database } from '../../src/store/index.js';
import { migrateToLatest } from '../../src/store/migrations/index.js';

const PG = { host: process.env.PGHOST ?? '127.0.0.1', port: process.env.PGPORT ?? '5432', user: process.env.PGUSER ?? 'postgres' };
const psqlArgs = (db: string) => ['-h', PG.host, '-p', PG.port, '-U', PG.user, '-d', db, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1'];
const pgMissing = ((): string | null => {
  try {
    execFileSync('psql', [...psqlArgs('postgres'), '-c', 'select 1'], { stdio: 'pipe', timeout: 5000 });
    return null;
  } catch {
    return `PostgreSQL not reachable with psql at ${PG.host}:${PG.port} (user ${PG.user})`;
  }
})();
if (pgMissing) console.warn(`skipping the PostgreSQL run: ${pgMissing}`);

/** A Kysely dialect that runs each compiled PostgreSQL statement through psql (test only). */
function psqlDialect(db: string): Dialect {
  const run = promisify(execFile);
  const literal = (v: unknown): string => {
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'number' || typeof v === 'bigint') return String(v);
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v !== 'string') throw new Error(`unexpected parameter ${typeof v}`);
    return `'${v.replace(/'/g, "''")}'`;
  };
  const connection: DatabaseConnection = {
    async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
      const text = compiled.sql.replace(/\$(\d+)/g, (_m, n: string) => literal(compiled.parameters[Number(n) - 1]));
      const rowsWanted = compiled.query.kind === 'SelectQueryNode';
      const statement = rowsWanted ? `select coalesce(json_agg(t), '[]'::json) from (${text}) t` : text;
      const { stdout } = await run('psql', [...psqlArgs(db), '-c', statement]);
      return { rows: rowsWanted ? (JSON.parse(stdout) as R[]) : [] };
    },
    streamQuery() {
      throw new Error('not supported by the psql test dialect');
    },
  };
  // One psql per statement: transactions are no-ops (each statement commits on its own).
  const none = (): Promise<void> => Promise.resolve();
  const driver: Driver = {
    init: none,
    acquireConnection: () => Promise.resolve(connection),
    beginTransaction: none,
    commitTransaction: none,
    rollbackTransaction: none,
    releaseConnection: none,
    destroy: none,
  };
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => driver,
    createQueryCompiler: () => new PostgresQueryCompiler(),
    createIntrospector: (k) => new PostgresIntrospector(k),
  };
}

interface Engine {
  readonly name: string;
  readonly skip: string | null;
  open(): Promise<{ readonly repo: CountRepository; readonly close: () => Promise<void> }>;
}

const ENGINES: readonly Engine[] = [
  {
    name: 'SQLite',
    skip: null,
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'vigie-counts-'));
      const store = await openDatabase({ dataDir: dir });
      return {
        repo: createCountRepository(store.db),
        async close() {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'PostgreSQL',
    skip: pgMissing,
    async open() {
      const db = `vigie_counts_${process.pid}_${Date.now()}`;
      execFileSync('psql', [...psqlArgs('postgres'), '-c', `create database ${db}`], { stdio: 'pipe' });
      const drop = () => execFileSync('psql', [...psqlArgs('postgres'), '-c', `drop database if exists ${db}`], { stdio: 'pipe' });
      try {
        // Every migration, 0001 onwards, on the real server.
        const kysely = new Kysely<Database>({ dialect: psqlDialect(db) });
        await migrateToLatest(kysely as unknown as Kysely<unknown>, { serialType: 'serial', serialPrimaryKey: (c) => c.primaryKey() });
        return {
          repo: createCountRepository(kysely),
          async close() {
            await kysely.destroy();
            drop();
          },
        };
      } catch (err) {
        drop();
        throw err;
      }
    },
  },
];

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

for (const engine of ENGINES) {
  describe.skipIf(engine.skip)(`counts repository on ${engine.name}`, () => {
    let repo: CountRepository;
    let close: () => Promise<void> = () => Promise.resolve();
    beforeAll(async () => {
      const opened = await engine.open();
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
