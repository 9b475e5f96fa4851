/**
 * Clips for the fire / smoke / camera_tamper tests, rendered with ffmpeg over
 * real background footage: a flickering flame, a spreading grey veil, a
 * covered, blinded, defocused or moved camera, and the false-alarm sources
 * that must not raise fire (beacons, headlights, lit signs, wet-road
 * reflections) or tamper (exposure change, dusk). Each clip says which events
 * it should raise, as annotations (test/fixtures/annotations/hazard-rendered.json).
 * Also synthetic small frames (a textured scene to paint on) for the analysers' unit tests.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ruleSchema, type RuleConfig } from '../../src/config/schema.js';
import type { EventType } from '../../src/contracts/event.js';
import type { TrackFrame } from '../../src/contracts/track.js';
import { annotationsSchema, type Annotation, type ScoredEvent } from '../../src/eval/event-matching.js';
import { probeSource } from '../../src/media/ffprobe.js';
import { openFrameSource } from '../../src/media/frame-source.js';
import { createRule } from '../../src/rules/registry.js';
import type { Rule } from '../../src/rules/types.js';
import { createSceneStage } from '../../src/vision/scene/stage.js';
import type { SceneFrame, SceneObservations, SmallFrame } from '../../src/vision/scene/types.js';
import { datasetFile } from './datasets.js';
import { rng } from './random.js';

const run = promisify(execFile);

export const PETS = 'pets09-s2l1/vtest.avi';
export const CAR_PARK = 'intel-sample-videos/car-detection.mp4';

/** Width and frame rate of every rendered clip (the tests analyse at 5 fps). */
export const CLIP_WIDTH = 640;
export const CLIP_FPS = 10;

export interface HazardClipSpec {
  /** Also the camera id of its annotations. */
  readonly name: string;
  /** Dataset file under the shared datasets folder. */
  readonly background: string;
  /** Seconds into the background where the clip starts. */
  readonly startS: number;
  readonly durationS: number;
  /** Filter graph from `[bg]` (the background at CLIP_WIDTH, CLIP_FPS, t from 0) to `[out]`. */
  readonly graph: string;
}

/** Renders one clip into `dir` (mpeg4, high quality); returns its path. */
export async function renderHazardClip(dir: string, spec: HazardClipSpec): Promise<string> {
  const path = join(dir, `${spec.name}.mp4`);
  const background = datasetFile(spec.background).path;
  const graph = `[0:v]fps=${CLIP_FPS},scale=${CLIP_WIDTH}:-2,setpts=PTS-STARTPTS[bg];${spec.graph}`;
  await run('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    '-ss', String(spec.startS), '-t', String(spec.durationS), '-i', background,
    '-filter_complex', graph, '-map', '[out]', '-an',
    '-c:v', 'mpeg4', '-q:v', '3', '-pix_fmt', 'yuv420p', '-y', path,
  ]);
  return path;
}

/** An RGBA layer of `w` x `h` drawn by geq expressions (X, Y, W, H, T), labelled `label`. */
function layer(label: string, w: number, h: number, durationS: number, rgba: { r: string; g: string; b: string; a: string }): string {
  const q = (e: string): string => `'${e}'`;
  return `color=c=black:s=${w}x${h}:r=${CLIP_FPS}:d=${durationS},format=rgba,geq=r=${q(rgba.r)}:g=${q(rgba.g)}:b=${q(rgba.b)}:a=${q(rgba.a)}[${label}]`;
}

const disc = (radius: string): string => `if(lte(hypot(X-W/2,Y-H/2),${radius}),255,0)`;

// ---- fire ---------------------------------------------------------------------------------

/**
 * A flame: a parabolic tongue whose height follows a sum of incommensurate
 * sines per column, whose brightness flickers irregularly, yellow at the base
 * and orange-red at the tip, appearing at `t0`.
 */
export function flame(o: { x: number; y: number; w: number; h: number; t0: number; durationS: number }): string {
  const v = '((H-Y)/H)';
  const xr = '(abs(X-W/2)/(W/2))';
  const height = '(0.62+0.18*sin(7.3*T+0.35*X)*sin(2.9*T)+0.12*sin(13.7*T+1.3)+0.06*sin(23.1*T+0.9*X))';
  const k = '(0.68+0.32*abs(sin(5.3*T)*sin(8.9*T+0.7)+0.4*sin(17.9*T)*sin(3.7*T)))';
  return [
    layer('fl', o.w, o.h, o.durationS, {
      r: `min(255,255*${k})`,
      g: `min(255,${k}*(215-150*${v}))`,
      b: `${k}*40*(1-${v})`,
      a: `if(lt(${v},${height}*(1-${xr}*${xr})),255,0)`,
    }),
    `[bg][fl]overlay=x=${o.x}:y=${o.y}:enable='gte(t,${o.t0})'[out]`,
  ].join(';');
}

/** A beacon: a disc of `colour` (hex RRGGBB) flashing on and off at `hz` with duty cycle `duty`, sharp transitions. */
export function beacon(o: { colour: string; hz: number; duty: number; x: number; y: number; radius: number; durationS: number }): string {
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(o.colour.slice(i, i + 2), 16));
  const size = 2 * o.radius;
  return [
    layer('bc', size, size, o.durationS, { r: String(r), g: String(g), b: String(b), a: disc(String(o.radius)) }),
    `[bg][bc]overlay=x=${o.x}:y=${o.y}:enable='lt(mod(t,${1 / o.hz}),${o.duty / o.hz})'[out]`,
  ].join(';');
}

/** A car's pair of white-yellow headlights crossing the frame at `speed` px/s, one car every `periodS`, soft edges. */
export function headlights(o: { y: number; speed: number; periodS: number; durationS: number }): string {
  const lamp = (cx: number): string => `max(0,255-12*max(0,hypot(X-${cx},Y-12)-9))`;
  return [
    layer('hl', 80, 24, o.durationS, { r: '255', g: '246', b: '205', a: `max(${lamp(12)},${lamp(68)})` }),
    `[bg][hl]overlay=x='mod(${o.speed}*t,${o.speed * o.periodS})-80':y=${o.y}[out]`,
  ].join(';');
}

/** Steady lit signs: evenly lit red-orange and orange-yellow panels. */
export function litSigns(): string {
  return `[bg]drawbox=x=430:y=70:w=96:h=34:color=0xE8561E:t=fill,drawbox=x=80:y=300:w=60:h=40:color=0xFFA030:t=fill[out]`;
}

/**
 * A wet-road reflection: a long thin vertical streak, orange fading to white-orange,
 * shimmering slightly along its length and drifting sideways with its source.
 */
export function reflection(o: { x: number; y: number; durationS: number }): string {
  const fade = '(1-0.6*Y/H)';
  return [
    layer('rf', 10, 130, o.durationS, {
      r: '255',
      g: `170+18*sin(0.25*Y+6*T)`,
      b: '60',
      a: `255*${fade}*(0.85+0.15*sin(0.4*Y-5*T))`,
    }),
    `[bg][rf]overlay=x='${o.x}+25*sin(0.6*t)':y=${o.y}[out]`,
  ].join(';');
}

// ---- smoke --------------------------------------------------------------------------------

/** A grey veil (smoke) spreading from (cx, cy) from `t0`, growing for `growS` seconds to `radius`, 80 % opaque. */
export function greyVeil(o: { cx: number; cy: number; radius: number; t0: number; growS: number; durationS: number }): string {
  const size = 2 * o.radius;
  const rad = `(${o.radius}*min(1,max(0,(T-${o.t0})/${o.growS})))`;
  return [
    layer('sm', size, size, o.durationS, {
      r: '200',
      g: '200',
      b: '202',
      a: `if(lte(hypot(X-W/2,(Y-H/2)*1.2),${rad}),205,0)`,
    }),
    `[bg][sm]overlay=x=${o.cx - o.radius}:y=${o.cy - o.radius}[out]`,
  ].join(';');
}

// ---- tamper -------------------------------------------------------------------------------

/** The whole picture filled with `colour` (black: covered, white: blinded) from `t0`. */
export function filled(colour: 'black' | 'white', t0: number): string {
  return `[bg]drawbox=x=0:y=0:w=iw:h=ih:color=${colour}:t=fill:enable='gte(t,${t0})'[out]`;
}

/** The picture blurred (defocused lens) from `t0`. */
export function defocus(t0: number): string {
  return `[bg]split[a][b];[b]boxblur=luma_radius=12:luma_power=2:chroma_radius=6[bl];[a][bl]overlay=enable='gte(t,${t0})'[out]`;
}

/** The camera turned: from `t0` the picture shows a part of the scene 20 % to the side (crop, scaled back). */
export function turned(t0: number): string {
  return `[bg]split[a][b];[b]crop=iw*0.8:ih*0.8:iw*0.2:ih*0.1,scale=${CLIP_WIDTH}:-2[sh];[a][sh]overlay=enable='gte(t,${t0})'[out]`;
}

/** Dusk: brightness and contrast fall over `rampS` seconds from `t0` (a global lighting change). */
export function dusk(t0: number, rampS: number): string {
  const p = `min(1,max(0,(t-${t0})/${rampS}))`;
  return `[bg]eq=brightness='-0.25*${p}':contrast='1-0.4*${p}':eval=frame[out]`;
}

/** The background unchanged. */
export const untouched = '[bg]null[out]';

// ---- analysis -----------------------------------------------------------------------------

/** A situation a rule raised over a clip: [start, end] in stream seconds. */
export interface RaisedSituation {
  readonly type: string;
  readonly ruleId: string;
  readonly key: number;
  readonly start: number;
  readonly end: number;
  readonly details: Readonly<Record<string, unknown>>;
}

/**
 * Runs rules over a clip at `fps` and CLIP_WIDTH through the production scene
 * stage, without tracking (these rules read pixels only); returns the
 * situations raised and every frame's scene readings.
 */
export async function runHazardRules(
  path: string,
  rules: readonly Rule<unknown>[],
  fps = 5,
): Promise<{ readonly situations: RaisedSituation[]; readonly readings: { readonly tSec: number; readonly scene: SceneObservations }[] }> {
  const stage = createSceneStage(rules.flatMap((r) => (r.scene ? [r.scene] : [])));
  const info = await probeSource(path);
  const source = openFrameSource({ source: path, info, fps, width: CLIP_WIDTH });
  let states = rules.map((r) => r.init());
  const open = new Map<string, { type: string; ruleId: string; key: number; start: number; end: number; details: Readonly<Record<string, unknown>> }>();
  const situations: RaisedSituation[] = [];
  const readings: { tSec: number; scene: SceneObservations }[] = [];
  let lastT = 0;
  try {
    for await (const image of source) {
      const tSec = image.ptsMs / 1000;
      lastT = tSec;
      const tracks: TrackFrame = { tSec, seq: image.seq, width: image.width, height: image.height, tracks: [], endedTrackIds: [] };
      const scene = stage.observe(image, tracks);
      readings.push({ tSec, scene });
      states = rules.map((rule, i) => {
        const step = rule.evaluate(states[i], tracks, { wallMs: image.wallMs, scene });
        for (const s of step.signals) {
          const id = `${s.ruleId}/${s.trackId}`;
          if (s.kind === 'situation.active') {
            const prev = open.get(id);
            open.set(id, { type: s.type, ruleId: s.ruleId, key: s.trackId, start: prev?.start ?? s.tSec, end: s.tSec, details: s.details });
          } else if (s.kind === 'situation.ended') {
            const prev = open.get(id);
            if (prev) situations.push({ ...prev, end: s.tSec });
            open.delete(id);
          }
        }
        return step.state;
      });
    }
  } finally {
    await source.stop();
  }
  for (const s of open.values()) situations.push({ ...s, end: lastT });
  return { situations: situations.sort((a, b) => a.start - b.start), readings };
}

// ---- the rendered set ---------------------------------------------------------------------

/**
 * Every rendered clip. Positives say in their name what they must raise; the
 * annotations (test/fixtures/annotations/hazard-rendered.json, camera = clip
 * name) give the expected intervals. Negatives carry no annotation: any event
 * on them is a false alarm.
 */
export const HAZARD_CLIPS: readonly HazardClipSpec[] = [
  // fire: positives
  { name: 'fire-flame-pets', background: PETS, startS: 5, durationS: 20, graph: flame({ x: 150, y: 330, w: 40, h: 64, t0: 6, durationS: 20 }) },
  { name: 'fire-flame-car-park', background: CAR_PARK, startS: 0, durationS: 20, graph: flame({ x: 420, y: 200, w: 40, h: 64, t0: 5, durationS: 20 }) },
  // fire: the field trial's false alarms
  { name: 'fire-beacon-orange-1hz', background: PETS, startS: 5, durationS: 20, graph: beacon({ colour: 'FF8200', hz: 1, duty: 0.5, x: 200, y: 330, radius: 12, durationS: 20 }) },
  { name: 'fire-beacon-orange-2hz', background: CAR_PARK, startS: 0, durationS: 20, graph: beacon({ colour: 'FF9A10', hz: 2, duty: 0.6, x: 420, y: 200, radius: 14, durationS: 20 }) },
  { name: 'fire-beacon-blue', background: PETS, startS: 5, durationS: 20, graph: beacon({ colour: '2850FF', hz: 1.5, duty: 0.5, x: 200, y: 330, radius: 12, durationS: 20 }) },
  { name: 'fire-headlights', background: CAR_PARK, startS: 0, durationS: 20, graph: headlights({ y: 200, speed: 90, periodS: 9, durationS: 20 }) },
  { name: 'fire-lit-signs', background: PETS, startS: 5, durationS: 20, graph: litSigns() },
  { name: 'fire-wet-road-reflection', background: CAR_PARK, startS: 0, durationS: 20, graph: reflection({ x: 300, y: 180, durationS: 20 }) },
  // smoke
  { name: 'smoke-veil-pets', background: PETS, startS: 5, durationS: 30, graph: greyVeil({ cx: 370, cy: 70, radius: 110, t0: 5, growS: 12, durationS: 30 }) },
  { name: 'smoke-veil-pets-grass', background: PETS, startS: 30, durationS: 30, graph: greyVeil({ cx: 150, cy: 380, radius: 110, t0: 5, growS: 12, durationS: 30 }) },
  // camera tamper: positives after a normal period
  { name: 'tamper-covered', background: PETS, startS: 5, durationS: 20, graph: filled('black', 8) },
  { name: 'tamper-blinded', background: PETS, startS: 5, durationS: 20, graph: filled('white', 8) },
  { name: 'tamper-defocused', background: PETS, startS: 5, durationS: 20, graph: defocus(8) },
  { name: 'tamper-moved', background: PETS, startS: 5, durationS: 20, graph: turned(8) },
  { name: 'tamper-moved-car-park', background: CAR_PARK, startS: 0, durationS: 20, graph: turned(8) },
  // normal footage and global lighting changes: nothing
  { name: 'normal-pets', background: PETS, startS: 0, durationS: 30, graph: untouched },
  { name: 'normal-car-park', background: CAR_PARK, startS: 0, durationS: 30.2, graph: untouched },
  { name: 'dusk-pets', background: PETS, startS: 40, durationS: 25, graph: dusk(6, 8) },
];

export function hazardClip(name: string): HazardClipSpec {
  const spec = HAZARD_CLIPS.find((c) => c.name === name);
  if (!spec) throw new Error(`no rendered clip named ${name}`);
  return spec;
}

/** Rules of `types` with their default settings (what the tests prove), on a camera with no zones. */
export function defaultHazardRules(types: readonly ('fire' | 'smoke' | 'camera_tamper')[]): Rule<unknown>[] {
  return types.map((type) => createRule(ruleSchema.parse({ id: type.replace('_', '-'), type }) as Extract<RuleConfig, { type: typeof type }>, { zones: [], lines: [] }));
}

/** Renders the named clips into `dir` and runs `rules()` (fresh per clip) over each; situations by clip name. */
export async function analyseHazardClips(dir: string, names: readonly string[], rules: () => Rule<unknown>[]): Promise<Map<string, RaisedSituation[]>> {
  const out = new Map<string, RaisedSituation[]>();
  for (const name of names) {
    const path = await renderHazardClip(dir, hazardClip(name));
    out.set(name, (await runHazardRules(path, rules())).situations);
  }
  return out;
}

/** The annotations of the rendered set. */
export function renderedAnnotations(): Annotation[] {
  const file = new URL('../fixtures/annotations/hazard-rendered.json', import.meta.url);
  return annotationsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/** Situations of every clip as scored events (camera = clip name). */
export function asScoredEvents(byClip: ReadonlyMap<string, readonly RaisedSituation[]>): ScoredEvent[] {
  return [...byClip].flatMap(([camera, list]) => list.map((s) => ({ type: s.type as EventType, camera, start: s.start, end: s.end })));
}

// ---- synthetic small frames (analyser unit tests) -----------------------------------------

export const SW = 160;
export const SH = 120;

/** A fixed textured scene (paving-like blocks plus fine grain), slightly coloured, as RGB. */
export function texturedScene(seed = 7): Uint8Array {
  const random = rng(seed);
  const blocks = Array.from({ length: 40 * 30 }, () => 70 + random() * 110);
  const rgb = new Uint8Array(SW * SH * 3);
  for (let y = 0; y < SH; y++) {
    for (let x = 0; x < SW; x++) {
      const v = blocks[Math.floor(y / 4) * 40 + Math.floor(x / 4)]! + (random() - 0.5) * 30;
      const p = (y * SW + x) * 3;
      rgb[p] = clamp(v + 4);
      rgb[p + 1] = clamp(v);
      rgb[p + 2] = clamp(v - 6);
    }
  }
  // Some structure with strong edges (kerbs, walls, windows), as real scenes have.
  for (let k = 0; k < 8; k++) {
    const w = 6 + Math.floor(random() * 20);
    const h = 4 + Math.floor(random() * 16);
    const v = random() < 0.5 ? 30 : 225;
    paint(rgb, Math.floor(random() * (SW - w)), Math.floor(random() * (SH - h)), w, h, [v, v, v]);
  }
  return rgb;
}

/** A scene frame of `rgb` (copied) at `tSec`, with a little sensor noise from `random`. */
export function sceneFrame(rgb: Uint8Array, tSec: number, random: () => number): SceneFrame {
  const data = new Uint8Array(rgb.length);
  const grey = new Uint8Array(SW * SH);
  for (let i = 0, p = 0; i < SW * SH; i++, p += 3) {
    const n = Math.round((random() - 0.5) * 3);
    data[p] = clamp(rgb[p]! + n);
    data[p + 1] = clamp(rgb[p + 1]! + n);
    data[p + 2] = clamp(rgb[p + 2]! + n);
    grey[i] = (77 * data[p]! + 150 * data[p + 1]! + 29 * data[p + 2]!) >> 8;
  }
  const small: SmallFrame = { width: SW, height: SH, rgb: data, grey };
  const seq = Math.round(tSec * 5);
  return {
    image: { cameraId: 'test', seq, ptsMs: tSec * 1000, wallMs: 0, width: SW, height: SH, data },
    small,
    tracks: { tSec, seq, width: SW, height: SH, tracks: [], endedTrackIds: [] },
    tSec,
  };
}

/** Paints a rectangle of colour (r, g, b) into `rgb`, blended with opacity `alpha`. */
export function paint(rgb: Uint8Array, x0: number, y0: number, w: number, h: number, colour: readonly [number, number, number], alpha = 1): void {
  for (let y = Math.max(0, y0); y < Math.min(SH, y0 + h); y++) {
    for (let x = Math.max(0, x0); x < Math.min(SW, x0 + w); x++) {
      const p = (y * SW + x) * 3;
      for (let c = 0; c < 3; c++) rgb[p + c] = clamp(rgb[p + c]! * (1 - alpha) + colour[c]! * alpha);
    }
  }
}

export function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

/** Frames at 5 fps from 0 to `untilS`: `draw(t, rgb)` paints frame t over a copy of `scene`. */
export function* frames5fps(scene: Uint8Array, untilS: number, draw: (t: number, rgb: Uint8Array) => void, seed = 1): Generator<SceneFrame> {
  const random = rng(seed);
  for (let k = 0; k * 0.2 <= untilS + 1e-9; k++) {
    const t = Math.round(k * 2) / 10;
    const rgb = scene.slice();
    draw(t, rgb);
    yield sceneFrame(rgb, t, random);
  }
}
