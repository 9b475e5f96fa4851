import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventActionInput, User } from '../../../src/store/index.js';
import { makeEvent, openTestStore, STORE_ENGINES, type TestStore } from './helpers.js';

describe.each(STORE_ENGINES)('%s', (engine) => {
  let t: TestStore;
  let op: User;
  let sup: User;
  beforeEach(async () => {
    t = await openTestStore(engine);
    op = await t.repos.users.create({ username: 'op', displayName: 'Operator', role: 'operator', passwordHash: 'h' });
    sup = await t.repos.users.create({ username: 'sup', displayName: 'Supervisor', role: 'supervisor', passwordHash: 'h' });
    await t.repos.events.upsert(makeEvent({ id: 'ev-1' }));
  });
  afterEach(async () => {
    await t.dispose();
  });

  async function actionCount(): Promise<number> {
    const { rows } = await sql<{ n: number }>`select count(*) as n from event_actions`.execute(t.store.db);
    return rows[0]?.n ?? -1;
  }

  describe('event repository: actions', () => {
    it('ack, qualify, dispatch and note update the event and build its timeline', async () => {
      t.clock.set('2026-03-01T10:00:05.000Z');
      const acked = await t.repos.events.applyAction('ev-1', { kind: 'ack', userId: op.id });
      expect(acked.action).toEqual({ id: 1, eventId: 'ev-1', kind: 'ack', value: null, note: null, userId: op.id, createdAt: '2026-03-01T10:00:05.000Z' });
      expect(acked.stored).toMatchObject({ acknowledgedAt: '2026-03-01T10:00:05.000Z', acknowledgedBy: op.id, qualification: null });

      t.clock.set('2026-03-01T10:00:09.000Z');
      const again = await t.repos.events.applyAction('ev-1', { kind: 'ack', userId: sup.id });
      expect(again.stored).toMatchObject({ acknowledgedAt: '2026-03-01T10:00:05.000Z', acknowledgedBy: op.id }); // the first ack is kept

      t.clock.set('2026-03-01T10:00:10.000Z');
      const qualified = await t.repos.events.applyAction('ev-1', { kind: 'qualify', value: 'true_alert', userId: op.id, note: 'person on the track' });
      expect(qualified.stored).toMatchObject({ qualification: 'true_alert', qualifiedAt: '2026-03-01T10:00:10.000Z', qualifiedBy: op.id });
      const requalified = await t.repos.events.applyAction('ev-1', { kind: 'qualify', value: 'duplicate', userId: sup.id });
      expect(requalified.stored).toMatchObject({ qualification: 'duplicate', qualifiedBy: sup.id });

      const dispatched = await t.repos.events.applyAction('ev-1', { kind: 'dispatch', value: 'patrol-3', userId: op.id });
      expect(dispatched.stored).toMatchObject({ dispatchedAt: '2026-03-01T10:00:10.000Z', dispatchedBy: op.id });
      await t.repos.events.applyAction('ev-1', { kind: 'note', note: 'patrol on site', userId: op.id });

      const timeline = await t.repos.events.actions('ev-1');
      expect(timeline.map((a) => [a.id, a.kind, a.value, a.note, a.userId])).toEqual([
        [1, 'ack', null, null, op.id],
        [2, 'ack', null, null, sup.id],
        [3, 'qualify', 'true_alert', 'person on the track', op.id],
        [4, 'qualify', 'duplicate', null, sup.id],
        [5, 'dispatch', 'patrol-3', null, op.id],
        [6, 'note', null, 'patrol on site', op.id],
      ]);
      expect(await t.repos.events.actions('other')).toEqual([]);
    });

    it('qualifying or dispatching an unacknowledged event acknowledges it; a note does not', async () => {
      await t.repos.events.upsert(makeEvent({ id: 'ev-2' }));
      await t.repos.events.upsert(makeEvent({ id: 'ev-3' }));
      expect((await t.repos.events.applyAction('ev-1', { kind: 'note', note: 'hm', userId: op.id })).stored.acknowledgedAt).toBeNull();
      expect((await t.repos.events.applyAction('ev-2', { kind: 'qualify', value: 'false_alarm', userId: op.id })).stored.acknowledgedBy).toBe(op.id);
      expect((await t.repos.events.applyAction('ev-3', { kind: 'dispatch', userId: sup.id })).stored.acknowledgedBy).toBe(sup.id);
    });

    it('an action on an unknown event fails with NOT_FOUND and leaves nothing behind', async () => {
      await expect(t.repos.events.applyAction('nope', { kind: 'ack', userId: op.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(await actionCount()).toBe(0);
    });

    it('an action by an unknown user is rolled back as a whole: the event is not acknowledged', async () => {
      // The repository updates the event before inserting the action: only the transaction undoes the update.
      await expect(t.repos.events.applyAction('ev-1', { kind: 'qualify', value: 'true_alert', userId: 'ghost' })).rejects.toMatchObject({
        code: 'NOT_FOUND', message: expect.stringContaining('ghost') as unknown,
      });
      const stored = await t.repos.events.get('ev-1');
      expect(stored).toMatchObject({ acknowledgedAt: null, qualification: null, updatedAt: stored?.recordedAt });
      expect(await actionCount()).toBe(0);
    });

    it('refuses malformed actions with INVALID naming the field', async () => {
      const bad = [
        { kind: 'qualify', value: 'maybe', userId: op.id },
        { kind: 'note', note: '   ', userId: op.id },
        { kind: 'delete', userId: op.id },
        { kind: 'ack', userId: '' },
      ] as unknown as EventActionInput[];
      for (const action of bad) await expect(t.repos.events.applyAction('ev-1', action)).rejects.toMatchObject({ code: 'INVALID' });
      expect(await actionCount()).toBe(0);
    });
  });
});
