import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreError, createRepositories, openDatabase } from '../../../src/store/index.js';
import pg from 'pg';
import { TEST_PG_URL, dropSchema, openEngineStore, pgUrl, uniqueSchema } from './helpers.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-store-db-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function openError(options: Parameters<typeof openDatabase>[0]): Promise<StoreError> {
  try {
    const store = await openDatabase(options);
    await store.close();
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError);
    return err as StoreError;
  }
  throw new Error('expected openDatabase to fail');
}

describe('openDatabase', () => {
  it('creates the data folder and vigie.db, migrates a fresh database, and a re-open is a no-op', async () => {
    const dataDir = join(tempDir(), 'nested', 'data');
    const first = await openDatabase({ dataDir });
    expect(first.engine).toBe('sqlite');
    expect(first.location).toBe(join(dataDir, 'vigie.db'));
    expect(first.migrated).toEqual(['0001_initial', '0002_rule_catalogue', '0003_counts', '0004_recording', '0005_access_requests', '0006_count_occurrence', '0007_trial_reports', '0008_pending_deletes', '0009_webhook_deliveries']);
    const tables = await first.db.introspection.getTables();
    expect(tables.map((t) => t.name).sort()).toEqual(
      ['access_requests', 'audit_log', 'camera_uptime', 'cameras', 'config_versions', 'counts', 'event_actions', 'events', 'incidents', 'legal_holds', 'lines', 'masks', 'pending_deletes', 'recording_gaps', 'rules', 'segments', 'sessions', 'users', 'vigie_migrations', 'vigie_migrations_lock', 'webhook_deliveries', 'zones'],
    );
    await first.close();
    await first.close(); // closing twice is harmless
    expect(existsSync(join(dataDir, 'vigie.db'))).toBe(true);

    const second = await openDatabase({ dataDir });
    expect(second.migrated).toEqual([]);
    await second.close();
  });

  it('sets WAL, synchronous FULL, foreign keys and a busy timeout', async () => {
    const store = await openDatabase({ dataDir: tempDir() });
    const pragma = async (name: string) => {
      const { rows } = await sql<Record<string, unknown>>`${sql.raw(`pragma ${name}`)}`.execute(store.db);
      return Object.values(rows[0] ?? {})[0];
    };
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('synchronous')).toBe(2); // 2 = FULL
    expect(await pragma('foreign_keys')).toBe(1);
    expect(await pragma('busy_timeout')).toBe(5000);
    await store.close();
  });

  it('refuses an unreachable PostgreSQL with one line naming host:port/db, never the password', async () => {
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    const err = await openError({ dataDir: tempDir(), url: 'postgres://vigie:s3cret@127.0.0.1:1/vigie' });
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message).toBe('cannot reach PostgreSQL at 127.0.0.1:1/vigie: connection refused; is it running? check --db');
  });

  it('refuses a PostgreSQL schema name that is not a plain identifier', async () => {
    const err = await openError({ dataDir: tempDir(), url: 'postgres://vigie:s3cret@127.0.0.1:1/vigie?schema=a;drop' });
    expect(err.code).toBe('INVALID');
    expect(err.message).toContain('schema "a;drop"');
    expect(err.message).not.toContain('s3cret');
  });

  it('refuses an unknown URL scheme', async () => {
    const err = await openError({ dataDir: tempDir(), url: 'mysql://root:pw@host/db' });
    expect(err.code).toBe('UNSUPPORTED');
    expect(err.message).not.toContain('pw@');
  });

  it('opens sqlite:<path> URLs', async () => {
    const file = join(tempDir(), 'elsewhere', 'other.db');
    const store = await openDatabase({ dataDir: tempDir(), url: `sqlite:${file}` });
    expect(store.location).toBe(file);
    await store.close();
    expect(existsSync(file)).toBe(true);
  });

  it('gives a one-line error when the data folder cannot be used', async () => {
    const blocker = join(tempDir(), 'not-a-folder');
    writeFileSync(blocker, 'x');
    const err = await openError({ dataDir: join(blocker, 'data') });
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message).toContain(`cannot use data folder ${join(blocker, 'data')}`);
    expect(err.message).not.toContain('\n');
  });

  it('gives a one-line error when vigie.db is not a database', async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'vigie.db'), 'this is not sqlite, just some text that is long enough to have a header'.repeat(10));
    const err = await openError({ dataDir });
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message).toMatch(/^cannot open database .*vigie\.db: /);
    expect(err.message).not.toContain('\n');
  });

  it('refuses a database migrated by a newer Vigie, saying so', async () => {
    const dataDir = tempDir();
    const store = await openDatabase({ dataDir });
    await sql`insert into vigie_migrations (name, timestamp) values ('0099_future', '2030-01-01T00:00:00.000Z')`.execute(store.db);
    await store.close();
    const err = await openError({ dataDir });
    expect(err.code).toBe('MIGRATION_FAILED');
    expect(err.message).toContain('newer Vigie');
  });
});

describe('openDatabase on PostgreSQL', () => {
  const schemas: string[] = [];
  const schema = (): string => {
    const name = uniqueSchema('vigie_db');
    schemas.push(name);
    return name;
  };
  afterEach(async () => {
    for (const name of schemas.splice(0)) await dropSchema(name);
  });

  it('migrates a fresh schema, keeps the password out of location, and a re-open is a no-op', async () => {
    const name = schema();
    const url = pgUrl(name).replace('postgres://postgres@', 'postgres://postgres:s3cret@');
    const fresh = await openEngineStore('postgres', tempDir(), name);
    expect(fresh.migrated).toContain('0008_pending_deletes');
    await fresh.close();
    // The local test server trusts loopback, so the password is accepted and ignored.
    const first = await openDatabase({ dataDir: tempDir(), url });
    expect(first.engine).toBe('postgres');
    expect(first.location).toMatch(new RegExp(`^postgres://postgres@[^ ]+:\\d+/[^ ]+ \\(schema ${name}\\)$`));
    expect(first.location).not.toContain('s3cret');
    expect(first.migrated).toEqual([]);
    const tables = await first.db.introspection.getTables();
    expect(tables.filter((t) => t.schema === name).map((t) => t.name)).toContain('events');
    await first.close();
    await first.close(); // closing twice is harmless
  });

  it('migrates once when several processes open a fresh schema at the same time', async () => {
    const name = schema();
    const stores = await Promise.all([0, 1, 2].map(() => openDatabase({ dataDir: tempDir(), url: pgUrl(name) })));
    const applied = stores.map((s) => s.migrated.length).sort();
    expect(applied.slice(0, 2)).toEqual([0, 0]);
    expect(applied[2]).toBeGreaterThanOrEqual(9);
    for (const s of stores) await s.close();
  });

  it('returns counts and sums as numbers, like SQLite', async () => {
    const store = await openEngineStore('postgres', tempDir(), schema());
    const repos = createRepositories(store.db);
    await repos.users.create({ username: 'alice', displayName: 'Alice', role: 'operator', passwordHash: 'x' });
    expect(await repos.users.count()).toBe(1);
    const { rows } = await sql<{ n: unknown; s: unknown }>`select count(*) as n, sum(1::numeric) as s from users`.execute(store.db);
    expect(rows[0]).toEqual({ n: 1, s: 1 });
    await store.close();
  });

  it('refuses a database that does not sort text byte by byte (an ICU locale)', async () => {
    const admin = new pg.Client({ connectionString: TEST_PG_URL });
    await admin.connect();
    const db = uniqueSchema('vigie_icu');
    try {
      await admin.query(`create database ${db} template template0 locale_provider icu icu_locale 'fr-FR' locale 'C.UTF-8'`);
      const url = new URL(TEST_PG_URL);
      url.pathname = `/${db}`;
      const err = await openError({ dataDir: tempDir(), url: url.toString() });
      expect(err.code).toBe('UNAVAILABLE');
      expect(err.message).toContain(`PostgreSQL database postgres://postgres@${url.hostname}:${url.port || '5432'}/${db} does not sort text byte by byte`);
      expect(err.message).toContain('--locale=C.UTF-8');
    } finally {
      await admin.query(`drop database if exists ${db}`);
      await admin.end();
    }
  });

  it('refuses a schema migrated by a newer Vigie, saying so', async () => {
    const name = schema();
    const store = await openEngineStore('postgres', tempDir(), name);
    await sql`insert into vigie_migrations (name, timestamp) values ('0099_future', '2030-01-01T00:00:00.000Z')`.execute(store.db);
    await store.close();
    const err = await openError({ dataDir: tempDir(), url: pgUrl(name) });
    expect(err.code).toBe('MIGRATION_FAILED');
    expect(err.message).toContain('newer Vigie');
  });
});
