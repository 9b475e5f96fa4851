/**
 * API nodes (`vigie start --role api`) as child processes for the cluster tests,
 * with a logged-in WebSocket client each, and the PostgreSQL schema they share.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { WebSocket } from 'ws';
import type { LiveMessage } from '../../src/server/live-hub.js';
import { freePort } from './bus-nats-server.js';

const BIN = fileURLToPath(new URL('../../bin/vigie.js', import.meta.url));
export const PG_BASE = process.env.VIGIE_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
export const ADMIN_PASSWORD = 'Cluster-test-password-2026!';

export interface ApiNodeProcess {
  readonly url: string;
  readonly proc: ChildProcess;
  log(): string;
  kill(signal: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

/** Starts `vigie start --role api` and waits until it serves. */
export async function startApiNodeProcess(options: { readonly nats: string; readonly db: string; readonly nodeId: string; readonly dataDir: string; readonly port?: number }): Promise<ApiNodeProcess> {
  const port = options.port ?? (await freePort());
  const proc = spawn(process.execPath, [BIN, 'start', '--role', 'api', '--nats', options.nats, '--db', options.db, '--node-id', options.nodeId, '--data', options.dataDir, '--port', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, VIGIE_ADMIN_PASSWORD: ADMIN_PASSWORD },
  });
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`API node ${options.nodeId} did not start within 30 s:\n${log}`)), 30_000);
    proc.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
      const match = /console at (http:\/\/\S+?)\/ /.exec(log);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`API node ${options.nodeId} exited with ${code}:\n${log}`));
    });
  });
  return {
    url,
    proc,
    log: () => log,
    async kill(signal) {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      proc.kill(signal);
      await exited;
    },
  };
}

export const OPERATOR = { username: 'op', password: 'Night-shift-watch-2026!' };

async function login(url: string, username: string, password: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (!res.ok) throw new Error(`login of ${username} failed: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.getSetCookie().find((c) => c.startsWith('vigie_session=')) ?? '').split(';')[0] ?? '';
  return { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

/** The first admin creates an operator (admins do not see events). */
export async function createOperator(url: string): Promise<void> {
  const admin = await login(url, 'admin', ADMIN_PASSWORD);
  const res = await fetch(`${url}/api/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: admin.cookie, 'x-csrf-token': admin.csrf },
    body: JSON.stringify({ username: OPERATOR.username, displayName: 'Operator', role: 'operator', password: OPERATOR.password }),
  });
  if (res.status !== 201) throw new Error(`creating the operator failed: ${res.status} ${await res.text()}`);
}

/** A console: logged in as the operator, listening on /api/live; collects event changes as `<id>:<change>`. */
export async function connectConsole(url: string): Promise<{ readonly seen: string[]; close(): void }> {
  const { cookie } = await login(url, OPERATOR.username, OPERATOR.password);
  const ws = new WebSocket(`${url.replace('http', 'ws')}/api/live`, { headers: { cookie } });
  const seen: string[] = [];
  ws.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as LiveMessage;
    if (message.type === 'event') seen.push(`${message.item.event.id}:${message.change}`);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { seen, close: () => ws.close() };
}

/** A fresh PostgreSQL schema for one test file; fails with a clear message when PostgreSQL is down. */
export async function createTestSchema(prefix: string): Promise<{ readonly url: string; rowCount(idPrefix: string): Promise<{ rows: number; distinct: number; closed: number }>; drop(): Promise<void> }> {
  const schema = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
  const client = new pg.Client({ connectionString: PG_BASE });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`PostgreSQL is not reachable at ${PG_BASE} (${(err as Error).message}): start it or set VIGIE_TEST_PG`);
  }
  return {
    url: `${PG_BASE}?schema=${schema}`,
    async rowCount(idPrefix) {
      const r = await client.query<{ rows: string; distinct: string; closed: string }>(
        `select count(*) as rows, count(distinct id) as distinct, count(*) filter (where status = 'closed') as closed from "${schema}".events where id like $1`,
        [`${idPrefix}%`],
      );
      const row = r.rows[0];
      return { rows: Number(row?.rows), distinct: Number(row?.distinct), closed: Number(row?.closed) };
    },
    async drop() {
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    },
  };
}

export function tempDir(prefix: string): { readonly path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
