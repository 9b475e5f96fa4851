/**
 * Several processes writing one PostgreSQL store at once (2+ API nodes), as two
 * stores with a pool each on the same schema: read-then-write transactions must
 * neither fail on a unique key nor lose a change. PostgreSQL only: a SQLite
 * store has one writing process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { createRepositories, type Repositories, type StoreDatabase, type User } from '../../../src/store/index.js';
import { dropSchema, fakeClock, makeEvent, openEngineStore, uniqueSchema } from './helpers.js';

const EVENTS = 40;

describe('concurrent writers on one PostgreSQL store', () => {
  let dir = '';
  let schema = '';
  let stores: StoreDatabase[] = [];
  let a: Repositories;
  let b: Repositories;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-concurrency-'));
    schema = uniqueSchema('vigie_conc');
    // One after the other: the first creates and migrates the schema.
    stores = [await openEngineStore('postgres', dir, schema)];
    stores.push(await openEngineStore('postgres', dir, schema));
    const clock = fakeClock();
    a = createRepositories(stores[0]!.db, { now: clock });
    b = createRepositories(stores[1]!.db, { now: clock });
  });
  afterEach(async () => {
    for (const s of stores) await s.close();
    rmSync(dir, { recursive: true, force: true });
    await dropSchema(schema);
  });

  it('stores each event once when two nodes upsert the same events at the same time', async () => {
    const events = Array.from({ length: EVENTS }, (_, i) => makeEvent({ id: `ev-${i}` }));
    const results = await Promise.all(events.flatMap((e) => [a.events.upsert(e), b.events.upsert(e)]));
    expect(results.filter((r) => r.change === 'created')).toHaveLength(EVENTS);
    expect(results.filter((r) => r.change === 'unchanged')).toHaveLength(EVENTS);
    expect((await a.events.list({ limit: 500 })).total).toBe(EVENTS);

    // Then both store the close of each event: one update each, the other sees it done.
    const closed = events.map((e) => ({ ...e, end: 30 }));
    const second = await Promise.all(closed.flatMap((e) => [a.events.upsert(e), b.events.upsert(e)]));
    expect(second.filter((r) => r.change === 'updated')).toHaveLength(EVENTS);
    expect(second.filter((r) => r.change === 'unchanged')).toHaveLength(EVENTS);
    expect((await b.events.list({ status: 'closed', limit: 500 })).total).toBe(EVENTS);
  });

  it('keeps the first acknowledgement when two operators act on one event at once', async () => {
    const op: User = await a.users.create({ username: 'op', displayName: 'Operator', role: 'operator', passwordHash: 'h' });
    const sup: User = await a.users.create({ username: 'sup', displayName: 'Supervisor', role: 'supervisor', passwordHash: 'h' });
    const events = Array.from({ length: EVENTS / 2 }, (_, i) => makeEvent({ id: `act-${i}` }));
    for (const e of events) await a.events.upsert(e);
    await Promise.all(
      events.flatMap((e) => [a.events.applyAction(e.id, { kind: 'ack', userId: op.id }), b.events.applyAction(e.id, { kind: 'qualify', value: 'true_alert', userId: sup.id })]),
    );
    for (const e of events) {
      const [first] = await a.events.actions(e.id);
      const stored = await a.events.get(e.id);
      // Whoever came first acknowledged; the other's action did not overwrite it.
      expect(stored).toMatchObject({ acknowledgedBy: first!.userId, qualification: 'true_alert', qualifiedBy: sup.id });
    }
  });

  it('appends one unbroken audit chain when two nodes write entries at the same time', async () => {
    await Promise.all(
      Array.from({ length: EVENTS }, (_, i) => (i % 2 === 0 ? a : b).audit.append({ actor: 'system', action: 'test.append', target: String(i) })),
    );
    expect(await b.audit.verify()).toEqual({ ok: true, entries: EVENTS });
  });

  it('numbers configuration versions without a gap or a clash when two nodes save at once', async () => {
    const user = await a.users.create({ username: 'admin', displayName: 'Admin', role: 'admin', passwordHash: 'h' });
    const config = parseConfig({ cameras: [] }, 'test config');
    const versions = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? a : b).config.save(config, { userId: user.id })));
    expect([...versions].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
