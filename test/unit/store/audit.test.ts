import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { AUDIT_GENESIS_HASH, auditHash } from '../../../src/store/audit-repository.js';
import { STORE_ENGINES, storePerTest } from './helpers.js';

describe.each(STORE_ENGINES)('%s', (engine) => {
  const t = storePerTest(engine);

  describe('audit log', () => {
    const appendThree = async (): Promise<void> => {
      await t.repos.audit.append({ actor: 'system', action: 'retention.run', details: { segments: 12, bytes: 3_000_000, dry_run: false } });
      t.clock.advance(1000);
      await t.repos.audit.append({ actor: 'u-1', action: 'hold.create', target: 'hold-1', details: { case_ref: 'PV 2026/123' } });
      t.clock.advance(1000);
      await t.repos.audit.append({ actor: 'u-1', action: 'hold.release', target: 'hold-1' });
    };

    it('chains each entry to the one before, from a fixed genesis', async () => {
      await appendThree();
      const [release, create, run] = await t.repos.audit.list();
      expect(run).toMatchObject({ seq: 1, actor: 'system', action: 'retention.run', prevHash: AUDIT_GENESIS_HASH, at: '2026-03-01T10:00:00.000Z' });
      expect(create?.prevHash).toBe(run?.hash);
      expect(release?.prevHash).toBe(create?.hash);
      expect(release && auditHash(release.prevHash, release)).toBe(release?.hash);
      expect(await t.repos.audit.verify()).toEqual({ ok: true, entries: 3 });
    });

    it('filters by action and actor, newest first', async () => {
      await appendThree();
      expect((await t.repos.audit.list({ actor: 'u-1' })).map((e) => e.action)).toEqual(['hold.release', 'hold.create']);
      expect((await t.repos.audit.list({ action: 'retention.run' })).map((e) => e.seq)).toEqual([1]);
    });

    it('detects an edited entry, a deleted one and a rewritten tail', async () => {
      await appendThree();
      await sql`update audit_log set details = '{"case_ref":"PV 2026/999"}' where seq = 2`.execute(t.store.db);
      expect(await t.repos.audit.verify()).toMatchObject({ ok: false, brokenAt: 2 });

      await sql`update audit_log set details = '{"case_ref":"PV 2026/123"}' where seq = 2`.execute(t.store.db);
      expect((await t.repos.audit.verify()).ok).toBe(true);
      await sql`delete from audit_log where seq = 2`.execute(t.store.db);
      expect(await t.repos.audit.verify()).toMatchObject({ ok: false, brokenAt: 2, reason: 'entry 2 is missing' });
    });

    it('refuses details that are not scalars', async () => {
      await expect(t.repos.audit.append({ actor: 'system', action: 'x', details: { nested: { a: 1 } } as never })).rejects.toMatchObject({ code: 'INVALID' });
    });
  });
});
