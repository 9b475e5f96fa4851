/**
 * Child process of store-restart.test.ts: writes an event and an action, prints
 * "committed" once both promises resolved (the moment the server would announce
 * them), then waits to be killed with SIGKILL, never closing the database
 * (SQLite in the data folder, or the database URL given after it).
 */
import { createRepositories, openDatabase } from '../../src/store/index.js';

const [dataDir, url] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: store-crash-writer.ts <dataDir> [database URL]');
const store = await openDatabase({ dataDir, ...(url ? { url } : {}) });
const repos = createRepositories(store.db);
const user = await repos.users.create({ username: 'night-op', displayName: 'Night operator', role: 'operator', passwordHash: 'h' });
await repos.events.upsert({
  id: 'crash-1', camera: 'gare', rule: 'r1', type: 'intrusion', severity: 'high', start: 1, end: null,
  start_time: '2026-03-01T02:00:00.000Z', track_ids: [1], classes: ['person'], box: [0.1, 0.1, 0.2, 0.4],
  score: 0.7, snapshot: null, clip: null, details: {},
});
await repos.events.applyAction('crash-1', { kind: 'ack', userId: user.id });
process.stdout.write('committed\n');
setInterval(() => undefined, 60_000);
