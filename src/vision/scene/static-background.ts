/**
 * The static-scene analyser: what has newly appeared in the scene and stayed
 * (abandoned objects, dumped waste, bags piling at a bin), from pixels rather
 * than detector classes. Composition of three parts, all on the shared small
 * frame: the dual-background pixel model (static-model.ts), who was there when
 * pixels changed (static-owners.ts), and regions with stable ids, people and
 * vehicles left out (static-regions.ts).
 */
import { DEFAULT_STATIC_MODEL_OPTIONS, StaticPixelModel, type StaticModelOptions } from './static-model.js';
import { StaticOwners } from './static-owners.js';
import { StaticRegionTracker } from './static-regions.js';
import type { SceneAnalyser, SceneFrame, StaticSceneReading } from './types.js';

export type StaticSceneOptions = StaticModelOptions;

interface Parts {
  readonly model: StaticPixelModel;
  readonly owners: StaticOwners;
  readonly regions: StaticRegionTracker;
}

/**
 * `options.holdS` bounds how long an object can stay before the long-term
 * background absorbs it: it must exceed the longest `min_duration_s` of the
 * camera's static rules (default 30 min).
 */
export function createStaticSceneAnalyser(options: Partial<StaticSceneOptions> = {}): SceneAnalyser<'static'> {
  const settings: StaticSceneOptions = { ...DEFAULT_STATIC_MODEL_OPTIONS, ...options };
  let parts: Parts | null = null;
  return {
    key: 'static',
    observe(frame: SceneFrame): StaticSceneReading {
      const { width, height } = frame.small;
      if (!parts || parts.model.width !== width || parts.model.height !== height) {
        parts = { model: new StaticPixelModel(width, height, settings), owners: new StaticOwners(width, height), regions: new StaticRegionTracker(width, height) };
      }
      const { model, owners, regions } = parts;
      const phase = model.update(frame.small, frame.tSec);
      const grid = { width, height, cells: regions.cells };
      if (phase !== 'ready') {
        regions.reset();
        return { warm: phase !== 'warming', regions: [], grid };
      }
      owners.update(frame.tracks, model.foreground, model.foregroundSince, frame.tSec);
      return { warm: true, regions: regions.update(model, frame.small, owners, frame.tSec), grid };
    },
  };
}
