import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfigFile } from '../../config/load.js';
import { emptyConfig, type VigieConfig } from '../../config/schema.js';
import { createSnapshotCatalog, formatRetentionSummary, runRetention } from '../../recording/retention-run.js';
import { createSegmentIndex } from '../../recording/segment-index.js';
import { createRepositories, openDatabase } from '../../store/index.js';
import { UserError } from '../errors.js';
import type { RetentionRunCliOptions } from '../main.js';

/** `vigie retention run`: applies retention once (or plans it with --dry-run) and prints the summary. */
export async function runRetentionCommand(opts: RetentionRunCliOptions, out: (line: string) => void = (l) => void process.stdout.write(`${l}\n`)): Promise<void> {
  let now: number | undefined;
  if (opts.now !== undefined) {
    now = Date.parse(opts.now);
    if (!/(Z|[+-]\d{2}:\d{2})$/.test(opts.now) || Number.isNaN(now)) throw new UserError(`--now must be an ISO 8601 time with a time zone, e.g. 2026-03-11T10:00:00Z (got "${opts.now}")`);
  }
  const fileConfig: VigieConfig | null = opts.config ? loadConfigFile(opts.config) : null;
  const dataDir = resolve(opts.data);
  const store = await openDatabase({ dataDir, ...(opts.db ? { url: opts.db } : {}) });
  try {
    const repos = createRepositories(store.db);
    const summary = await runRetention(
      {
        segments: createSegmentIndex(store.db),
        holds: repos.holds,
        snapshots: createSnapshotCatalog(store.db),
        audit: repos.audit,
        // --config decides the retention of this run only; without it, the configuration in force (database).
        config: async () => fileConfig ?? (await repos.config.current())?.config ?? emptyConfig(),
        recordingsDir: join(dataDir, 'recordings'),
        snapshotDir: join(dataDir, 'snapshots'),
      },
      { ...(now !== undefined ? { now } : {}), dryRun: opts.dryRun === true, trigger: `cli:${osUser()}` },
    );
    if (opts.json) {
      out(JSON.stringify(summary));
    } else {
      for (const line of formatRetentionSummary(summary, { items: opts.dryRun === true })) out(line);
    }
    if (summary.errors.length > 0 || summary.alert?.level === 'critical') process.exitCode = 1;
  } finally {
    await store.close();
  }
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
