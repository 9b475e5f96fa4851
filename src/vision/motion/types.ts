import type { BoxXYXY } from '../../contracts/geometry.js';

/**
 * Options of the motion detector. Every field has a default
 * (`DEFAULT_MOTION_OPTIONS`); the defaults were tuned on car-detection.mp4
 * (12.5 fps, overhead car-park view with strong auto-exposure swings) and
 * PETS09-S2L1 (10 fps, pedestrians), both analysed at 640 px wide.
 */
export interface MotionDetectorOptions {
  /**
   * Target width of the analysis grid in cells. The frame is box-averaged by
   * the integer factor closest to `frameWidth / analysisWidthPx` (640 -> 320
   * with the default, factor 2). Smaller is faster and less sensitive to
   * noise, but objects narrower than ~3 cells vanish in the morphology.
   */
  readonly analysisWidthPx: number;
  /**
   * Grey-level difference (0-255, after exposure compensation) above which a
   * cell is foreground. Lower finds low-contrast objects (a dark car on dark
   * asphalt) but lets sensor noise and compression artefacts through.
   */
  readonly diffThresholdGrey: number;
  /**
   * Time constant, in analysed frames, of the background's running average
   * where nothing moves. Shorter follows slow light changes faster; longer
   * keeps slow or briefly stopping objects out of the background.
   */
  readonly backgroundTimeConstantFrames: number;
  /**
   * Time constant, in analysed frames, with which foreground cells still leak
   * into the background. An object that stops is absorbed after about this
   * many frames (and a ghost left by a parked object that drives off fades
   * as fast). Longer keeps stopped objects visible longer.
   */
  readonly foregroundTimeConstantFrames: number;
  /**
   * Net shift of the scene's dominant grey level over the last
   * `lightingWindowFrames` frames, in grey levels, from which the frame is
   * flagged `lightingChange`. The shift is compensated either way; the flag
   * tells consumers that regions found now are less certain.
   */
  readonly lightingChangeGreyLevels: number;
  /** Frames over which the exposure shift is summed for `lightingChange` (8 = 0.64 s at 12.5 fps). */
  readonly lightingWindowFrames: number;
  /**
   * Fraction of the analysed cells that, if still foreground after exposure
   * compensation, means the whole scene changed (camera moved, lights switched,
   * compensation failed): the background is reset to the current frame and no
   * region is reported for that frame.
   */
  readonly sceneChangeRatio: number;
  /**
   * 3x3 closings (dilate then erode, this many times each) after the 3x3
   * opening. Each one bridges gaps of about two analysis cells between
   * fragments of one object; too many merge neighbouring objects.
   */
  readonly closeIterations: number;
  /** Regions smaller than this fraction of the frame area are dropped (speckle, leaves). */
  readonly minRegionAreaFrac: number;
  /** Most regions reported per frame (largest first); further ones are counted in `droppedRegions`. */
  readonly maxRegions: number;
}

export const DEFAULT_MOTION_OPTIONS: Readonly<MotionDetectorOptions> = Object.freeze({
  analysisWidthPx: 320,
  diffThresholdGrey: 20,
  backgroundTimeConstantFrames: 30,
  foregroundTimeConstantFrames: 600,
  lightingChangeGreyLevels: 10,
  lightingWindowFrames: 8,
  sceneChangeRatio: 0.6,
  closeIterations: 2,
  minRegionAreaFrac: 0.0008,
  maxRegions: 64,
});

/** One moving area in one frame. */
export interface MotionRegion {
  /** Bounding box in the pixel coordinates of the analysed frame. */
  readonly box: BoxXYXY;
  /** Foreground area in frame pixels (analysis cells times the cell area). */
  readonly areaPx: number;
  /** areaPx / box area, in (0,1]: how solid the blob is. */
  readonly fillRatio: number;
  /**
   * Share of the region's foreground that also changed since the previous frame,
   * in [0,1]. Near 0 for something that differs from the background but is still:
   * a stopped object, or the ghost an object leaves where it stood for long.
   */
  readonly movingRatio: number;
}

/** What the motion detector found in one frame. */
export interface MotionResult {
  /** `seq` of the frame analysed. */
  readonly seq: number;
  /** Size of the analysed frame (boxes are in these pixels). */
  readonly width: number;
  readonly height: number;
  /** Moving areas, largest first; empty when nothing moves (the detector can be skipped). */
  readonly regions: readonly MotionRegion[];
  /** Fraction of analysis cells differing from the compensated background, before morphology. */
  readonly changedRatio: number;
  /** true while the global exposure is changing (|exposureShiftGrey| >= `lightingChangeGreyLevels`) or on a scene reset. */
  readonly lightingChange: boolean;
  /** Net shift of the dominant grey level over the last `lightingWindowFrames` frames (negative = darker). */
  readonly exposureShiftGrey: number;
  /** Largest shift of the global tone curve since the previous frame, over all grey levels. */
  readonly toneShiftGrey: number;
  /** true when the background was reset to this frame (first frame, size change or scene change). */
  readonly backgroundReset: boolean;
  /** Regions beyond `maxRegions`, not reported. */
  readonly droppedRegions: number;
}
