/**
 * A private nats-server for one test file (tests kill and restart it; the shared
 * one on :4222 is never touched): JetStream with file storage in a temporary folder
 * kept across restarts, on a free loopback port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BINARY = process.env.NATS_SERVER_BIN ?? (existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : 'nats-server');

export interface PrivateNats {
  readonly url: string;
  readonly port: number;
  /** Stops the server: SIGTERM (clean shutdown, flushes the store) or SIGKILL. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts it again on the same port and storage. */
  start(): Promise<void>;
  /** Stops it and deletes its storage. */
  dispose(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

export async function startPrivateNats(): Promise<PrivateNats> {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-nats-'));
  const port = await freePort();
  let child: ChildProcess | null = null;
  let stderr = '';

  const start = async (): Promise<void> => {
    stderr = '';
    const proc = spawn(BINARY, ['-js', '-sd', dir, '-a', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const spawned = await new Promise<Error | null>((resolve) => {
      proc.once('spawn', () => resolve(null));
      proc.once('error', resolve);
    });
    if (spawned) throw new Error(`cannot run ${BINARY} (${spawned.message}): install nats-server or set NATS_SERVER_BIN`);
    const deadline = Date.now() + 10_000;
    while (!(await accepts(port))) {
      if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`nats-server did not start on port ${port}: ${stderr.slice(-500)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(signal);
    await exited;
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    stop,
    start,
    async dispose() {
      await stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
