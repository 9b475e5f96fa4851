import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { anchorAuditLog } from '../../src/audit/anchor.js';
import { runAuditVerify } from '../../src/cli/commands/audit.js';
import { keyFingerprint, loadInstanceKey } from '../../src/evidence/instance-key.js';
import { auditHash, type AuditDetails } from '../../src/store/audit-repository.js';
import { createRepositories, type Repositories, type StoreDatabase } from '../../src/store/index.js';
import { runVigie } from '../helpers/cli.js';
import { STORE_ENGINES, dropSchema, openEngineStore, pgUrl, uniqueSchema, type StoreEngine } from '../unit/store/helpers.js';

let engine: StoreEngine = 'sqlite';
let dir = '';
let schema = '';
let store: StoreDatabase;
let repos: Repositories;

/** `--db` of the store under test: none for SQLite in the data folder, the schema's URL on PostgreSQL. */
const dbFlag = (): { db?: string } => (engine === 'postgres' ? { db: pgUrl(schema) } : {});
const dbArgs = (): string[] => (engine === 'postgres' ? ['--db', pgUrl(schema)] : []);

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-audit-'));
  schema = uniqueSchema('vigie_audit');
  store = await openEngineStore(engine, dir, schema);
  repos = createRepositories(store.db);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  if (engine === 'postgres') await dropSchema(schema);
});

/** Three entries, an anchor over the third (seq 4), one more entry (seq 5). */
async function seed(): Promise<void> {
  await repos.audit.append({ actor: 'u-1', action: 'auth.login', target: 'u-1', details: { username: 'alice', ip: '10.0.0.7' } });
  await repos.audit.append({ actor: 'u-1', action: 'recording.view', target: 'parvis', details: { from: '2026-11-28T10:00:00.000Z', to: '2026-11-28T11:00:00.000Z' } });
  await repos.audit.append({ actor: 'u-2', action: 'hold.create', target: 'hold-1', details: { case_ref: 'PV 2026/0142' } });
  expect(await anchorAuditLog(repos.audit, await loadInstanceKey(dir))).toMatchObject({ seq: 4, action: 'audit.anchor', target: '3' });
  await repos.audit.append({ actor: 'system', action: 'retention.run', details: { segments: 0 } });
}

async function verify(extra: { key?: string } = {}): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await runAuditVerify({ data: dir, ...dbFlag(), ...extra }, (l) => lines.push(l));
  return { code, lines };
}

/** What someone with write access to the database would do: rewrite every hash from `seq` on so that the chain checks out again. */
async function rechainFrom(seq: number): Promise<void> {
  const rows = await store.db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
  let prev = rows.find((r) => r.seq === seq - 1)?.hash ?? '0'.repeat(64);
  for (const row of rows.filter((r) => r.seq >= seq)) {
    const hash = auditHash(prev, { seq: row.seq, at: row.at, actor: row.actor, action: row.action, target: row.target, details: JSON.parse(row.details) as AuditDetails });
    await store.db.updateTable('audit_log').set({ prev_hash: prev, hash }).where('seq', '=', row.seq).execute();
    prev = hash;
  }
}

describe.each(STORE_ENGINES)('vigie audit verify (%s)', (name) => {
  beforeAll(() => {
    engine = name;
  });

  it('passes an intact trail, counting entries and verified anchors', async () => {
    await seed();
    expect(await verify()).toEqual({ code: 0, lines: ['audit log intact: 5 entries, 1 anchors verified'] });
  });

  it('names an edited entry', async () => {
    await seed();
    await sql`update audit_log set details = '{"case_ref":"PV 2026/9999"}' where seq = 3`.execute(store.db);
    const { code, lines } = await verify();
    expect(code).toBe(1);
    expect(lines).toContain('  first bad entry: entry 3 was edited: its content no longer matches its hash');
  });

  it('names a deleted entry as a missing seq', async () => {
    await seed();
    await sql`delete from audit_log where seq = 2`.execute(store.db);
    const { code, lines } = await verify();
    expect(code).toBe(1);
    expect(lines).toContain('  first bad entry: entry 2 is missing (deleted)');
  });

  it('names reordered entries (two rows swapped their seq)', async () => {
    await seed();
    await sql`update audit_log set seq = -1 where seq = 2`.execute(store.db);
    await sql`update audit_log set seq = 2 where seq = 3`.execute(store.db);
    await sql`update audit_log set seq = 3 where seq = -1`.execute(store.db);
    const { code, lines } = await verify();
    expect(code).toBe(1);
    expect(lines).toContain('  first bad entry: entry 2 is out of order: it was written as entry 3 (rows were reordered)');
  });

  it('catches a chain rewritten from an edited entry on, through the signed anchor', async () => {
    await seed();
    await sql`update audit_log set details = '{"username":"mallory","ip":"10.0.0.7"}' where seq = 1`.execute(store.db);
    await rechainFrom(1);
    expect((await repos.audit.verify()).ok).toBe(true); // the chain alone no longer shows it
    const { code, lines } = await verify();
    expect(code).toBe(1);
    expect(lines).toEqual(['audit log NOT intact (5 entries, 0 anchors verified):', '  anchor 4: entry 3 no longer has the hash it was anchored with (the chain was rewritten up to it)']);
  });

  it('refuses an anchor whose signature was forged, or made with another key', async () => {
    await seed();
    const forged = JSON.stringify({ seq: 3, hash: 'f'.repeat(64), signature: Buffer.alloc(64, 7).toString('base64'), key_fingerprint: (await loadInstanceKey(dir)).fingerprint });
    await sql`update audit_log set details = ${forged} where seq = 4`.execute(store.db);
    await rechainFrom(4);
    expect((await verify()).lines).toContain('  anchor 4: its signature does not verify (the anchor was forged or edited)');

    const other = generateKeyPairSync('ed25519').publicKey;
    const otherFile = join(dir, 'other.pub.pem');
    writeFileSync(otherFile, other.export({ type: 'spki', format: 'pem' }));
    const { code, lines } = await verify({ key: otherFile });
    expect(code).toBe(1);
    expect(lines.join('\n')).toContain(`not by this instance's key ${keyFingerprint(other)}`);
  });

  it('checks anchors against a public key kept apart (--key), and says when it has none', async () => {
    await seed();
    const key = await loadInstanceKey(dir);
    const kept = join(dir, 'kept.pub.pem');
    writeFileSync(kept, key.publicKeyPem);
    rmSync(join(dir, 'keys'), { recursive: true });
    expect((await verify({ key: kept })).code).toBe(0);
    const { code, lines } = await verify();
    expect(code).toBe(1);
    expect(lines).toContain('  anchor 4: cannot check its signature without the instance public key (pass --key <pem>, or restore <data>/keys)');
  });

  it('does not anchor twice in a row, nor an empty trail', async () => {
    expect(await anchorAuditLog(repos.audit, () => loadInstanceKey(dir))).toBeNull();
    await seed();
    await anchorAuditLog(repos.audit, () => loadInstanceKey(dir));
    expect(await anchorAuditLog(repos.audit, () => loadInstanceKey(dir))).toBeNull();
    expect((await repos.audit.list({ action: 'audit.anchor' })).map((e) => e.details.seq)).toEqual([5, 3]);
  });

  it('exits 0 or 1 from the real command line', async () => {
    await seed();
    const ok = await runVigie(['audit', 'verify', '--data', dir, ...dbArgs()]);
    expect(ok).toMatchObject({ code: 0, stdout: 'audit log intact: 5 entries, 1 anchors verified\n' });
    await sql`delete from audit_log where seq = 5`.execute(store.db);
    await sql`update audit_log set actor = 'u-9' where seq = 2`.execute(store.db);
    const bad = await runVigie(['audit', 'verify', '--data', dir, ...dbArgs()]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('first bad entry: entry 2 was edited');
  }, 30_000);
});
