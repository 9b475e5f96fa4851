import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreError, openDatabase } from '../../../src/store/index.js';

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
    expect(first.migrated).toEqual(['0001_initial', '0002_rule_catalogue', '0003_counts', '0004_recording', '0005_access_requests', '0006_count_occurrence', '0007_trial_reports', '0008_pending_deletes']);
    const tables = await first.db.introspection.getTables();
    expect(tables.map((t) => t.name).sort()).toEqual(
      ['access_requests', 'audit_log', 'camera_uptime', 'cameras', 'config_versions', 'counts', 'event_actions', 'events', 'incidents', 'legal_holds', 'lines', 'masks', 'pending_deletes', 'recording_gaps', 'rules', 'segments', 'sessions', 'users', 'vigie_migrations', 'vigie_migrations_lock', 'zones'],
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

  it('refuses postgres:// with a clear "not supported yet (issue 10)" error that does not echo the URL', async () => {
    const err = await openError({ dataDir: tempDir(), url: 'postgres://vigie:s3cret@db.local/vigie' });
    expect(err.code).toBe('UNSUPPORTED');
    expect(err.message).toContain('not supported yet (issue 10)');
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
