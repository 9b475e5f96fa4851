/**
 * Scripted tracks for the vehicle and person-down rules: stops, departures and
 * detector jitter, on the frame of scenario.ts (640 x 360, 5 fps by default).
 */
import type { BoxXYXY } from '../../../src/contracts/geometry.js';
import type { TrackFrame, TrackSnapshot } from '../../../src/contracts/track.js';
import type { RuleContext, RuleSignal, Rule } from '../../../src/rules/types.js';
import { H, W, frame, track } from './scenario.js';

export const FPS = 5;

/** Deterministic noise in [-amp, amp] (an LCG: no Math.random in tests). */
export function noise(seed: number, amp: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32 - 0.5) * 2 * amp;
  };
}

/** A car-sized box (80 x 40 px unless told) centred at normalised (x, y), its edges moved by `jitterPx`. */
export function carBox(x: number, y: number, jitterPx = 0, rnd: () => number = () => 0, w = 80, h = 40): BoxXYXY {
  const j = (): number => rnd() * jitterPx;
  return [x * W - w / 2 + j(), y * H - h / 2 + j(), x * W + w / 2 + j(), y * H + h / 2 + j()];
}

/** One track's position over time: key points [t, x, y] linearly interpolated, sampled at `fps`. */
export function itinerary(points: readonly (readonly [t: number, x: number, y: number])[], fps = FPS): { t: number; x: number; y: number }[] {
  const out: { t: number; x: number; y: number }[] = [];
  const first = points[0] as readonly [number, number, number];
  const last = points[points.length - 1] as readonly [number, number, number];
  for (let i = Math.round(first[0] * fps); i <= Math.round(last[0] * fps); i++) {
    const t = i / fps;
    let k = 0;
    while (k < points.length - 2 && (points[k + 1] as readonly number[])[0]! <= t) k++;
    const [t0, x0, y0] = points[k] as readonly [number, number, number];
    const [t1, x1, y1] = points[k + 1] ?? points[k]!;
    const u = t1 > t0 ? Math.min(1, Math.max(0, (t - t0) / (t1 - t0))) : 0;
    out.push({ t: Math.round(t * 1e6) / 1e6, x: x0 + (x1 - x0) * u, y: y0 + (y1 - y0) * u });
  }
  return out;
}

/** Merges per-track snapshots by time into frames (every `1/fps` from 0 to the last time). */
export function framesOf(byTime: readonly { t: number; snap: TrackSnapshot }[], ended: readonly { t: number; id: number }[] = []): TrackFrame[] {
  const times = [...new Set([...byTime.map((s) => s.t), ...ended.map((e) => e.t)])].sort((a, b) => a - b);
  return times.map((t) => frame(t, byTime.filter((s) => s.t === t).map((s) => s.snap), ended.filter((e) => e.t === t).map((e) => e.id)));
}

/** Snapshots of one track following an itinerary, with optional box jitter. */
export function follow(id: number, cls: TrackSnapshot['cls'], route: readonly { t: number; x: number; y: number }[], box: (x: number, y: number) => BoxXYXY): { t: number; snap: TrackSnapshot }[] {
  return route.map((p) => ({ t: p.t, snap: track(id, cls, box(p.x, p.y)) }));
}

/** Runs a rule over frames with a per-frame context; returns every signal in order. */
export function runWith<S>(rule: Rule<S>, frames: readonly TrackFrame[], context: (f: TrackFrame) => RuleContext): RuleSignal[] {
  let state = rule.init();
  const out: RuleSignal[] = [];
  for (const f of frames) {
    const step = rule.evaluate(state, f, context(f));
    state = step.state;
    out.push(...step.signals);
  }
  return out;
}

/** Per situation key: first active time, last active time and end reasons, e.g. "#1 34..60 stopped". */
export function situations(signals: readonly RuleSignal[]): string[] {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const ends = new Map<number, string[]>();
  for (const s of signals) {
    if (s.kind === 'situation.active') {
      if (!first.has(s.trackId)) first.set(s.trackId, s.tSec);
      last.set(s.trackId, s.tSec);
    }
    if (s.kind === 'situation.ended') ends.set(s.trackId, [...(ends.get(s.trackId) ?? []), s.reason]);
  }
  return [...first].map(([id, t]) => `#${id} ${t}..${last.get(id)} ${(ends.get(id) ?? ['-']).join(',')}`);
}
