/**
 * `-protocol_whitelist` on camera sources, through the real probe: an HLS camera
 * (playlist and segments over HTTP) still works, and a playlist cannot make
 * ffmpeg read a local file (docs/SECURITY.md, "Camera sources allow-list").
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaError } from '../../src/media/errors.js';
import { probeSource } from '../../src/media/ffprobe.js';
import { makeTempDir } from '../helpers/media-fixtures.js';

let dir = '';
let cleanup: () => Promise<void> = () => Promise.resolve();
let server: Server;
let base = '';

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=5', '-t', '3', '-c:v', 'mpeg2video', '-f', 'hls', '-hls_time', '1', '-y', join(dir, 'cam.m3u8')]);
  // A playlist whose segment is a local file: the whitelist must stop ffmpeg from reading it.
  await writeFile(join(dir, 'evil.m3u8'), `#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\nfile://${join(dir, 'cam0.ts')}\n#EXT-X-ENDLIST\n`);
  server = createServer((req, res) => {
    const name = (req.url ?? '/').slice(1);
    readFile(join(dir, name.replace(/[^\w.-]/g, ''))).then(
      (data) => res.writeHead(200).end(data),
      () => res.writeHead(404).end(),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await cleanup();
});

describe('protocol whitelist', () => {
  it('an HLS camera over HTTP is probed as before', async () => {
    expect(await probeSource(`${base}/cam.m3u8`, { timeoutMs: 20_000 })).toMatchObject({ width: 64, height: 48 });
  });

  it('an HLS playlist pointing at a local file is refused', async () => {
    const err = await probeSource(`${base}/evil.m3u8`, { timeoutMs: 20_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MediaError);
    expect((err as MediaError).detail.join('\n')).toMatch(/Protocol 'file' not on whitelist/);
  });
});
