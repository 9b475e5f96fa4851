import type { TamperKind } from '../../config/schema.js';
import { emaWeight, frameStep } from './fire-smoke-regions.js';
import { correlation, edgeRetention, measureFrame, type FrameMeasures } from './tamper-measures.js';
import type { SceneAnalyser, SceneFrame, TamperReading } from './types.js';

/** Tuning of the tamper checks; the defaults are what the rendered regression set was checked with. */
export interface TamperAnalyserOptions {
  /** Seconds of frames averaged into the first reference. */
  readonly learnS: number;
  /** Time constant (s) of the reference while nothing is tampered (follows dusk, seasons, parked cars). */
  readonly referenceTauS: number;
  /** Side (small-frame pixels) of the squares of the edge map compared for `moved`. */
  readonly edgeBlock: number;
  /** covered: mean luma below this ... */
  readonly darkBrightness: number;
  /** blinded: mean luma above this ... */
  readonly brightBrightness: number;
  /** ... and luma standard deviation below this (a flat picture). */
  readonly flatContrast: number;
  /** defocused: sharpness (gradient / contrast) below this share of the reference's. */
  readonly defocusRatio: number;
  /** moved: edge map correlation with the reference below this ... */
  readonly movedCorrelation: number;
  /** ... and fewer than this share of the reference's strong edges are still in place ... */
  readonly movedRetention: number;
  /** ... while sharpness is at least this share of the reference's (a blur decorrelates too). */
  readonly movedMinSharpness: number;
  /** A scene moved for this long becomes the new reference (the camera was re-aimed for good). */
  readonly relearnAfterS: number;
}

export const DEFAULT_TAMPER_OPTIONS: TamperAnalyserOptions = {
  learnS: 3,
  referenceTauS: 60,
  edgeBlock: 4,
  darkBrightness: 40,
  brightBrightness: 215,
  flatContrast: 12,
  defocusRatio: 0.45,
  movedCorrelation: 0.4,
  movedRetention: 0.6,
  movedMinSharpness: 0.6,
  relearnAfterS: 600,
};

/**
 * Tells camera tampering from the picture as a whole, against a reference
 * learnt over the first seconds and then followed slowly while nothing is
 * wrong. Every measure is relative so global lighting changes cancel:
 * sharpness is gradient over contrast (a darker picture has weaker gradients
 * and less contrast alike), and `moved` compares the shape of the edge map
 * (correlation ignores its gain).
 * - covered: dark and flat; blinded: bright and flat;
 * - defocused: sharpness far below the reference's (and not covered/blinded);
 * - moved: sharp, lit, but the edges are no longer where they were (low
 *   correlation with the reference's edge map, and most of its strong edges gone:
 *   a car parking in front of the camera changes the first, not the second).
 */
export function createTamperAnalyser(options: TamperAnalyserOptions = DEFAULT_TAMPER_OPTIONS): SceneAnalyser<'tamper'> {
  let maps: { edge: Float32Array; reference: Float32Array; include: Uint8Array; width: number; height: number } | null = null;
  const histogram = new Uint32Array(256);
  const now: FrameMeasures = { brightness: 0, contrast: 0, gradient: 0 };
  let referenceSharpness = 0;
  let learnStartS = 0;
  let learnedFrames = 0;
  let prevT: number | null = null;
  let movedSinceS: number | null = null;

  const adopt = (weight: number, sharpness: number): void => {
    const { edge, reference } = maps!;
    for (let i = 0; i < edge.length; i++) reference[i] = reference[i]! + weight * (edge[i]! - reference[i]!);
    referenceSharpness += weight * (sharpness - referenceSharpness);
  };

  return {
    key: 'tamper',
    observe(frame: SceneFrame): TamperReading {
      const { width, height, grey } = frame.small;
      if (!maps || maps.width !== width || maps.height !== height) {
        const size = Math.floor(width / options.edgeBlock) * Math.floor(height / options.edgeBlock);
        maps = { edge: new Float32Array(size), reference: new Float32Array(size), include: new Uint8Array(size), width, height };
        learnedFrames = 0;
        learnStartS = frame.tSec;
        prevT = null;
        movedSinceS = null;
      }
      const dt = frameStep(prevT, frame.tSec);
      prevT = frame.tSec;
      measureFrame(grey, width, height, options.edgeBlock, maps.edge, now);
      const sharpness = now.gradient / (now.contrast + 1);
      const covered = now.brightness < options.darkBrightness && now.contrast < options.flatContrast;
      const blinded = now.brightness > options.brightBrightness && now.contrast < options.flatContrast;

      if (frame.tSec - learnStartS < options.learnS || learnedFrames === 0) {
        // A covered or blinded start teaches nothing about the scene.
        if (!covered && !blinded) adopt(1 / ++learnedFrames, sharpness);
        return { conditions: [], measures: measuresOf(now, sharpness, referenceSharpness, 1, 1), referenceReady: false };
      }
      const sharpnessRatio = referenceSharpness > 0 ? sharpness / referenceSharpness : 1;
      const edgeCorrelation = correlation(maps.edge, maps.reference);
      const retention = edgeRetention(maps.edge, maps.reference, maps.include, histogram);
      const defocused = !covered && !blinded && sharpnessRatio < options.defocusRatio;
      const moved =
        !covered &&
        !blinded &&
        sharpnessRatio >= options.movedMinSharpness &&
        edgeCorrelation < options.movedCorrelation &&
        retention < options.movedRetention;

      const conditions: TamperKind[] = [];
      if (covered) conditions.push('covered');
      if (blinded) conditions.push('blinded');
      if (defocused) conditions.push('defocused');
      if (moved) conditions.push('moved');

      movedSinceS = moved ? (movedSinceS ?? frame.tSec) : null;
      if (conditions.length === 0) adopt(emaWeight(dt, options.referenceTauS), sharpness);
      else if (movedSinceS !== null && frame.tSec - movedSinceS >= options.relearnAfterS) {
        adopt(1, sharpness);
        movedSinceS = null;
      }
      return { conditions, measures: measuresOf(now, sharpness, referenceSharpness, edgeCorrelation, retention), referenceReady: true };
    },
  };
}

function measuresOf(m: FrameMeasures, sharpness: number, referenceSharpness: number, edgeCorrelation: number, retention: number): Record<string, number> {
  return {
    brightness: round2(m.brightness),
    contrast: round2(m.contrast),
    sharpness_ratio: round2(referenceSharpness > 0 ? sharpness / referenceSharpness : 1),
    edge_correlation: round2(edgeCorrelation),
    edge_retention: round2(retention),
  };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
