import { afterEach, beforeEach } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { VigieEvent } from '../../../src/contracts/event.js';
import { createRepositories, isStoreError, openDatabase, type Repositories, type StoreDatabase } from '../../../src/store/index.js';

/** Both engines: store test files run their cases on each (`describe.each(STORE_ENGINES)`). */
export const STORE_ENGINES = ['sqlite', 'postgres'] as const;
export type StoreEngine = (typeof STORE_ENGINES)[number];

/**
 * The PostgreSQL database tests use (`VIGIE_TEST_PG`, default the local server's
 * `test` database). Each test store lives in a schema of its own, dropped at
 * dispose, so test files running in parallel never see each other's rows.
 */
export const TEST_PG_URL = process.env.VIGIE_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

let schemas = 0;

/** A fresh schema name, unique across processes and runs. */
export function uniqueSchema(prefix = 'vigie_t'): string {
  schemas += 1;
  return `${prefix}_${process.pid}_${schemas}_${Math.random().toString(36).slice(2, 8)}`;
}

/** `TEST_PG_URL` pointed at `schema`. */
export function pgUrl(schema: string): string {
  const url = new URL(TEST_PG_URL);
  url.searchParams.set('schema', schema);
  return url.toString();
}

/** Drops a test schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}

/**
 * Opens the store of a test on `engine`. A PostgreSQL server that cannot be
 * reached fails the test with the store's message and how to point tests elsewhere.
 */
export async function openEngineStore(engine: StoreEngine, dataDir: string, schema: string): Promise<StoreDatabase> {
  if (engine === 'sqlite') return openDatabase({ dataDir });
  try {
    return await openDatabase({ dataDir, url: pgUrl(schema) });
  } catch (err) {
    throw new Error(`PostgreSQL store tests need a server: ${(err as Error).message} (set VIGIE_TEST_PG=postgres://user@host:port/db)`, { cause: err });
  }
}

/** A clock tests move by hand. */
export interface FakeClock {
  (): number;
  set(iso: string): void;
  advance(ms: number): void;
}

export function fakeClock(startIso = '2026-03-01T10:00:00.000Z'): FakeClock {
  let t = Date.parse(startIso);
  const clock = (() => t) as FakeClock;
  clock.set = (iso) => {
    t = Date.parse(iso);
  };
  clock.advance = (ms) => {
    t += ms;
  };
  return clock;
}

/**
 * A store in a fresh temp folder (a real SQLite file) or a fresh PostgreSQL
 * schema, with repositories on a fake clock.
 */
export interface TestStore {
  readonly engine: StoreEngine;
  readonly dir: string;
  readonly clock: FakeClock;
  store: StoreDatabase;
  repos: Repositories;
  /** Closes and reopens the database from the same folder, as a restart would. */
  reopen(): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * A fresh store of `engine` for each test of the enclosing describe (opened before,
 * disposed after). The returned object always forwards to the current test's
 * store, so tests write `t.repos...` as with `openTestStore`.
 */
export function storePerTest(engine: StoreEngine): TestStore {
  let current: TestStore | undefined;
  beforeEach(async () => {
    current = await openTestStore(engine);
  });
  afterEach(async () => {
    await current?.dispose();
    current = undefined;
  });
  return new Proxy({} as TestStore, {
    get(_target, key) {
      if (!current) throw new Error('storePerTest: the store exists only inside a test');
      // reopen and dispose close over their store, not `this`: values are handed out as they are.
      return Reflect.get(current, key) as unknown;
    },
  });
}

export async function openTestStore(engine: StoreEngine = 'sqlite'): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-store-'));
  const schema = uniqueSchema();
  const clock = fakeClock();
  let n = 0;
  const newId = () => `user-${++n}`;
  let store: StoreDatabase;
  try {
    store = await openEngineStore(engine, dir, schema);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const t: TestStore = {
    engine,
    dir,
    clock,
    store,
    repos: createRepositories(store.db, { now: clock, newId }),
    async reopen() {
      await t.store.close();
      t.store = await openEngineStore(engine, dir, schema);
      t.repos = createRepositories(t.store.db, { now: clock, newId });
    },
    async dispose() {
      await t.store.close();
      rmSync(dir, { recursive: true, force: true });
      if (engine === 'postgres') await dropSchema(schema);
    },
  };
  return t;
}

/** An event in the contract shape, with every field set; override what a test varies. */
export function makeEvent(overrides: Partial<VigieEvent> = {}): VigieEvent {
  return {
    id: 'ev-1',
    camera: 'parvis-nord',
    rule: 'r1',
    type: 'intrusion',
    severity: 'high',
    start: 12.4,
    end: null,
    start_time: '2026-03-01T10:00:00.000Z',
    track_ids: [17],
    classes: ['person'],
    box: [0.41, 0.22, 0.12, 0.2],
    score: 0.83,
    snapshot: null,
    clip: null,
    details: { zone: 'voie-1' },
    ...overrides,
  };
}

/** The StoreError a promise was refused with (code and message); fails the test when it resolves. */
export async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    if (isStoreError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected a refusal');
}
