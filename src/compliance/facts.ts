/**
 * Reads what the compliance report needs from the database: the configuration
 * in force and a few counts. The only I/O of the report; the model is pure.
 */
import { ANCHOR_ACTION } from '../audit/anchor.js';
import { ROLES, type Role } from '../auth/roles.js';
import { emptyConfig, type VigieConfig } from '../config/schema.js';
import type { Repositories } from '../store/index.js';
import type { ComplianceFacts, ComplianceInput } from './model.js';

export async function readComplianceFacts(repos: Pick<Repositories, 'users' | 'holds' | 'audit'>): Promise<ComplianceFacts> {
  const counts = await Promise.all(ROLES.map((role) => repos.users.count({ role, disabled: false })));
  const activeAccounts = Object.fromEntries(ROLES.map((role, i) => [role, counts[i] ?? 0])) as Record<Role, number>;
  const [latest] = await repos.audit.list({ limit: 1 });
  const [anchor] = await repos.audit.list({ action: ANCHOR_ACTION, limit: 1 });
  return {
    activeAccounts,
    activeHolds: (await repos.holds.list({ active: true })).length,
    // Sequence numbers start at 1 without gaps (verified by `vigie audit verify`): the latest one is the count.
    audit: { entries: latest?.seq ?? 0, lastAnchorAt: anchor?.at ?? null },
  };
}

/**
 * Everything `buildComplianceReport` takes: the configuration in force (or
 * `fileConfig`, from `--config`), the database facts, the time and version.
 */
export async function readComplianceInput(
  repos: Pick<Repositories, 'config' | 'users' | 'holds' | 'audit'>,
  options: { readonly nowMs: number; readonly version: string; readonly file?: { readonly path: string; readonly config: VigieConfig } },
): Promise<ComplianceInput> {
  const facts = await readComplianceFacts(repos);
  if (options.file) {
    return { config: options.file.config, configSource: { version: null, savedAt: null, file: options.file.path }, facts, nowMs: options.nowMs, version: options.version };
  }
  const current = await repos.config.current();
  return {
    config: current?.config ?? emptyConfig(),
    configSource: { version: current?.version ?? null, savedAt: current?.createdAt ?? null },
    facts,
    nowMs: options.nowMs,
    version: options.version,
  };
}
