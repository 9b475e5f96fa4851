import { describe, expect, it } from 'vitest';
import { cameraSchema } from '../../src/config/schema.js';
import type { VigieEvent } from '../../src/contracts/event.js';
import type { RgbFrame } from '../../src/contracts/frame.js';
import type { TrackSnapshot } from '../../src/contracts/track.js';
import { COLORS, classColor } from '../../src/render/draw.js';
import { renderOverlay } from '../../src/render/overlay.js';
import { renderEventFrame } from '../../src/render/snapshot.js';
import { rng } from '../helpers/random.js';

const W = 200;
const H = 100;

function frame(fill: number | 'noise' = 120): RgbFrame {
  const data = new Uint8Array(W * H * 3);
  if (fill === 'noise') {
    const rand = rng(7);
    for (let i = 0; i < data.length; i++) data[i] = Math.floor(rand() * 256);
  } else data.fill(fill);
  return { cameraId: 'cam', seq: 3, ptsMs: 600, wallMs: 0, width: W, height: H, data };
}

function px(f: { width: number; data: Uint8Array }, x: number, y: number): [number, number, number] {
  const i = (y * f.width + x) * 3;
  return [f.data[i]!, f.data[i + 1]!, f.data[i + 2]!];
}

const camera = cameraSchema.parse({
  id: 'cam',
  source: 'clip.mp4',
  masks: [[[0, 0], [0.1, 0], [0.1, 0.2], [0, 0.2]]],
  zones: [{ id: 'z1', polygon: [[0.5, 0.1], [0.95, 0.1], [0.95, 0.9], [0.5, 0.9]] }],
  lines: [{ id: 'l1', points: [[0.2, 0.5], [0.4, 0.5]] }],
  rules: [{ id: 'r1', type: 'intrusion', zone: 'z1' }],
});

function track(id: number, box: readonly [number, number, number, number], cls: TrackSnapshot['cls'] = 'person'): TrackSnapshot {
  return { id, box, score: 0.9, cls, matched: true, ageFrames: 5, velocity: [0, 0] };
}

describe('renderOverlay', () => {
  it('never mutates the input and returns a new frame of the same size', () => {
    const input = frame('noise');
    const copy = new Uint8Array(input.data);
    const out = renderOverlay(input, { camera, tracks: [track(1, [110, 20, 130, 70])], highlight: [1], blurPeople: true });
    expect(input.data).toEqual(copy);
    expect(out.data).not.toBe(input.data);
    expect(out).toMatchObject({ width: W, height: H, seq: 3, cameraId: 'cam' });
    expect(out.data).not.toEqual(copy);
  });

  it('blacks out masks (even on an unmasked frame), fills zones translucently, leaves the rest alone', () => {
    const out = renderOverlay(frame(120), { camera });
    expect(px(out, 5, 5)).toEqual([0, 0, 0]); // inside the mask
    const inZone = px(out, 140, 50);
    expect(inZone).not.toEqual([120, 120, 120]);
    expect(inZone[2]).toBeGreaterThan(120); // tinted towards the zone's blue
    expect(px(out, 60, 90)).toEqual([120, 120, 120]); // outside everything
    expect(px(out, 100, 10)).toEqual([...COLORS.zone]); // the zone's outline (top edge, y = 10)
  });

  it('draws the line, other tracks in their class colour and the event track highlighted', () => {
    const out = renderOverlay(frame(120), {
      camera,
      tracks: [track(1, [110, 20, 130, 70], 'person'), track(2, [150, 30, 180, 60], 'car')],
      highlight: [1],
      severity: 'high',
      labels: false,
    });
    expect(px(out, 60, 50)).toEqual([...COLORS.line]);
    expect(px(out, 120, 69)).toEqual([...COLORS.severity.high]); // bottom edge of track 1
    expect(px(out, 165, 59)).toEqual([...classColor('car')]); // bottom edge of track 2
  });

  it('blurs people only when asked, and only people', () => {
    const input = frame('noise');
    const tracks = [track(1, [20, 40, 50, 95], 'person'), track(2, [60, 40, 90, 95], 'car')];
    const sharp = renderOverlay(input, { camera, tracks, labels: false });
    const blurred = renderOverlay(input, { camera, tracks, labels: false, blurPeople: true });
    expect(px(sharp, 35, 70)).toEqual(px(input, 35, 70));
    expect(px(blurred, 35, 70)).not.toEqual(px(input, 35, 70));
    expect(px(blurred, 75, 70)).toEqual(px(input, 75, 70)); // the car is not blurred
  });

  it('scales track boxes from the analysed frame size', () => {
    const out = renderOverlay(frame(120), { camera, tracks: [track(1, [55, 20, 65, 35])], tracksSize: { width: 100, height: 50 }, highlight: [1], labels: false });
    expect(px(out, 120, 69)).toEqual([...COLORS.severity.high]);
  });
});

describe('renderEventFrame', () => {
  const event: VigieEvent = {
    id: 'e1', camera: 'cam', rule: 'r1', type: 'intrusion', severity: 'medium', start: 1, end: null,
    start_time: '2026-01-01T00:00:00.000Z', track_ids: [9], classes: ['person'], box: [0.6, 0.2, 0.1, 0.5],
    score: 0.8, snapshot: null, clip: null, details: {},
  };

  it('highlights the event tracks in the severity colour and blurs people by default', () => {
    const input = frame('noise');
    const out = renderEventFrame(input, event, [track(9, [120, 20, 140, 70])], camera, { banner: null });
    expect(px(out, 130, 69)).toEqual([...COLORS.severity.medium]);
    const clear = renderEventFrame(input, event, [track(9, [120, 20, 140, 70])], camera, { banner: null, blurPeople: false });
    const noTrack = renderOverlay(input, { camera, focusRule: 'r1' });
    // Inside the box (and the zone): unblurred equals the plain overlay; the default differs.
    expect(px(clear, 130, 45)).toEqual(px(noTrack, 130, 45));
    expect(px(out, 130, 45)).not.toEqual(px(noTrack, 130, 45));
  });

  it('draws the event box when its tracks are not in the frame', () => {
    const out = renderEventFrame(frame(120), event, [], camera, { banner: null });
    // event.box -> pixels [120, 20, 140, 70]
    expect(px(out, 130, 69)).toEqual([...COLORS.severity.medium]);
  });
});
