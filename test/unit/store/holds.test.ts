import { describe, expect, it } from 'vitest';
import type { NewLegalHold } from '../../../src/store/index.js';
import { refusal, STORE_ENGINES, storePerTest } from './helpers.js';

describe.each(STORE_ENGINES)('%s', (engine) => {
  const t = storePerTest(engine);

  const requisition = (overrides: Partial<NewLegalHold> = {}): NewLegalHold => ({
    caseRef: 'PV 2026/0142',
    authority: 'Parquet de Lyon',
    cameras: ['parvis-nord', 'hall'],
    from: '2026-02-27T21:00:00+01:00',
    to: '2026-02-27T23:00:00+01:00',
    until: null,
    note: 'agression signalée',
    by: 'dpo-1',
    ...overrides,
  });

  describe('legal holds', () => {
    it('creates a hold with times normalised to UTC, active until released, and audits it', async () => {
      const hold = await t.repos.holds.create(requisition());
      expect(hold).toMatchObject({
        caseRef: 'PV 2026/0142',
        authority: 'Parquet de Lyon',
        cameras: ['parvis-nord', 'hall'],
        from: '2026-02-27T20:00:00.000Z',
        to: '2026-02-27T22:00:00.000Z',
        until: null,
        note: 'agression signalée',
        createdAt: '2026-03-01T10:00:00.000Z',
        createdBy: 'dpo-1',
        releasedAt: null,
        status: 'active',
      });
      expect(await t.repos.holds.get(hold.id)).toEqual(hold);
      const [entry] = await t.repos.audit.list({ action: 'hold.create' });
      expect(entry).toMatchObject({
        actor: 'dpo-1',
        target: hold.id,
        details: { case_ref: 'PV 2026/0142', cameras: 'parvis-nord,hall', from: '2026-02-27T20:00:00.000Z', to: '2026-02-27T22:00:00.000Z', until: null },
      });
    });

    it('refuses a reversed or empty range, no camera, a missing case reference, an end date already past', async () => {
      const reversed = await refusal(t.repos.holds.create(requisition({ to: '2026-02-27T20:00:00Z' })));
      expect(reversed.code).toBe('INVALID');
      expect(reversed.message).toMatch(/to: the time range is empty or reversed/);
      expect((await refusal(t.repos.holds.create(requisition({ cameras: [] })))).message).toMatch(/cameras: name at least one camera/);
      expect((await refusal(t.repos.holds.create(requisition({ cameras: ['a', 'a'] })))).message).toMatch(/a camera is listed twice/);
      expect((await refusal(t.repos.holds.create(requisition({ caseRef: '  ' })))).message).toMatch(/caseRef: give the case reference/);
      expect((await refusal(t.repos.holds.create(requisition({ until: '2026-03-01T09:00:00Z' })))).message).toMatch(/until: the end date is already past/);
      expect((await refusal(t.repos.holds.create(requisition({ from: 'yesterday' })))).message).toMatch(/^legal hold: from:/);
      expect(await t.repos.holds.list()).toEqual([]);
      expect(await t.repos.audit.list()).toEqual([]);
    });

    it('releases a hold once, with who and why, audited; a second release or an unknown id is refused', async () => {
      const hold = await t.repos.holds.create(requisition());
      t.clock.advance(3_600_000);
      const released = await t.repos.holds.release(hold.id, { by: 'dpo-2', reason: 'classement sans suite' });
      expect(released).toMatchObject({ status: 'released', releasedAt: '2026-03-01T11:00:00.000Z', releasedBy: 'dpo-2', releaseReason: 'classement sans suite' });
      const [entry] = await t.repos.audit.list({ action: 'hold.release' });
      expect(entry).toMatchObject({ actor: 'dpo-2', target: hold.id, details: { case_ref: 'PV 2026/0142', cameras: 'parvis-nord,hall', reason: 'classement sans suite' } });
      const again = await refusal(t.repos.holds.release(hold.id, { by: 'dpo-2', reason: 'again' }));
      expect(again.code).toBe('CONFLICT');
      expect(again.message).toMatch(/legal hold .* \(case PV 2026\/0142\) was already released at 2026-03-01T11:00:00.000Z/);
      expect((await refusal(t.repos.holds.release('nope', { by: 'dpo-2', reason: 'x' }))).code).toBe('NOT_FOUND');
      expect((await refusal(t.repos.holds.release(hold.id, { by: 'dpo-2', reason: '' }))).message).toMatch(/give the reason/);
      expect(await t.repos.audit.verify()).toEqual({ ok: true, entries: 2 });
    });

    it('lists newest first and filters on whether a hold protects footage now (an end date lapses it)', async () => {
      const open = await t.repos.holds.create(requisition({ caseRef: 'open' }));
      t.clock.advance(1000);
      const dated = await t.repos.holds.create(requisition({ caseRef: 'dated', until: '2026-03-05T00:00:00Z' }));
      t.clock.advance(1000);
      const done = await t.repos.holds.create(requisition({ caseRef: 'done' }));
      await t.repos.holds.release(done.id, { by: 'dpo-1', reason: 'fini' });
      expect((await t.repos.holds.list()).map((h) => h.caseRef)).toEqual(['done', 'dated', 'open']);
      expect((await t.repos.holds.list({ active: true })).map((h) => h.id)).toEqual([dated.id, open.id]);
      t.clock.set('2026-03-05T00:00:00.000Z');
      expect((await t.repos.holds.list({ active: true })).map((h) => h.id)).toEqual([open.id]);
      expect((await t.repos.holds.get(dated.id))?.status).toBe('expired');
      expect((await t.repos.holds.list({ active: false })).map((h) => h.caseRef)).toEqual(['done', 'dated']);
    });
  });
});
