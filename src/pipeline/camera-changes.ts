import type { CameraConfig } from '../config/schema.js';
import { createPrivacyMasker } from '../privacy/mask.js';
import { createCameraRules } from '../rules/registry.js';

/** What differs between two configurations of one camera, by what must be rebuilt. */
export interface CameraConfigChanges {
  /** The frame source must restart: source, loop, detect.fps or detect.width changed. */
  readonly source: boolean;
  /** Mask, motion, detection stage and tracker: masks or other detect settings changed. */
  readonly perception: boolean;
  /** Rules and their state: zones, lines or rules changed. */
  readonly rules: boolean;
}

/**
 * Throws (with the reason) when a camera cannot run: a rule referring to a
 * missing zone or line, a bad mask, a model backend without a detector.
 */
export function assertRunnableCamera(camera: CameraConfig, hasDetector: boolean): void {
  if (camera.detect.backend !== 'motion' && !hasDetector) {
    throw new Error(`camera ${camera.id}: detect.backend "${camera.detect.backend}" needs the detector pool, and none was given`);
  }
  createPrivacyMasker(camera.masks);
  createCameraRules(camera);
}

export function cameraConfigChanges(before: CameraConfig, after: CameraConfig): CameraConfigChanges {
  const { fps: fpsA, width: widthA, ...detectA } = before.detect;
  const { fps: fpsB, width: widthB, ...detectB } = after.detect;
  return {
    source: before.source !== after.source || before.loop !== after.loop || fpsA !== fpsB || widthA !== widthB,
    perception: !sameJson(before.masks, after.masks) || !sameJson(detectA, detectB),
    rules: !sameJson([before.zones, before.lines, before.rules, before.ground_plane], [after.zones, after.lines, after.rules, after.ground_plane]),
  };
}

/** Structural equality of JSON-like values, whatever the key order. */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}
