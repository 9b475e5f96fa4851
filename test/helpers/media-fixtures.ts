/** Fixtures for media tests: synthetic clips made with ffmpeg, HTTP stream servers, process checks. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { datasetsDir } from './datasets.js';

const run = promisify(execFile);
/** The shared datasets folder: $VIGIE_DATASETS, else ../shared/datasets next to the project. */
export const DATASETS_DIR = datasetsDir();

export function datasetPath(...parts: string[]): string {
  return join(DATASETS_DIR, ...parts);
}

export async function makeTempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'vigie-media-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface ClipSpec {
  readonly width: number;
  readonly height: number;
  readonly rate: number;
  readonly durationSec: number;
  /** mp4 (mpeg4), ts (MPEG-TS, mpeg2video) */
  readonly format: 'mp4' | 'ts';
}

/** Writes an ffmpeg testsrc clip with exactly rate * durationSec frames; returns its path. */
export async function makeTestClip(dir: string, name: string, spec: ClipSpec): Promise<string> {
  const path = join(dir, `${name}.${spec.format}`);
  const codec = spec.format === 'ts' ? ['-c:v', 'mpeg2video', '-f', 'mpegts'] : ['-c:v', 'mpeg4'];
  await run('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    '-f', 'lavfi', '-i', `testsrc=size=${spec.width}x${spec.height}:rate=${spec.rate}:duration=${spec.durationSec}`,
    // Intra-heavy GOP and no B-frames: a stream cut anywhere decodes again quickly.
    '-g', '5', '-bf', '0', '-q:v', '5', '-pix_fmt', 'yuv420p',
    ...codec, '-y', path,
  ]);
  return path;
}

/** A square crossing a grey scene: motion in every frame, cheap to decode. */
export interface MovingSquareSpec {
  readonly width: number;
  readonly height: number;
  readonly rate: number;
  /** Side of the white square, pixels. */
  readonly side: number;
  /** Where it starts, and how far it moves right per second (pixels). */
  readonly x: number;
  readonly y: number;
  readonly speed: number;
}

/** Writes `square.mp4` (4 s, mpeg4: ffmpeg's builtin encoder) in `dir`; returns its path. */
export async function makeMovingSquareClip(dir: string, spec: MovingSquareSpec): Promise<string> {
  const path = join(dir, 'square.mp4');
  await run('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    '-f', 'lavfi', '-i', `color=c=gray:s=${spec.width}x${spec.height}:r=${spec.rate}:d=4`,
    '-f', 'lavfi', '-i', `color=c=white:s=${spec.side}x${spec.side}:r=${spec.rate}:d=4`,
    '-filter_complex', `[0][1]overlay=x='${spec.x}+t*${spec.speed}':y=${spec.y}`,
    '-g', String(Math.min(5, spec.rate)), '-bf', '0', '-q:v', '5', '-pix_fmt', 'yuv420p', '-c:v', 'mpeg4', '-y', path,
  ]);
  return path;
}

/** true while a process with this pid exists (a zombie counts as existing: it was not reaped). */
export function processExists(pid: number): boolean {
  return existsSync(`/proc/${pid}`);
}

export type StreamBehaviour =
  | { readonly kind: 'drop'; readonly afterFraction: number } // send part, then cut the connection
  | { readonly kind: 'stall'; readonly afterFraction: number } // send part, then hold the connection open silently
  | { readonly kind: 'status'; readonly status: number }; // answer with an HTTP error

export interface StreamServer {
  readonly url: string;
  /** Number of requests received so far (ffprobe and ffmpeg each make one). */
  requests(): number;
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 that serves `file` as video/mp2t with a scripted misbehaviour. */
export async function startStreamServer(file: string, behaviour: StreamBehaviour): Promise<StreamServer> {
  const body = await readFile(file);
  const sockets = new Set<Socket>();
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests += 1;
    if (behaviour.kind === 'status') {
      res.writeHead(behaviour.status).end();
      return;
    }
    // No Content-Length: a live stream of unknown length, as cameras serve it.
    res.writeHead(200, { 'Content-Type': 'video/mp2t' });
    const part = body.subarray(0, Math.floor(body.length * behaviour.afterFraction));
    res.write(part, () => {
      if (behaviour.kind === 'drop') req.socket.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/stream.ts`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolveClose, reject) => {
        for (const socket of sockets) socket.destroy();
        server.close((err) => (err ? reject(err) : resolveClose()));
      }),
  };
}

/** A localhost port with nothing listening on it. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
  return port;
}
