/**
 * Clips for the static-scene rules, rendered with ffmpeg over real PETS09
 * footage: still images (a bag, a bench, a person cut out of the footage)
 * overlaid from a given time, optionally sliding in, fading in, or moving
 * slowly; and the PETS09 ground truth as scripted person tracks on the same
 * clock, so the analyser sees real walkers as tracked people.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { EventType } from '../../src/contracts/event.js';
import type { BoxXYXY } from '../../src/contracts/geometry.js';
import type { TrackFrame, TrackSnapshot } from '../../src/contracts/track.js';
import type { Rule, RuleContext, RuleSignal } from '../../src/rules/types.js';
import { createSceneStage } from '../../src/vision/scene/stage.js';
import type { StaticRegion, StaticSceneReading } from '../../src/vision/scene/types.js';
import { datasetsDir } from './datasets.js';
import { decodeFrames } from './detect-pets.js';

const run = promisify(execFile);

export const PETS_W = 768;
export const PETS_H = 576;
const PETS_FPS = 10;

/** Writes one still image (PNG, with alpha) made by a lavfi source and filters. */
export async function still(dir: string, name: string, lavfi: string): Promise<string> {
  const file = join(dir, `${name}.png`);
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', lavfi, '-frames:v', '1', file]);
  return file;
}

/** A bag: a dark-coloured textured box (fixed noise, a strap, a lighter flap). */
export function bagImage(dir: string, name: string, w: number, h: number, colour = '0x7a2e1a'): Promise<string> {
  return still(dir, name, `color=c=${colour}:s=${w}x${h},noise=alls=50:allf=u,drawbox=x=0:y=0:w=iw:h=ih/4:color=0xc08040:t=fill,drawbox=x=iw/2-2:y=0:w=4:h=ih:color=black:t=fill,format=rgba`);
}

/** Cuts a rectangle of a PETS09 frame (a person, at source pixels), optionally rotated (lying). */
export async function petsCutout(dir: string, name: string, frameIndex: number, box: readonly [x: number, y: number, w: number, h: number], lying = false): Promise<string> {
  const file = join(dir, `${name}.png`);
  const [x, y, w, h] = box.map(Math.round) as [number, number, number, number];
  const rotate = lying ? ',transpose=1' : '';
  await run('ffmpeg', ['-v', 'error', '-y', '-i', petsVideo(), '-vf', `select=eq(n\\,${frameIndex}),crop=${w}:${h}:${x}:${y}${rotate},format=rgba`, '-frames:v', '1', file]);
  return file;
}

export interface Layer {
  readonly image: string;
  /** ffmpeg overlay x/y expressions (source pixels), may use `t` (clip seconds). */
  readonly x: string | number;
  readonly y: string | number;
  /** Shown from this clip second (default 0) until `to` (default the end). */
  readonly from?: number;
  readonly to?: number;
  /** Fades in (alpha) over this many seconds from `from`. */
  readonly fadeInS?: number;
}

/** Footage a clip is rendered over. */
export interface Footage {
  readonly path: string;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
}

export interface PetsClipSpec {
  /** Default: PETS09 vtest.avi. */
  readonly footage?: Footage;
  /** Second of the footage the clip starts at. */
  readonly startS: number;
  readonly durationS: number;
  readonly fps: number;
  /** Output width; the height keeps the footage's aspect. */
  readonly width: number;
  readonly layers: readonly Layer[];
  /** Extra filter applied to the composited 768x576 picture (e.g. a moving shadow). */
  readonly post?: string;
}

export function petsVideo(): string {
  return join(datasetsDir(), 'pets09-s2l1', 'vtest.avi');
}

const PETS: Footage = { path: '', width: PETS_W, height: PETS_H, fps: PETS_FPS };
const footageOf = (spec: Pick<PetsClipSpec, 'footage'>): Footage => spec.footage ?? { ...PETS, path: petsVideo() };

/** Output height for a clip (even, the footage's aspect). */
export function clipHeight(spec: Pick<PetsClipSpec, 'footage' | 'width'>): number {
  const f = footageOf(spec);
  return Math.round((spec.width * f.height) / f.width / 2) * 2;
}

/** Renders the composite at the spec's fps and width into `dir/name.mkv` (lossless FFV1). */
export async function renderPetsClip(dir: string, name: string, spec: PetsClipSpec): Promise<string> {
  const file = join(dir, `${name}.mkv`);
  const footage = footageOf(spec);
  const inputs = ['-ss', String(spec.startS), '-t', String(spec.durationS), '-i', footage.path];
  const chains: string[] = ['[0:v]setpts=PTS-STARTPTS,fps=' + footage.fps + '[v0]'];
  spec.layers.forEach((layer, k) => {
    inputs.push('-loop', '1', '-framerate', String(footage.fps), '-t', String(spec.durationS), '-i', layer.image);
    const from = layer.from ?? 0;
    const to = layer.to ?? spec.durationS + 1;
    const fade = layer.fadeInS ? `,fade=t=in:st=${from}:d=${layer.fadeInS}:alpha=1` : '';
    chains.push(`[${k + 1}:v]format=rgba${fade}[l${k}]`);
    chains.push(`[v${k}][l${k}]overlay=x='${layer.x}':y='${layer.y}':eval=frame:enable='between(t,${from},${to})'[v${k + 1}]`);
  });
  const last = `[v${spec.layers.length}]`;
  const height = clipHeight(spec);
  chains.push(`${last}${spec.post ? spec.post + ',' : ''}fps=${spec.fps},scale=${spec.width}:${height}:flags=area,format=yuv444p[out]`);
  await run('ffmpeg', ['-v', 'error', '-y', ...inputs, '-filter_complex', chains.join(';'), '-map', '[out]', '-c:v', 'ffv1', file]);
  return file;
}

/** PETS09 ground-truth people (tracked as `person`) on a clip's clock, boxes scaled to `width`. */
export function petsPeople(spec: Pick<PetsClipSpec, 'startS' | 'durationS' | 'fps' | 'width'>): (tSec: number, seq: number) => TrackFrame {
  const gt = new Map<number, Map<number, BoxXYXY>>();
  for (const line of readFileSync(join(petsVideo(), '..', 'gt.txt'), 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const [frame, id, left, top, w, h] = line.split(',').map(Number) as [number, number, number, number, number, number];
    const byId = gt.get(frame) ?? new Map<number, BoxXYXY>();
    byId.set(id, [left, top, left + w, top + h]);
    gt.set(frame, byId);
  }
  const s = spec.width / PETS_W;
  const height = clipHeight(spec);
  const none = new Map<number, BoxXYXY>();
  const at = (tSec: number): Map<number, BoxXYXY> => gt.get(Math.round((spec.startS + tSec) * PETS_FPS) + 1) ?? none;
  return (tSec, seq) => {
    const now = at(tSec);
    const next = at(tSec + 1 / spec.fps);
    const tracks: TrackSnapshot[] = [...now].map(([id, b]) => {
      const n = next.get(id) ?? b;
      const velocity: [number, number] = [(((n[0] + n[2]) - (b[0] + b[2])) / 2) * s, (((n[1] + n[3]) - (b[1] + b[3])) / 2) * s];
      return { id, cls: 'person', box: [b[0] * s, b[1] * s, b[2] * s, b[3] * s], score: 0.9, matched: true, ageFrames: 10, velocity };
    });
    const ended = [...at(tSec - 1 / spec.fps).keys()].filter((id) => !now.has(id));
    return { tSec, seq, width: spec.width, height, tracks, endedTrackIds: ended };
  };
}

/** Merges scripted tracks into a frame (people added to the PETS ones, for instance). */
export function withTracks(frame: TrackFrame, extra: readonly TrackSnapshot[]): TrackFrame {
  return { ...frame, tracks: [...frame.tracks, ...extra] };
}

/** No tracks at all (footage where nobody is tracked). */
export function noTracks(spec: Pick<PetsClipSpec, 'footage' | 'width'>): (tSec: number, seq: number) => TrackFrame {
  const height = clipHeight(spec);
  return (tSec, seq) => ({ tSec, seq, width: spec.width, height, tracks: [], endedTrackIds: [] });
}

export interface StaticRun {
  /** Every rule's signals, in order. */
  readonly signals: readonly RuleSignal[];
  /** The reading of each frame (regions copied; the grid is not kept). */
  readonly readings: readonly { readonly tSec: number; readonly regions: StaticSceneReading['regions'] }[];
}

/**
 * Feeds a rendered clip through the scene stage (static analyser) and the rules,
 * with the tracks `tracksAt` gives for each frame.
 */
export async function runStaticRules(
  clip: string,
  spec: Pick<PetsClipSpec, 'fps' | 'width' | 'footage'>,
  rules: readonly Rule<unknown>[],
  tracksAt: (tSec: number, seq: number) => TrackFrame,
): Promise<StaticRun> {
  const height = clipHeight(spec);
  const stage = createSceneStage([{ static: true }, ...rules.map((r) => r.scene ?? {})]);
  let states = rules.map((r) => r.init());
  const signals: RuleSignal[] = [];
  const readings: { tSec: number; regions: StaticSceneReading['regions'] }[] = [];
  for await (const f of decodeFrames(clip, spec.width, height)) {
    const tSec = f.index / spec.fps;
    const tracks = tracksAt(tSec, f.index);
    const image = { cameraId: 'test', seq: f.index, ptsMs: tSec * 1000, wallMs: tSec * 1000, width: spec.width, height, data: f.data };
    const scene = stage.observe(image, tracks);
    readings.push({ tSec, regions: scene.static?.regions ?? [] });
    states = states.map((state, k) => {
      const step = (rules[k] as Rule<unknown>).evaluate(state, tracks, { wallMs: tSec * 1000, scene });
      signals.push(...step.signals);
      return step.state;
    });
  }
  return { signals, readings };
}

export interface Situation {
  readonly rule: string;
  readonly type: EventType;
  readonly key: number;
  readonly start: number;
  end: number;
}

/** Lasting situations as [start, end] intervals per rule and key (from first to last active signal). */
export function situations(signals: readonly RuleSignal[]): Situation[] {
  const open = new Map<string, Situation>();
  const done: Situation[] = [];
  for (const s of signals) {
    const k = `${s.ruleId}#${s.trackId}`;
    if (s.kind === 'situation.active') {
      const cur = open.get(k);
      if (cur) cur.end = s.tSec;
      else open.set(k, { rule: s.ruleId, type: s.type, key: s.trackId, start: s.tSec, end: s.tSec });
    } else if (s.kind === 'situation.ended') {
      const cur = open.get(k);
      if (cur) done.push(cur);
      open.delete(k);
    }
  }
  return [...done, ...open.values()].sort((a, b) => a.start - b.start);
}

/** A scripted person track whose box is a cut-out placed at source pixels (x, y, w, h), at `scale` of the source. */
export function cutoutPerson(id: number, x: number, y: number, w: number, h: number, scale: number, vxSourcePerFrame = 0): TrackSnapshot {
  return { id, cls: 'person', box: [x * scale, y * scale, (x + w) * scale, (y + h) * scale], score: 0.9, matched: true, ageFrames: 10, velocity: [vxSourcePerFrame * scale, 0] };
}

/** A piecewise-linear position: [t, value] knots, held flat before the first and after the last. */
export function knots(points: readonly (readonly [number, number])[]): { at: (t: number) => number; expr: string } {
  const at = (t: number): number => {
    const first = points[0]!;
    if (t <= first[0]) return first[1];
    for (let k = 1; k < points.length; k++) {
      const [t1, v1] = points[k]!;
      const [t0, v0] = points[k - 1]!;
      if (t <= t1) return v0 + ((t - t0) / (t1 - t0)) * (v1 - v0);
    }
    return points[points.length - 1]![1];
  };
  // The same function as an ffmpeg expression of t.
  let expr = String(points[points.length - 1]![1]);
  for (let k = points.length - 1; k >= 1; k--) {
    const [t1, v1] = points[k]!;
    const [t0, v0] = points[k - 1]!;
    expr = `if(lt(t,${t1}),${v0}+(t-${t0})*${(v1 - v0) / (t1 - t0)},${expr})`;
  }
  expr = `if(lt(t,${points[0]![0]}),${points[0]![1]},${expr})`;
  return { at, expr };
}

// Scripted readings, for the rules' unit tests.

/** A region whose ground point (bottom centre) is at normalised (x, y), `w` x `h` wide. */
export function region(id: number, x: number, y: number, since: number, o: { w?: number; h?: number; area?: number; personLeft?: boolean } = {}): StaticRegion {
  const w = o.w ?? 0.04;
  const h = o.h ?? 0.04;
  return { id, box: [x - w / 2, y - h, w, h], areaShare: o.area ?? w * h, staticSinceS: since, personLeft: o.personLeft ?? false };
}

/** A context whose static reading has these regions and, optionally, a grid (default all clear). */
export function staticContext(regions: readonly StaticRegion[], grid?: { width: number; height: number; cells: Uint8Array }): RuleContext {
  const reading: StaticSceneReading = { warm: true, regions, grid: grid ?? { width: 16, height: 12, cells: new Uint8Array(16 * 12) } };
  return { wallMs: 0, scene: { static: reading } };
}

/** Runs a rule over (t, regions) steps; returns every signal. */
export function runRegions<S>(r: Rule<S>, steps: readonly (readonly [number, readonly StaticRegion[]])[], context = (regions: readonly StaticRegion[]): RuleContext => staticContext(regions)): RuleSignal[] {
  let state = r.init();
  const out: RuleSignal[] = [];
  for (const [t, regions] of steps) {
    const step = r.evaluate(state, { tSec: t, seq: Math.round(t * 5), width: 640, height: 360, tracks: [], endedTrackIds: [] }, context(regions));
    state = step.state;
    out.push(...step.signals);
  }
  return out;
}
