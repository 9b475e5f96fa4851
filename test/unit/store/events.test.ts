import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import type { VigieEvent } from '../../../src/contracts/event.js';
import type { EventFilter } from '../../../src/store/index.js';
import { makeEvent, STORE_ENGINES, storePerTest } from './helpers.js';

describe.each(STORE_ENGINES)('%s', (engine) => {
  const t = storePerTest(engine);

  describe('event repository: upsert', () => {
    it('round-trips every field of an event exactly', async () => {
      const open = makeEvent();
      const closed = makeEvent({
        id: 'ev-2', type: 'line_crossing', severity: 'low', rule: 'r3', start: 3.141, end: 4.5,
        start_time: '2026-03-01T10:00:03.141+01:00', track_ids: [3, 4], classes: ['car', 'object'],
        box: [0, 0.1234, 0.9999, 0.5], score: 1, snapshot: 'snapshots/ev-2.jpg',
        clip: { from: '2026-03-01T09:00:00.000Z', to: '2026-03-01T09:00:10.000Z' },
        details: { direction: 'a_to_b', occurrences: 2, hit: true, nothing: null },
      });
      await t.repos.events.upsert(open);
      await t.repos.events.upsert(closed);
      expect((await t.repos.events.get('ev-1'))?.event).toEqual(open);
      expect((await t.repos.events.get('ev-2'))?.event).toEqual(closed);
      expect(await t.repos.events.get('missing')).toBeNull();
    });

    it('stores a batch of changes in order in one call, keeping rows a write may not overwrite', async () => {
      await t.repos.events.upsert(makeEvent({ id: 'old', end: 9 }));
      const results = await t.repos.events.upsertMany([
        { event: makeEvent({ id: 'a' }) },
        { event: makeEvent({ id: 'b' }) },
        { event: makeEvent({ id: 'a', score: 0.9 }) },
        { event: makeEvent({ id: 'a', score: 0.9, end: 20 }) },
        { event: makeEvent({ id: 'b' }) },
        // a replayed old change must not reopen a closed event
        { event: makeEvent({ id: 'old', end: null }), applies: (stored) => stored.event.end === null },
      ]);
      expect(results.map((r) => r.change)).toEqual(['created', 'created', 'updated', 'updated', 'unchanged', 'unchanged']);
      expect(results[3]?.stored.event).toMatchObject({ id: 'a', score: 0.9, end: 20 });
      expect((await t.repos.events.get('a'))?.event).toMatchObject({ score: 0.9, end: 20 });
      expect((await t.repos.events.get('b'))?.status).toBe('open');
      expect((await t.repos.events.get('old'))?.event.end).toBe(9);
      expect(await t.repos.events.upsertMany([])).toEqual([]);
    });

    it('is idempotent on id through opened -> updated -> closed, and keeps handling state', async () => {
      const opened = makeEvent();
      const first = await t.repos.events.upsert(opened);
      expect(first.change).toBe('created');
      expect(first.stored).toMatchObject({ status: 'open', recordedAt: '2026-03-01T10:00:00.000Z', acknowledgedAt: null });

      t.clock.advance(1000);
      expect((await t.repos.events.upsert(opened)).change).toBe('unchanged');

      const user = await t.repos.users.create({ username: 'op', displayName: 'Op', role: 'operator', passwordHash: 'h' });
      await t.repos.events.applyAction('ev-1', { kind: 'ack', userId: user.id });

      t.clock.advance(1000);
      const updated = await t.repos.events.upsert(makeEvent({ box: [0.5, 0.2, 0.1, 0.2], score: 0.9 }));
      expect(updated.change).toBe('updated');
      expect(updated.stored).toMatchObject({ status: 'open', updatedAt: '2026-03-01T10:00:02.000Z', acknowledgedBy: user.id });

      const closed = await t.repos.events.upsert(makeEvent({ box: [0.5, 0.2, 0.1, 0.2], score: 0.9, end: 20 }));
      expect(closed.change).toBe('updated');
      expect(closed.stored.status).toBe('closed');
      expect(closed.stored.recordedAt).toBe('2026-03-01T10:00:00.000Z');
      expect(closed.stored.acknowledgedAt).toBe('2026-03-01T10:00:01.000Z');
      expect((await t.repos.events.list()).total).toBe(1);
    });

    it('reports a corrupted row as CORRUPT, naming the event and the column', async () => {
      await t.repos.events.upsert(makeEvent());
      await sql`update events set box = '[1,2]' where id = 'ev-1'`.execute(t.store.db);
      await expect(t.repos.events.get('ev-1')).rejects.toMatchObject({ code: 'CORRUPT', message: expect.stringContaining('event "ev-1" box') as unknown });
    });

    it('refuses events that would not round-trip, naming the field', async () => {
      await expect(t.repos.events.upsert(makeEvent({ score: Number.NaN }))).rejects.toMatchObject({ code: 'INVALID', message: expect.stringContaining('score') as unknown });
      await expect(t.repos.events.upsert(makeEvent({ start_time: 'yesterday' }))).rejects.toMatchObject({ code: 'INVALID', message: expect.stringContaining('start_time') as unknown });
      await expect(t.repos.events.upsert({ ...makeEvent(), face: 'no' } as VigieEvent)).rejects.toMatchObject({ code: 'INVALID' });
      expect((await t.repos.events.list()).total).toBe(0);
    });
  });

  /*
   * Hand-made queue. Expected order (severity high > medium > low, then newest
   * start_time first, then id):
   *   high:   b (10:05), e (10:05, after b by id), a (10:00)
   *   medium: c (10:10), f (09:00)
   *   low:    g (10:30), d (10:20)
   */
  const QUEUE: readonly VigieEvent[] = [
    makeEvent({ id: 'a', severity: 'high', camera: 'cam1', type: 'intrusion', start_time: '2026-03-01T10:00:00.000Z' }),
    makeEvent({ id: 'b', severity: 'high', camera: 'cam2', type: 'wrong_way', start_time: '2026-03-01T10:05:00.000Z' }),
    makeEvent({ id: 'c', severity: 'medium', camera: 'cam1', type: 'intrusion', start_time: '2026-03-01T10:10:00.000Z' }),
    makeEvent({ id: 'd', severity: 'low', camera: 'cam1', type: 'line_crossing', start_time: '2026-03-01T10:20:00.000Z' }),
    // Same instant as b, written with a time zone offset.
    makeEvent({ id: 'e', severity: 'high', camera: 'cam1', type: 'intrusion', start_time: '2026-03-01T11:05:00+01:00' }),
    makeEvent({ id: 'f', severity: 'medium', camera: 'cam2', type: 'line_crossing', start_time: '2026-03-01T09:00:00.000Z', end: 99 }),
    makeEvent({ id: 'g', severity: 'low', camera: 'cam2', type: 'line_crossing', start_time: '2026-03-01T10:30:00.000Z' }),
  ];

  describe('event repository: list', () => {
    beforeEach(async () => {
      for (const e of QUEUE) await t.repos.events.upsert(e);
    });

    const ids = async (filter: EventFilter = {}) => (await t.repos.events.list(filter)).items.map((s) => s.event.id);

    it('orders by severity, then newest start time, then id', async () => {
      const page = await t.repos.events.list();
      expect(page.items.map((s) => s.event.id)).toEqual(['b', 'e', 'a', 'c', 'f', 'g', 'd']);
      expect(page.total).toBe(7);
      expect(page.nextCursor).toBeNull();
    });

    it('pages with a cursor ([b,e,a] [c,f,g] [d]), stable when a new event arrives between pages', async () => {
      const p1 = await t.repos.events.list({ limit: 3 });
      expect(p1.items.map((s) => s.event.id)).toEqual(['b', 'e', 'a']);
      expect(p1.total).toBe(7);
      expect(p1.nextCursor).not.toBeNull();

      await t.repos.events.upsert(makeEvent({ id: 'new', severity: 'high', start_time: '2026-03-01T11:00:00.000Z' }));

      const p2 = await t.repos.events.list({ limit: 3, cursor: p1.nextCursor! });
      expect(p2.items.map((s) => s.event.id)).toEqual(['c', 'f', 'g']);
      expect(p2.total).toBe(8);
      const p3 = await t.repos.events.list({ limit: 3, cursor: p2.nextCursor! });
      expect(p3.items.map((s) => s.event.id)).toEqual(['d']);
      expect(p3.nextCursor).toBeNull();
    });

    it('pages with an offset', async () => {
      expect(await ids({ limit: 3, offset: 3 })).toEqual(['c', 'f', 'g']);
      expect(await ids({ limit: 3, offset: 6 })).toEqual(['d']);
      expect(await ids({ limit: 3, offset: 9 })).toEqual([]);
    });

    it('filters by camera, type, status and start_time range (from inclusive, to exclusive)', async () => {
      expect(await ids({ camera: 'cam1' })).toEqual(['e', 'a', 'c', 'd']);
      expect(await ids({ type: 'line_crossing' })).toEqual(['f', 'g', 'd']);
      expect(await ids({ status: 'closed' })).toEqual(['f']);
      expect(await ids({ status: 'open' })).toEqual(['b', 'e', 'a', 'c', 'g', 'd']);
      expect(await ids({ from: '2026-03-01T10:05:00Z', to: '2026-03-01T10:20:00Z' })).toEqual(['b', 'e', 'c']);
      expect(await ids({ from: '2026-03-01T11:05:00+01:00', camera: 'cam1', type: 'intrusion' })).toEqual(['e', 'c']);
      const page = await t.repos.events.list({ camera: 'cam2', limit: 1 });
      expect(page.total).toBe(3);
    });

    it('filters by handling state', async () => {
      const op = await t.repos.users.create({ username: 'op', displayName: 'Op', role: 'operator', passwordHash: 'h' });
      await t.repos.events.applyAction('a', { kind: 'ack', userId: op.id });
      await t.repos.events.applyAction('g', { kind: 'qualify', value: 'false_alarm', userId: op.id });
      await t.repos.events.applyAction('c', { kind: 'note', note: 'looked at it', userId: op.id });
      expect(await ids({ status: 'acknowledged' })).toEqual(['a', 'g']);
      expect(await ids({ status: 'unacknowledged' })).toEqual(['b', 'e', 'c', 'f', 'd']);
      expect(await ids({ status: 'qualified' })).toEqual(['g']);
    });

    it('rejects bad paging and time arguments', async () => {
      await expect(t.repos.events.list({ cursor: 'garbage' })).rejects.toMatchObject({ code: 'INVALID' });
      await expect(t.repos.events.list({ limit: 0 })).rejects.toMatchObject({ code: 'INVALID' });
      await expect(t.repos.events.list({ limit: 10_000 })).rejects.toMatchObject({ code: 'INVALID' });
      await expect(t.repos.events.list({ offset: 1, cursor: 'x' })).rejects.toMatchObject({ code: 'INVALID' });
      await expect(t.repos.events.list({ from: '2026-03-01 10:00' })).rejects.toMatchObject({ code: 'INVALID', message: expect.stringContaining('from') as unknown });
    });
  });
});
