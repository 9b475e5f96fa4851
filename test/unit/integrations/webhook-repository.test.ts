import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isStoreError } from '../../../src/store/index.js';
import { createWebhookRepository, type NewDelivery, type WebhookRepository } from '../../../src/store/webhook-repository.js';
import { openTestStore, STORE_ENGINES, type TestStore } from '../store/helpers.js';

/** The webhook outbox on both engines: dedup, claims with a lease, results, dead letters, paging. */
describe.each(STORE_ENGINES)('%s', (engine) => {
  let t: TestStore;
  let repo: WebhookRepository;
  let ids = 0;
  beforeEach(async () => {
    t = await openTestStore(engine);
    repo = createWebhookRepository(t.store.db, { now: t.clock, newId: () => `d-${String(++ids).padStart(4, '0')}` });
  });
  afterEach(async () => {
    await t.dispose();
  });

  const delivery = (over: Partial<NewDelivery> = {}): NewDelivery => ({
    webhookId: 'dispatch', eventId: 'ev-1', changeKey: 'opened', change: 'opened', camera: 'parvis', eventType: 'intrusion', payload: '{"a":1}', maxAttempts: 3, ...over,
  });
  const code = async (p: Promise<unknown>): Promise<string> => p.then(() => 'ok', (err: unknown) => (isStoreError(err) ? err.code : String(err)));

  it('queues a change once per webhook, whoever offers it again', async () => {
    expect(await repo.enqueue([delivery(), delivery({ webhookId: 'other' })])).toBe(2);
    expect(await repo.enqueue([delivery(), delivery({ changeKey: 'closed', change: 'closed' })])).toBe(1);
    expect((await repo.list()).items.map((d) => `${d.webhookId}/${d.change}`).sort()).toEqual(['dispatch/closed', 'dispatch/opened', 'other/opened']);
  });

  it('lets one claimer take a due row until its lease lapses, and refuses a result from a lost claim', async () => {
    await repo.enqueue([delivery()]);
    const [first] = await repo.claimDue(['dispatch'], 10, 30_000);
    expect(first).toMatchObject({ payload: '{"a":1}', attempts: 0, status: 'pending' });
    expect(await repo.claimDue(['dispatch'], 10, 30_000)).toEqual([]);
    expect(await repo.claimDue(['other'], 10, 30_000)).toEqual([]);
    t.clock.advance(31_000);
    const [second] = await repo.claimDue(['dispatch'], 10, 30_000);
    expect(second?.id).toBe(first?.id);
    // The first claimer comes back late: its result is ignored.
    expect(await repo.complete(first?.id ?? '', first?.claimToken ?? '', { outcome: 'delivered', status: 200 })).toBe(false);
    const next = new Date(t.clock() + 10_000).toISOString();
    expect(await repo.complete(second?.id ?? '', second?.claimToken ?? '', { outcome: 'retry', status: 503, error: 'HTTP 503: busy', nextAttemptAt: next })).toBe(true);
    expect(await repo.get(first?.id ?? '')).toMatchObject({ status: 'pending', attempts: 1, lastStatus: 503, lastError: 'HTTP 503: busy', nextAttemptAt: next });
    expect(await repo.claimDue(['dispatch'], 10, 30_000)).toEqual([]);
    t.clock.advance(10_000);
    const [third] = await repo.claimDue(['dispatch'], 10, 30_000);
    expect(await repo.complete(third?.id ?? '', third?.claimToken ?? '', { outcome: 'retry', status: null, error: 'x'.repeat(1000), nextAttemptAt: null })).toBe(true);
    const dead = await repo.get(first?.id ?? '');
    expect(dead).toMatchObject({ status: 'dead', attempts: 2, lastStatus: null });
    expect(dead?.lastError).toHaveLength(300);
    expect((await repo.counts()).get('dispatch')).toEqual({ pending: 0, delivered: 0, dead: 1, discarded: 0 });
  });

  it('retries or discards only a dead letter, auditing who did it', async () => {
    await repo.enqueue([delivery(), delivery({ eventId: 'ev-2' })]);
    const claimed = await repo.claimDue(['dispatch'], 10, 30_000);
    for (const d of claimed) await repo.complete(d.id, d.claimToken, { outcome: 'dead', status: 400, error: 'HTTP 400', nextAttemptAt: null });
    const [a, b] = claimed;
    expect(await repo.retry(a?.id ?? '', 'admin-1')).toMatchObject({ status: 'pending', attempts: 1 });
    expect(await code(repo.retry(a?.id ?? '', 'admin-1'))).toBe('CONFLICT');
    expect(await repo.discard(b?.id ?? '', 'admin-1')).toMatchObject({ status: 'discarded' });
    expect(await code(repo.discard('missing', 'admin-1'))).toBe('NOT_FOUND');
    const audit = await t.repos.audit.list();
    expect(audit.map((e) => [e.action, e.actor, e.target])).toEqual([['webhook.discard', 'admin-1', b?.id], ['webhook.retry', 'admin-1', a?.id]]);
    expect(await t.repos.audit.verify()).toMatchObject({ ok: true });
    expect((await repo.claimDue(['dispatch'], 10, 30_000)).map((d) => d.id)).toEqual([a?.id]);
  });

  it('pages newest first, filters by status, and purges old finished rows', async () => {
    for (let i = 0; i < 5; i += 1) {
      await repo.enqueue([delivery({ eventId: `ev-${i}` })]);
      t.clock.advance(1000);
    }
    const first = await repo.list({ limit: 2 });
    expect(first.items.map((d) => d.eventId)).toEqual(['ev-4', 'ev-3']);
    const second = await repo.list({ limit: 2, cursor: first.nextCursor ?? '' });
    expect(second.items.map((d) => d.eventId)).toEqual(['ev-2', 'ev-1']);
    const third = await repo.list({ limit: 2, cursor: second.nextCursor ?? '' });
    expect(third).toEqual({ items: [expect.objectContaining({ eventId: 'ev-0' })], nextCursor: null });
    expect(await code(repo.list({ cursor: 'garbage' }))).toBe('INVALID');
    const [d] = await repo.claimDue(['dispatch'], 1, 30_000);
    await repo.complete(d?.id ?? '', d?.claimToken ?? '', { outcome: 'delivered', status: 204 });
    expect((await repo.list({ status: 'delivered' })).items.map((x) => x.id)).toEqual([d?.id]);
    expect(await repo.purgeFinished(new Date(t.clock() - 1).toISOString())).toBe(0);
    t.clock.advance(1000);
    expect(await repo.purgeFinished(new Date(t.clock()).toISOString())).toBe(1);
    expect((await repo.list()).items).toHaveLength(4);
  });
});
