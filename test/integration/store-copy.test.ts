/**
 * `vigie db copy`: a SQLite store filled through the repositories, copied into a
 * fresh PostgreSQL schema, reads back the same through the repositories there.
 * Needs the test PostgreSQL server (VIGIE_TEST_PG); fails saying so when it is down.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDbCopy, runDbMigrate } from '../../src/cli/commands/db.js';
import { parseConfigYaml } from '../../src/config/load.js';
import { createSegmentIndex, type Segment } from '../../src/recording/segment-index.js';
import { copyOrder } from '../../src/store/copy.js';
import { createRepositories, isStoreError, openDatabase, sessionTokenHash, type Repositories, type StoreDatabase } from '../../src/store/index.js';
import { runVigie } from '../helpers/cli.js';
import { dropSchema, fakeClock, makeEvent, openEngineStore, pgUrl, uniqueSchema } from '../unit/store/helpers.js';

const CONFIG = parseConfigYaml(`
cameras:
  - id: parvis-nord
    source: rtsp://10.0.0.5/stream1
    masks: [ [[0,0],[0.2,0],[0.2,0.3],[0,0.3]] ]
    zones:
      - id: quai
        polygon: [[0,0],[1,0],[1,0.2]]
    lines:
      - id: entree
        points: [[0.2,0.5],[0.8,0.5]]
    rules:
      - { id: r1, type: intrusion, zone: quai, classes: [person], min_duration_s: 1 }
      - { id: r3, type: line_crossing, line: entree, direction: a_to_b }
`);

const segment = (i: number): Segment => {
  const start = new Date(Date.UTC(2026, 2, 1, 10, i));
  return {
    id: `seg-${i}`,
    camera: 'parvis-nord',
    start: start.toISOString(),
    end: new Date(start.getTime() + 60_000).toISOString(),
    durationS: 60,
    bytes: 1_000_000 + i,
    sha256: String(i % 10).repeat(64),
    path: `parvis-nord/seg-${i}.ts`,
    createdAt: start.toISOString(),
  };
};

/** Everything a running Vigie writes, through the repositories; more rows than one copy batch in `events`. */
async function fill(repos: Repositories, store: StoreDatabase): Promise<void> {
  const admin = await repos.users.create({ username: 'admin', displayName: 'Admin', role: 'admin', passwordHash: '$argon2id$x' });
  const op = await repos.users.create({ username: 'op', displayName: 'Opératrice', role: 'operator', passwordHash: '$argon2id$y' });
  await repos.sessions.create({ tokenHash: sessionTokenHash('token-1'), userId: op.id, expiresAt: '2026-03-02T10:00:00.000Z', csrfToken: 'csrf', ip: '10.0.0.7', userAgent: 'Firefox' });
  await repos.config.save(CONFIG, { userId: admin.id, comment: 'first' });
  await repos.config.save(CONFIG, { userId: null, comment: 'again' });
  for (let i = 0; i < 620; i += 1) {
    await repos.events.upsert(makeEvent({ id: `ev-${String(i).padStart(4, '0')}`, start_time: new Date(Date.UTC(2026, 2, 1, 10, 0, i)).toISOString(), severity: i % 3 === 0 ? 'high' : 'low' }));
  }
  await repos.events.applyAction('ev-0001', { kind: 'ack', userId: op.id });
  await repos.events.applyAction('ev-0001', { kind: 'qualify', value: 'true_alert', userId: op.id, note: 'personne sur la voie' });
  await repos.events.applyAction('ev-0002', { kind: 'note', note: 'caméra floue', userId: admin.id });
  await repos.counts.add('parvis-nord', [
    { ruleId: 'comptage', bucketStartMs: Date.UTC(2026, 2, 1, 10), bucketS: 300, kind: 'crossing', target: 'entree', cls: 'person', direction: 'a_to_b', value: 3, peak: 3, frames: 100 },
    { ruleId: 'comptage', bucketStartMs: Date.UTC(2026, 2, 1, 10), bucketS: 300, kind: 'occupancy', target: 'quai', cls: 'person', direction: null, value: 1.5, peak: 4, frames: 100 },
  ]);
  const segments = createSegmentIndex(store.db);
  for (let i = 0; i < 5; i += 1) await segments.add(segment(i));
  await segments.addGap({ camera: 'parvis-nord', start: '2026-03-01T10:05:00.000Z', end: '2026-03-01T10:06:00.000Z', reason: 'stream lost' });
  await segments.intendDelete([{ refId: 'seg-0', path: 'parvis-nord/seg-0.ts' }], 'retention', '2026-03-01T11:00:00.000Z');
  const hold = await repos.holds.create({ caseRef: 'PV 2026/0142', authority: 'Parquet de Lyon', cameras: ['parvis-nord'], from: '2026-03-01T10:00:00Z', to: '2026-03-01T11:00:00Z', until: null, by: admin.id });
  await repos.holds.release(hold.id, { reason: 'affaire classée', by: admin.id });
  await repos.holds.create({ caseRef: 'PV 2026/0150', authority: 'Police', cameras: ['parvis-nord'], from: '2026-03-01T10:00:00Z', to: '2026-03-01T10:30:00Z', until: null, by: admin.id });
  await repos.accessRequests.create({ receivedAt: '2026-03-01T09:30:00Z', requesterRef: 'courrier 17', camera: 'parvis-nord', from: '2026-03-01T10:00:00Z', to: '2026-03-01T10:10:00Z', description: 'veste rouge', by: admin.id });
  const span = await repos.uptime.open('parvis-nord', '2026-03-01T10:00:00.000Z');
  await repos.uptime.extend(span, '2026-03-01T11:00:00.000Z');
  await repos.incidents.create({ occurredAt: '2026-03-01T10:20:00Z', camera: 'parvis-nord', type: 'intrusion', description: 'personne sur la voie', eventId: 'ev-0001', by: op.id });
  await repos.audit.append({ actor: op.id, action: 'recording.view', target: 'parvis-nord', details: { from: '2026-03-01T10:00:00.000Z' } });
}

/** What each repository reads back, for comparing two stores. */
async function readAll(repos: Repositories, store: StoreDatabase): Promise<unknown> {
  const segments = createSegmentIndex(store.db);
  const events = [];
  for (let cursor: string | null | undefined; ; ) {
    const page = await repos.events.list({ limit: 100, shadow: 'include', ...(cursor ? { cursor } : {}) });
    events.push(...page.items);
    cursor = page.nextCursor;
    if (cursor === null) break;
  }
  const users = await repos.users.list();
  return {
    users,
    sessions: await repos.sessions.find(sessionTokenHash('token-1')),
    config: await repos.config.current(),
    history: await repos.config.history(),
    cameras: await repos.config.cameras(),
    zones: await repos.config.zones(),
    lines: await repos.config.lines(),
    masks: await repos.config.masks(),
    rules: await repos.config.rules(),
    events,
    actions: [await repos.events.actions('ev-0001'), await repos.events.actions('ev-0002')],
    counts: await repos.counts.list({ camera: 'parvis-nord', from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z' }),
    segments: await segments.list({ camera: 'parvis-nord' }),
    gaps: await segments.gaps({ camera: 'parvis-nord' }),
    pendingDeletes: await segments.pendingDeletes(),
    usage: [...(await segments.usage())],
    holds: await repos.holds.list(),
    accessRequests: await repos.accessRequests.list(),
    incidents: await repos.incidents.list(),
    audit: await repos.audit.list({ limit: 1000 }),
    reportCameras: await repos.reports.eventCameras(),
  };
}

describe('vigie db copy (SQLite -> PostgreSQL)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-copy-'));
  const schema = uniqueSchema('vigie_copy');
  const clock = fakeClock();
  let expected: unknown;

  beforeAll(async () => {
    const source = await openDatabase({ dataDir: dir });
    await fill(createRepositories(source.db, { now: clock }), source);
    expected = await readAll(createRepositories(source.db, { now: clock }), source);
    await source.close();
  }, 60_000);
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await dropSchema(schema);
  });

  it('copies every table, then the repositories on PostgreSQL read what they read on SQLite', async () => {
    const lines: string[] = [];
    const summary = await runDbCopy({ from: dir, to: pgUrl(schema) }, (l) => lines.push(l));
    expect(summary.tables.find((t) => t.table === 'events')?.rows).toBe(620);
    expect(summary.tables.findIndex((t) => t.table === 'users')).toBeLessThan(summary.tables.findIndex((t) => t.table === 'event_actions'));
    expect(summary.sequences).toEqual(expect.arrayContaining(['event_actions.id', 'recording_gaps.id', 'pending_deletes.id']));
    expect(summary.audit).toMatchObject({ ok: true });
    expect(lines[0]).toMatch(new RegExp(`^copied ${summary.rows} rows in ${summary.tables.length} tables from .*vigie\\.db to postgres://postgres@.* \\(schema ${schema}\\)$`));
    expect(lines.at(-1)).toBe(`audit chain verified on the target: ${summary.audit.entries} entries`);

    const target = await openEngineStore('postgres', dir, schema);
    try {
      const repos = createRepositories(target.db, { now: clock });
      expect((expected as { history: unknown[] }).history).toHaveLength(2);
      expect((expected as { events: unknown[] }).events).toHaveLength(620);
      expect(await readAll(repos, target)).toEqual(expected);
      // The sequences moved past the copied keys: new rows get fresh ids.
      const [op] = (await repos.users.list()).filter((u) => u.username === 'op');
      const { action } = await repos.events.applyAction('ev-0003', { kind: 'ack', userId: op!.id });
      expect(action.id).toBe(4);
      expect((await repos.audit.verify()).ok).toBe(true);
    } finally {
      await target.close();
    }
  }, 60_000);

  it('refuses a target that already has rows, and changes nothing there', async () => {
    const err = await runDbCopy({ from: dir, to: pgUrl(schema) }, () => undefined).catch((e: unknown) => e);
    expect(isStoreError(err, 'CONFLICT')).toBe(true);
    expect((err as Error).message).toMatch(/^target postgres:\/\/.* is not empty \(table \w+ has rows\): copy into a new schema/);
  });

  it('refuses a source that does not exist instead of copying an empty store', async () => {
    await expect(runDbCopy({ from: join(dir, 'nowhere'), to: pgUrl(schema) }, () => undefined)).rejects.toThrow(/no SQLite database at .*nowhere/);
  });

  it('runs from the real command line, with --json, and db migrate says the schema is current', async () => {
    const fresh = uniqueSchema('vigie_copy');
    try {
      const res = await runVigie(['db', 'copy', '--from', join(dir, 'vigie.db'), '--to', pgUrl(fresh), '--json']);
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      const printed = JSON.parse(res.stdout) as { rows: number; audit: { ok: boolean } };
      expect(printed.rows).toBeGreaterThan(620);
      expect(printed.audit.ok).toBe(true);
      const lines: string[] = [];
      expect(await runDbMigrate({ data: dir, db: pgUrl(fresh) }, (l) => lines.push(l))).toEqual([]);
      expect(lines).toEqual([expect.stringMatching(/: schema already up to date$/)]);
    } finally {
      await dropSchema(fresh);
    }
  }, 30_000);
});

describe('copy order', () => {
  it('puts referenced tables first, and refuses a cycle', () => {
    expect(copyOrder(['event_actions', 'events', 'users', 'zones', 'cameras', 'config_versions'], [
      ['event_actions', 'events'], ['event_actions', 'users'], ['zones', 'cameras'], ['cameras', 'config_versions'], ['config_versions', 'users'],
    ])).toEqual(['events', 'users', 'config_versions', 'event_actions', 'cameras', 'zones']);
    expect(() => copyOrder(['a', 'b'], [['a', 'b'], ['b', 'a']])).toThrow(/cycle between a, b/);
  });
});
