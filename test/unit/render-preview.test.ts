import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { cameraSchema } from '../../src/config/schema.js';
import type { RgbFrame } from '../../src/contracts/frame.js';
import type { TrackSnapshot } from '../../src/contracts/track.js';
import { createPreviewHub } from '../../src/render/mjpeg.js';
import { rng } from '../helpers/random.js';

const camera = cameraSchema.parse({
  id: 'cam',
  source: 'clip.mp4',
  zones: [{ id: 'z1', polygon: [[0.1, 0.1], [0.9, 0.1], [0.9, 0.9]] }],
  lines: [{ id: 'l1', points: [[0.1, 0.5], [0.9, 0.5]] }],
});

function frame(seq: number, width = 96, height = 64): RgbFrame {
  const rand = rng(seq + 1);
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(rand() * 256);
  return { cameraId: 'cam', seq, ptsMs: seq * 40, wallMs: 0, width, height, data };
}

const person: TrackSnapshot = { id: 4, box: [20, 10, 50, 60], score: 0.9, cls: 'person', matched: true, ageFrames: 3, velocity: [0, 0] };

function clock(): { now: () => number; set: (t: number) => void } {
  let t = 0;
  return { now: () => t, set: (v) => { t = v; } };
}

describe('createPreviewHub', () => {
  it('renders nothing while nobody watches', async () => {
    const c = clock();
    const hub = createPreviewHub({ camera, maxFps: 10, now: c.now });
    for (let i = 0; i < 20; i++) {
      c.set(i * 100);
      expect(await hub.publish(frame(i))).toBe(false);
    }
    expect(hub.stats()).toMatchObject({ published: 20, rendered: 0, skippedNoViewer: 20, subscribers: 0 });
  });

  it('renders at most maxFps frames per second of the injected clock, as JPEGs, and stops after unsubscribe', async () => {
    const c = clock();
    const hub = createPreviewHub({ camera, maxFps: 5, quality: 60, now: c.now });
    const received: { t: number; jpeg: Buffer }[] = [];
    const unsubscribe = hub.subscribe((jpeg) => received.push({ t: c.now(), jpeg }));
    expect(hub.subscribers).toBe(1);
    // 25 fps for 2 s.
    for (let i = 0; i < 50; i++) {
      c.set(i * 40);
      await hub.publish(frame(i), [person]);
    }
    expect(received.length).toBe(10);
    for (let k = 1; k < received.length; k++) expect(received[k]!.t - received[k - 1]!.t).toBeGreaterThanOrEqual(200);
    const meta = await sharp(received[0]!.jpeg).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 96, height: 64 });
    expect(hub.stats()).toMatchObject({ published: 50, rendered: 10, skippedRate: 40 });

    unsubscribe();
    unsubscribe();
    expect(hub.subscribers).toBe(0);
    c.set(10_000);
    expect(await hub.publish(frame(99))).toBe(false);
    expect(received.length).toBe(10);
  });

  it('does not halve the rate when frames arrive at maxFps with jitter', async () => {
    const c = clock();
    const hub = createPreviewHub({ camera, maxFps: 5, now: c.now });
    let n = 0;
    hub.subscribe(() => n++);
    const times = [0, 199, 401, 598, 800, 1003, 1199, 1402, 1600, 1797];
    for (const [i, t] of times.entries()) {
      c.set(t);
      await hub.publish(frame(i));
    }
    expect(n).toBeGreaterThanOrEqual(9);
  });

  it('drops frames offered while the previous one is being encoded', async () => {
    const c = clock();
    const hub = createPreviewHub({ camera, maxFps: 100, now: c.now });
    hub.subscribe(() => undefined);
    const first = hub.publish(frame(1));
    c.set(1000);
    expect(await hub.publish(frame(2))).toBe(false);
    expect(await first).toBe(true);
    expect(hub.stats().skippedBusy).toBe(1);
  });

  it('serves blurred and unblurred variants only to their own viewers, and survives a throwing listener', async () => {
    const c = clock();
    const errors: unknown[] = [];
    const hub = createPreviewHub({ camera, maxFps: 10, maxWidth: 48, now: c.now, onError: (e) => errors.push(e) });
    const blurred: Buffer[] = [];
    const clear: Buffer[] = [];
    hub.subscribe(() => {
      throw new Error('viewer went away');
    });
    hub.subscribe((j) => blurred.push(j));
    hub.subscribe((j) => clear.push(j), { blurPeople: false });
    const f = frame(5);
    expect(await hub.publish(f, [person])).toBe(true);
    expect(blurred).toHaveLength(1);
    expect(clear).toHaveLength(1);
    expect(blurred[0]!.equals(clear[0]!)).toBe(false);
    expect(errors).toHaveLength(1);
    const meta = await sharp(clear[0]).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 48, height: 32 });
  });

  it('copies the pixels before publish returns, so the caller may reuse its buffer', async () => {
    const c = clock();
    const hub = createPreviewHub({ camera: cameraSchema.parse({ id: 'cam', source: 'x.mp4' }), maxFps: 10, quality: 100, now: c.now });
    const got: Buffer[] = [];
    hub.subscribe((j) => got.push(j));
    const f = frame(0, 16, 16);
    f.data.fill(200);
    const pending = hub.publish(f);
    f.data.fill(0);
    await pending;
    const { data } = await sharp(got[0]).raw().toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(180);
  });
});
