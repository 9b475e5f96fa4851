import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { oneMonthAfter, type NewAccessRequest } from '../../../src/store/index.js';
import { refusal, STORE_ENGINES, storePerTest } from './helpers.js';

describe.each(STORE_ENGINES)('%s', (engine) => {
  const t = storePerTest(engine);

  const request = (overrides: Partial<NewAccessRequest> = {}): NewAccessRequest => ({
    receivedAt: '2026-02-27T09:30:00+01:00',
    requesterRef: 'courrier 2026-017',
    contact: 'réponse par courrier',
    camera: 'parvis-nord',
    from: '2026-02-26T14:00:00+01:00',
    to: '2026-02-26T14:10:00+01:00',
    description: 'veste rouge, traverse vers le métro à 14:02',
    by: 'dpo-1',
    ...overrides,
  });

  /** Makes every audit append fail, as a full disk or a broken chain would. */
  async function breakAudit(): Promise<void> {
    if (engine === 'sqlite') {
      await sql`CREATE TRIGGER audit_down BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log unavailable'); END`.execute(t.store.db);
      return;
    }
    await sql`CREATE FUNCTION audit_down() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit log unavailable'; END $$`.execute(t.store.db);
    await sql`CREATE TRIGGER audit_down BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_down()`.execute(t.store.db);
  }

  describe('access requests', () => {
    it('creates an open request due one calendar month after receipt, times in UTC, and audits it without the requester', async () => {
      const item = await t.repos.accessRequests.create(request());
      expect(item).toMatchObject({
        receivedAt: '2026-02-27T08:30:00.000Z',
        dueAt: '2026-03-27T08:30:00.000Z',
        from: '2026-02-26T13:00:00.000Z',
        to: '2026-02-26T13:10:00.000Z',
        status: 'open',
        answeredAt: null,
        exportId: null,
        createdBy: 'dpo-1',
        createdAt: '2026-03-01T10:00:00.000Z',
        overdue: false,
      });
      expect(await t.repos.accessRequests.get(item.id)).toEqual(item);
      const audit = await t.repos.audit.list();
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actor: 'dpo-1', action: 'access_request.create', target: item.id, details: { camera: 'parvis-nord', due_at: '2026-03-27T08:30:00.000Z' } });
      // The audit log outlives the request: it never holds who asked nor how to recognise them.
      const logged = JSON.stringify(audit[0]);
      expect(logged).not.toContain('2026-017');
      expect(logged).not.toContain('veste');
      expect(logged).not.toContain('courrier');
    });

    it('computes due dates on the last day of a shorter month', () => {
      expect(oneMonthAfter('2026-01-31T10:00:00.000Z')).toBe('2026-02-28T10:00:00.000Z');
      expect(oneMonthAfter('2028-01-31T10:00:00.000Z')).toBe('2028-02-29T10:00:00.000Z');
      expect(oneMonthAfter('2026-12-15T23:59:00.000Z')).toBe('2027-01-15T23:59:00.000Z');
    });

    it('refuses ranges longer than an hour, reversed ranges, future receipts and empty fields, naming each', async () => {
      const long = await refusal(t.repos.accessRequests.create(request({ to: '2026-02-26T15:00:01+01:00' })));
      expect(long).toMatchObject({ code: 'INVALID' });
      expect(long.message).toMatch(/to: the time range is longer than 1 hour/);
      expect((await refusal(t.repos.accessRequests.create(request({ to: '2026-02-26T13:59:00+01:00' })))).message).toMatch(/to: the time range is empty or reversed/);
      expect((await refusal(t.repos.accessRequests.create(request({ receivedAt: '2026-03-05T10:00:00Z' })))).message).toMatch(/receivedAt: the date of receipt is in the future/);
      expect((await refusal(t.repos.accessRequests.create(request({ requesterRef: ' ' })))).message).toMatch(/requesterRef: give the requester reference/);
      expect(await t.repos.accessRequests.list()).toEqual([]);
      expect(await t.repos.audit.list()).toEqual([]);
    });

    it('is overdue once the due date passes while open, and lists open requests first by due date', async () => {
      const older = await t.repos.accessRequests.create(request({ receivedAt: '2026-02-01T10:00:00Z' }));
      const newer = await t.repos.accessRequests.create(request({ receivedAt: '2026-02-20T10:00:00Z' }));
      const closed = await t.repos.accessRequests.create(request({ receivedAt: '2026-02-25T10:00:00Z' }));
      await t.repos.accessRequests.close(closed.id, { status: 'withdrawn', by: 'dpo-1' });
      expect((await t.repos.accessRequests.list()).map((r) => r.id)).toEqual([older.id, newer.id, closed.id]);
      expect((await t.repos.accessRequests.list({ status: 'open' })).map((r) => r.id)).toEqual([older.id, newer.id]);
      expect((await t.repos.accessRequests.get(older.id))?.overdue).toBe(true); // due 2026-03-01T10:00Z: now
      expect((await t.repos.accessRequests.get(newer.id))?.overdue).toBe(false);
      t.clock.set('2026-03-20T10:00:00Z');
      expect((await t.repos.accessRequests.get(newer.id))?.overdue).toBe(true);
      expect((await t.repos.accessRequests.get(closed.id))?.overdue).toBe(false);
    });

    it('records an export, then answers once; a closed request cannot change again', async () => {
      const item = await t.repos.accessRequests.create(request());
      t.clock.advance(3_600_000);
      const exported = await t.repos.accessRequests.attachExport(item.id, { exportId: 'ev-20260301T110000Z-0123abcd', subjectKept: true, by: 'dpo-1' });
      expect(exported).toMatchObject({ exportId: 'ev-20260301T110000Z-0123abcd', status: 'open', updatedAt: '2026-03-01T11:00:00.000Z' });
      const answered = await t.repos.accessRequests.close(item.id, { status: 'answered', note: 'envoyé par courrier recommandé', by: 'dpo-1' });
      expect(answered).toMatchObject({ status: 'answered', answeredAt: '2026-03-01T11:00:00.000Z', answerNote: 'envoyé par courrier recommandé', exportId: 'ev-20260301T110000Z-0123abcd' });

      const again = await refusal(t.repos.accessRequests.close(item.id, { status: 'withdrawn', by: 'dpo-1' }));
      expect(again.code).toBe('CONFLICT');
      expect(again.message).toMatch(/already answered/);
      expect((await refusal(t.repos.accessRequests.attachExport(item.id, { exportId: 'ev-x', subjectKept: false, by: 'dpo-1' }))).code).toBe('CONFLICT');
      expect((await refusal(t.repos.accessRequests.close('nope', { status: 'answered', by: 'dpo-1' }))).code).toBe('NOT_FOUND');

      const audit = await t.repos.audit.list();
      expect(audit.map((e) => e.action)).toEqual(['access_request.answer', 'access_request.export', 'access_request.create']);
      expect(audit[0]).toMatchObject({ target: item.id, details: { late: false, export_id: 'ev-20260301T110000Z-0123abcd', note: true } });
      expect(audit[1]).toMatchObject({ details: { subject_kept: true, export_id: 'ev-20260301T110000Z-0123abcd' } });
      expect(JSON.stringify(audit[0])).not.toContain('recommandé');
    });

    it('needs a note to refuse, and audits a late answer as late', async () => {
      const item = await t.repos.accessRequests.create(request());
      const bare = await refusal(t.repos.accessRequests.close(item.id, { status: 'refused', by: 'dpo-1' }));
      expect(bare).toMatchObject({ code: 'INVALID' });
      expect(bare.message).toMatch(/note: say why the request is refused/);
      t.clock.set('2026-04-01T10:00:00Z');
      const refused = await t.repos.accessRequests.close(item.id, { status: 'refused', note: 'demande manifestement infondée', by: 'dpo-2' });
      expect(refused).toMatchObject({ status: 'refused', answerNote: 'demande manifestement infondée', overdue: false });
      expect((await t.repos.audit.list())[0]).toMatchObject({ actor: 'dpo-2', action: 'access_request.refuse', details: { late: true } });
    });

    it('writes each change and its audit entry in one transaction: when the audit fails, nothing changes', async () => {
      const item = await t.repos.accessRequests.create(request());
      await breakAudit();
      await expect(t.repos.accessRequests.create(request({ requesterRef: 'autre' }))).rejects.toThrow(/audit log unavailable/);
      await expect(t.repos.accessRequests.close(item.id, { status: 'answered', by: 'dpo-1' })).rejects.toThrow(/audit log unavailable/);
      await expect(t.repos.accessRequests.attachExport(item.id, { exportId: 'ev-y', subjectKept: false, by: 'dpo-1' })).rejects.toThrow(/audit log unavailable/);
      expect((await t.repos.accessRequests.list()).map((r) => [r.id, r.status, r.exportId])).toEqual([[item.id, 'open', null]]);
    });

    it('keeps requests across a restart', async () => {
      const item = await t.repos.accessRequests.create(request({ contact: null }));
      await t.reopen();
      expect(await t.repos.accessRequests.get(item.id)).toMatchObject({ id: item.id, contact: null, status: 'open' });
    });
  });
});
