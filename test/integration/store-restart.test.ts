import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfigYaml } from '../../src/config/load.js';
import { createRepositories, sessionTokenHash } from '../../src/store/index.js';
import { STORE_ENGINES, dropSchema, makeEvent, openEngineStore, openTestStore, pgUrl, uniqueSchema, type TestStore } from '../unit/store/helpers.js';

describe.each(STORE_ENGINES)('store restart persistence (%s)', (engine) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await openTestStore(engine);
  });
  afterEach(async () => {
    await t.dispose();
  });

  it('keeps events, their actions, users, sessions and config across a close and re-open of the same folder', async () => {
    const op = await t.repos.users.create({ username: 'op', displayName: 'Op', role: 'operator', passwordHash: 'h' });
    const version = await t.repos.config.save(parseConfigYaml('cameras: [{ id: gare, source: /v.mp4 }]'), { userId: op.id, comment: 'c' });
    const events = [
      makeEvent({ id: 'e1', end: 14 }),
      makeEvent({ id: 'e2', severity: 'low', type: 'line_crossing', clip: { from: '2026-03-01T09:59:55.000Z', to: '2026-03-01T10:00:05.000Z' } }),
    ];
    for (const e of events) await t.repos.events.upsert(e);
    await t.repos.events.applyAction('e1', { kind: 'qualify', value: 'false_alarm', userId: op.id, note: 'shadow' });
    await t.repos.events.applyAction('e1', { kind: 'note', note: 'camera needs cleaning', userId: op.id });
    await t.repos.sessions.create({ tokenHash: sessionTokenHash('tok'), userId: op.id, expiresAt: '2026-03-02T10:00:00Z', csrfToken: 'c' });

    const before = {
      page: await t.repos.events.list(),
      timeline: await t.repos.events.actions('e1'),
      users: await t.repos.users.list(),
      config: await t.repos.config.current(),
    };

    await t.reopen();
    expect(t.store.migrated).toEqual([]);
    expect(await t.repos.events.list()).toEqual(before.page);
    expect((await t.repos.events.get('e1'))?.event).toEqual(events[0]);
    expect((await t.repos.events.get('e2'))?.event).toEqual(events[1]);
    expect(await t.repos.events.actions('e1')).toEqual(before.timeline);
    expect(before.timeline).toHaveLength(2);
    expect(await t.repos.users.list()).toEqual(before.users);
    expect(await t.repos.sessions.find(sessionTokenHash('tok'))).not.toBeNull();
    expect(await t.repos.config.current()).toEqual(before.config);
    expect(before.config?.version).toBe(version);

    // Numbering carries on after the restart.
    const next = await t.repos.events.applyAction('e2', { kind: 'ack', userId: op.id });
    expect(next.action.id).toBe(3);
  });
});

describe.each(STORE_ENGINES)('store crash durability (%s)', (engine) => {
  const dirs: string[] = [];
  const schema = uniqueSchema('vigie_crash');
  afterEach(async () => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    if (engine === 'postgres') await dropSchema(schema);
  });

  it('an event and its action whose writes resolved survive a SIGKILL of the writing process', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigie-store-crash-'));
    dirs.push(dataDir);
    const script = fileURLToPath(new URL('./store-crash-writer.ts', import.meta.url));
    const urlArg = engine === 'postgres' ? [pgUrl(schema)] : [];
    const child = spawn(process.execPath, ['--import', 'tsx', script, dataDir, ...urlArg], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('committed\n')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`writer exited (${code}) before committing: ${stderr}`)));
    });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const store = await openEngineStore(engine, dataDir, schema);
    try {
      const repos = createRepositories(store.db);
      const stored = await repos.events.get('crash-1');
      expect(stored).toMatchObject({ status: 'open', acknowledgedAt: expect.any(String) as unknown });
      expect((await repos.events.actions('crash-1')).map((a) => a.kind)).toEqual(['ack']);
    } finally {
      await store.close();
    }
  });
});
