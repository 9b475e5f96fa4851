import type { RgbFrame } from '../../contracts/frame.js';
import type { TrackFrame } from '../../contracts/track.js';
import { createFireAnalyser } from './fire.js';
import { createLampReader } from './lamp.js';
import { createDownscaler } from './small-frame.js';
import { createSmokeAnalyser } from './smoke.js';
import { createStaticSceneAnalyser } from './static-background.js';
import { createTamperAnalyser } from './tamper.js';
import type { SceneFrame, SceneObservations, SceneRequest } from './types.js';

/** Computes, per frame, the scene observations the camera's rules asked for. */
export interface SceneStage {
  /** true when no rule needs pixels: `observe` then costs nothing. */
  readonly idle: boolean;
  /** Call once per analysed frame, in order, after tracking (the image is the masked one). */
  observe(image: RgbFrame, tracks: TrackFrame): SceneObservations;
}

const NOTHING: SceneObservations = Object.freeze({});

/** Static objects stay in the foreground at least 30 min, and twice as long as the longest static rule waits. */
export const MIN_STATIC_HOLD_S = 1800;
const staticHoldS = (requests: readonly SceneRequest[]): number =>
  Math.max(MIN_STATIC_HOLD_S, ...requests.map((r) => 2 * (r.staticMinDurationS ?? 0)));

/** Builds one analyser per kind of observation any request asks for (shared by every rule asking). */
export function createSceneStage(requests: readonly SceneRequest[]): SceneStage {
  const want = (key: 'static' | 'fire' | 'smoke' | 'tamper'): boolean => requests.some((r) => r[key] === true);
  const lamps = requests.flatMap((r) => r.lamps ?? []);
  const analysers = {
    static: want('static') ? createStaticSceneAnalyser({ holdS: staticHoldS(requests) }) : null,
    fire: want('fire') ? createFireAnalyser() : null,
    smoke: want('smoke') ? createSmokeAnalyser() : null,
    tamper: want('tamper') ? createTamperAnalyser() : null,
    lamps: lamps.length > 0 ? createLampReader(lamps) : null,
  };
  const idle = Object.values(analysers).every((a) => a === null);
  const downscale = createDownscaler();
  return {
    idle,
    observe(image, tracks) {
      if (idle) return NOTHING;
      const frame: SceneFrame = { image, small: downscale(image), tracks, tSec: tracks.tSec };
      return {
        ...(analysers.static ? { static: analysers.static.observe(frame) } : {}),
        ...(analysers.fire ? { fire: analysers.fire.observe(frame) } : {}),
        ...(analysers.smoke ? { smoke: analysers.smoke.observe(frame) } : {}),
        ...(analysers.tamper ? { tamper: analysers.tamper.observe(frame) } : {}),
        ...(analysers.lamps ? { lamps: analysers.lamps.observe(frame) } : {}),
      };
    },
  };
}
