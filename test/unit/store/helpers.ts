import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VigieEvent } from '../../../src/contracts/event.js';
import { createRepositories, openDatabase, type Repositories, type StoreDatabase } from '../../../src/store/index.js';

/** A clock tests move by hand. */
export interface FakeClock {
  (): number;
  set(iso: string): void;
  advance(ms: number): void;
}

export function fakeClock(startIso = '2026-03-01T10:00:00.000Z'): FakeClock {
  let t = Date.parse(startIso);
  const clock = (() => t) as FakeClock;
  clock.set = (iso) => {
    t = Date.parse(iso);
  };
  clock.advance = (ms) => {
    t += ms;
  };
  return clock;
}

/** A store in a fresh temp folder (a real SQLite file), with repositories on a fake clock. */
export interface TestStore {
  readonly dir: string;
  readonly clock: FakeClock;
  store: StoreDatabase;
  repos: Repositories;
  /** Closes and reopens the database from the same folder, as a restart would. */
  reopen(): Promise<void>;
  dispose(): Promise<void>;
}

export async function openTestStore(): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-store-'));
  const clock = fakeClock();
  let n = 0;
  const newId = () => `user-${++n}`;
  const store = await openDatabase({ dataDir: dir });
  const t: TestStore = {
    dir,
    clock,
    store,
    repos: createRepositories(store.db, { now: clock, newId }),
    async reopen() {
      await t.store.close();
      t.store = await openDatabase({ dataDir: dir });
      t.repos = createRepositories(t.store.db, { now: clock, newId });
    },
    async dispose() {
      await t.store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return t;
}

/** An event in the contract shape, with every field set; override what a test varies. */
export function makeEvent(overrides: Partial<VigieEvent> = {}): VigieEvent {
  return {
    id: 'ev-1',
    camera: 'parvis-nord',
    rule: 'r1',
    type: 'intrusion',
    severity: 'high',
    start: 12.4,
    end: null,
    start_time: '2026-03-01T10:00:00.000Z',
    track_ids: [17],
    classes: ['person'],
    box: [0.41, 0.22, 0.12, 0.2],
    score: 0.83,
    snapshot: null,
    clip: null,
    details: { zone: 'voie-1' },
    ...overrides,
  };
}
