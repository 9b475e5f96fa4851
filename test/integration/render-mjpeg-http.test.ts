import { createServer, get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { cameraSchema } from '../../src/config/schema.js';
import type { RgbFrame } from '../../src/contracts/frame.js';
import { createPreviewHub, MJPEG_BOUNDARY, streamMjpeg } from '../../src/render/mjpeg.js';
import { rng } from '../helpers/random.js';

function frame(seq: number): RgbFrame {
  const width = 160;
  const height = 120;
  const rand = rng(seq + 11);
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(rand() * 256);
  return { cameraId: 'cam', seq, ptsMs: seq * 100, wallMs: 0, width, height, data };
}

/** Reads multipart parts (by Content-Length) from a response until `count` have arrived. */
function readParts(res: IncomingMessage, boundary: string, count: number): Promise<{ headers: Record<string, string>; body: Buffer }[]> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const parts: { headers: Record<string, string>; body: Buffer }[] = [];
    res.on('error', reject);
    res.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const headEnd = buf.indexOf('\r\n\r\n');
        if (headEnd < 0) return;
        const lines = buf.subarray(0, headEnd).toString('latin1').split('\r\n');
        if (lines[0] !== `--${boundary}`) {
          reject(new Error(`expected a boundary line, got ${JSON.stringify(lines[0])}`));
          return;
        }
        const headers = Object.fromEntries(lines.slice(1).map((l) => {
          const i = l.indexOf(':');
          return [l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim()];
        }));
        const length = Number(headers['content-length']);
        const end = headEnd + 4 + length + 2;
        if (buf.length < end) return;
        parts.push({ headers, body: buf.subarray(headEnd + 4, headEnd + 4 + length) });
        expect(buf.subarray(end - 2, end).toString('latin1')).toBe('\r\n');
        buf = buf.subarray(end);
        if (parts.length === count) {
          resolve(parts);
          return;
        }
      }
    });
  });
}

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
}

describe('MJPEG preview over HTTP', () => {
  it('streams the hub as multipart/x-mixed-replace JPEG parts and unsubscribes when the client leaves', async () => {
    let t = 0;
    const hub = createPreviewHub({
      camera: cameraSchema.parse({ id: 'cam', source: 'x.mp4', zones: [{ id: 'z', polygon: [[0.1, 0.1], [0.9, 0.1], [0.5, 0.9]] }] }),
      maxFps: 10,
      quality: 75,
      now: () => t,
    });
    const server = createServer((_req, res) => {
      streamMjpeg(hub, res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      const res = await new Promise<IncomingMessage>((resolve, reject) => {
        get({ host: '127.0.0.1', port, path: '/api/cameras/cam/preview' }, resolve).on('error', reject);
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe(`multipart/x-mixed-replace; boundary=${MJPEG_BOUNDARY}`);
      expect(res.headers['cache-control']).toContain('no-store');
      await until(() => hub.subscribers === 1);
      const reading = readParts(res, MJPEG_BOUNDARY, 2);
      expect(await hub.publish(frame(1))).toBe(true);
      t += 100;
      expect(await hub.publish(frame(2))).toBe(true);
      const parts = await reading;
      for (const part of parts) {
        expect(part.headers['content-type']).toBe('image/jpeg');
        expect(await sharp(part.body).metadata()).toMatchObject({ format: 'jpeg', width: 160, height: 120 });
      }
      expect(parts[0]!.body.equals(parts[1]!.body)).toBe(false);
      res.destroy();
      await until(() => hub.subscribers === 0);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
