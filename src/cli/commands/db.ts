import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { copyStore, type CopySummary } from '../../store/copy.js';
import { SQLITE_FILE_NAME, openDatabase, type StoreDatabase } from '../../store/index.js';
import { UserError } from '../errors.js';
import type { DbCopyCliOptions, DbMigrateCliOptions } from '../main.js';
import { createCountProgress } from '../progress.js';

type Out = (line: string) => void;
const stdout: Out = (l) => void process.stdout.write(`${l}\n`);

/**
 * Opens the SQLite store `--from` names: a data folder (its vigie.db), a
 * `sqlite:` URL or a file. It must exist: the copy never creates an empty source.
 * Opening migrates it to this Vigie's schema, as `vigie start` would.
 */
async function openSource(from: string): Promise<StoreDatabase> {
  const path = resolve(from.startsWith('sqlite:') ? from.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '') : from);
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, SQLITE_FILE_NAME) : path;
  if (!existsSync(file)) throw new UserError(`--from ${from}: no SQLite database at ${file} (give the data folder, its vigie.db, or sqlite:<path>)`);
  return openDatabase({ dataDir: dirname(file), url: `sqlite:${file}` });
}

/** `vigie db copy`: copies a SQLite installation into an empty PostgreSQL store and prints what was copied. */
export async function runDbCopy(opts: DbCopyCliOptions, out: Out = stdout): Promise<CopySummary> {
  if (!/^postgres(ql)?:\/\//i.test(opts.to)) throw new UserError('--to must be a postgres:// URL (the copy writes to PostgreSQL)');
  const source = await openSource(opts.from);
  try {
    const target = await openDatabase({ dataDir: dirname(source.location), url: opts.to });
    try {
      let progress: ReturnType<typeof createCountProgress> | null = null;
      const summary = await copyStore(source, target, {
        onProgress(copied, total) {
          progress ??= createCountProgress('copy', total, 'rows');
          progress.update(copied);
        },
      }).finally(() => progress?.stop());
      if (opts.json) out(JSON.stringify(summary));
      else for (const line of formatCopySummary(summary)) out(line);
      return summary;
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

export function formatCopySummary(s: CopySummary): string[] {
  const width = Math.max(...s.tables.map((t) => t.table.length));
  return [
    `copied ${s.rows} rows in ${s.tables.length} tables from ${s.source} to ${s.target}`,
    ...s.tables.map((t) => `  ${t.table.padEnd(width)}  ${t.rows}`),
    `row counts checked; sequences advanced: ${s.sequences.join(', ') || 'none'}`,
    `audit chain verified on the target: ${s.audit.entries} entries`,
  ];
}

/** `vigie db migrate`: brings the database to this Vigie's schema and says what it applied. */
export async function runDbMigrate(opts: DbMigrateCliOptions, out: Out = stdout): Promise<readonly string[]> {
  const store = await openDatabase({ dataDir: resolve(opts.data), ...(opts.db ? { url: opts.db } : {}) });
  try {
    if (opts.json) out(JSON.stringify({ location: store.location, applied: store.migrated }));
    else if (store.migrated.length === 0) out(`${store.location}: schema already up to date`);
    else out(`${store.location}: applied ${store.migrated.join(', ')}`);
    return store.migrated;
  } finally {
    await store.close();
  }
}
