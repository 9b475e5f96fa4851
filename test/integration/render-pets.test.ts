import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { cameraSchema } from '../../src/config/schema.js';
import type { VigieEvent } from '../../src/contracts/event.js';
import type { RgbFrame } from '../../src/contracts/frame.js';
import type { TrackSnapshot } from '../../src/contracts/track.js';
import { COLORS } from '../../src/render/draw.js';
import { encodeJpeg } from '../../src/render/jpeg.js';
import { renderOverlay } from '../../src/render/overlay.js';
import { renderEventFrame, renderEventSnapshot } from '../../src/render/snapshot.js';
import { datasetFile } from '../helpers/datasets.js';

const run = promisify(execFile);
const video = datasetFile('pets09-s2l1/vtest.avi');
const gt = datasetFile('pets09-s2l1/gt.txt');
const W = 768;
const H = 576;

/** Decodes the first frame (ground-truth frame 1) at the source size; ffmpeg exits by itself. */
async function firstFrame(): Promise<RgbFrame> {
  const { stdout } = await run('ffmpeg', ['-nostdin', '-v', 'error', '-i', video.path, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], {
    encoding: 'buffer',
    maxBuffer: 4 * W * H * 3,
  });
  expect(stdout.length).toBe(W * H * 3);
  return { cameraId: 'pets', seq: 0, ptsMs: 0, wallMs: 0, width: W, height: H, data: new Uint8Array(stdout) };
}

/** The annotated people of ground-truth frame 1 as tracks (source pixels). */
async function gtTracks(): Promise<TrackSnapshot[]> {
  const text = await readFile(gt.path, 'utf8');
  return text.split('\n').filter((l) => l.startsWith('1,')).map((line) => {
    const [, id, l, t, w, h] = line.split(',').map(Number) as [number, number, number, number, number, number];
    return { id, box: [l, t, l + w, t + h], score: 1, cls: 'person', matched: true, ageFrames: 1, velocity: [0, 0] };
  });
}

const camera = cameraSchema.parse({
  id: 'pets',
  source: 'vtest.avi',
  masks: [[[0.78, 0], [1, 0], [1, 0.25], [0.78, 0.25]]],
  zones: [{ id: 'pelouse', polygon: [[0.25, 0.3], [0.6, 0.3], [0.7, 0.75], [0.2, 0.75]], direction: [1, 0] }],
  lines: [{ id: 'passage', points: [[0.1, 0.85], [0.9, 0.85]] }],
  rules: [
    { id: 'r1', type: 'intrusion', zone: 'pelouse' },
    { id: 'r2', type: 'line_crossing', line: 'passage', direction: 'a_to_b' },
  ],
});

/** Where to keep the rendered images for a person to look at (VIGIE_RENDER_OUT), if anywhere. */
async function keep(name: string, jpeg: Buffer): Promise<void> {
  const dir = process.env['VIGIE_RENDER_OUT'];
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, name), jpeg);
}

describe.skipIf(video.missing !== null || gt.missing !== null)('rendering a real PETS 2009 frame', () => {
  it('draws zones, lines, masks and boxes and encodes a JPEG resized to maxWidth', async () => {
    const frame = await firstFrame();
    const tracks = await gtTracks();
    expect(tracks.length).toBe(3);
    const drawn = renderOverlay(frame, { camera, tracks, highlight: [15] });
    // The mask (top right) is black inside, the event track's box (id 15) is red.
    const at = (x: number, y: number): number[] => [...drawn.data.subarray((y * W + x) * 3, (y * W + x) * 3 + 3)];
    expect(at(700, 60)).toEqual([0, 0, 0]);
    expect(at(Math.round(258 + 16), Math.round(219 + 88.702) - 1)).toEqual([...COLORS.severity.high]);

    const jpeg = await encodeJpeg(drawn, { quality: 80, maxWidth: 640 });
    await keep('pets-overlay.jpg', jpeg);
    const meta = await sharp(jpeg).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 640, height: 480, channels: 3 });
    // It decodes, and the picture is not blank.
    const stats = await sharp(jpeg).stats();
    expect(stats.channels[0]!.stdev).toBeGreaterThan(10);
  });

  it('renders an event snapshot with people blurred, at the source size', async () => {
    const frame = await firstFrame();
    const tracks = await gtTracks();
    const event: VigieEvent = {
      id: 'evt-1', camera: 'pets', rule: 'r1', type: 'intrusion', severity: 'high', start: 0, end: null,
      start_time: '2026-01-01T00:00:00.000Z', track_ids: [15], classes: ['person'],
      box: [258 / W, 219 / H, 32.913 / W, 88.702 / H], score: 0.9, snapshot: null, clip: null, details: {},
    };
    const jpeg = await renderEventSnapshot(frame, event, tracks, camera);
    await keep('pets-event.jpg', jpeg);
    expect(await sharp(jpeg).metadata()).toMatchObject({ format: 'jpeg', width: W, height: H });
    // The inside of each person's box is blurred (differs from the unblurred render).
    const clear = renderEventFrame(frame, event, tracks, camera, { blurPeople: false });
    const blurred = renderEventFrame(frame, event, tracks, camera);
    const inside = ((219 + 40) * W + 258 + 16) * 3;
    expect([...blurred.data.subarray(inside, inside + 3)]).not.toEqual([...clear.data.subarray(inside, inside + 3)]);
  });
});
