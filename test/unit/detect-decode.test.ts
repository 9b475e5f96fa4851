import { describe, expect, it } from 'vitest';
import { cocoClassFromIndex, cocoIndexOfClass } from '../../src/vision/detect/coco.js';
import { decodeCenterNetOutput } from '../../src/vision/detect/centernet.js';
import { createDetector, DETECTOR_BACKENDS, isDetectorBackendName } from '../../src/vision/detect/detector.js';
import type { InputMapping } from '../../src/vision/detect/preprocess.js';

describe('COCO indices', () => {
  it('maps indices from 0 to Vigie classes', () => {
    expect([0, 1, 2, 3, 5, 7, 79].map(cocoClassFromIndex)).toEqual(['person', 'bicycle', 'car', 'motorcycle', 'bus', 'truck', 'toothbrush']);
    expect([-1, 80, 1.5, Number.NaN].map(cocoClassFromIndex)).toEqual([undefined, undefined, undefined, undefined]);
    expect(cocoIndexOfClass('truck')).toBe(7);
    expect(cocoIndexOfClass('object')).toBe(-1);
  });
});

describe('decodeCenterNetOutput', () => {
  // A 768x576 frame stretched to 512x512.
  const stretch: InputMapping = { scaleX: 512 / 768, scaleY: 512 / 576, offsetX: 0, offsetY: 0, frameWidth: 768, frameHeight: 576 };
  const rows = (...r: number[][]) => Float32Array.from(r.flat());
  const opts = { minScore: 0.4, nmsIouThreshold: 0.5 };

  it('maps boxes to frame pixels and keeps rows at or above the score threshold', () => {
    const out = decodeCenterNetOutput(rows([128, 64, 256, 128, 0.9, 0], [0, 0, 10, 10, 0.39, 0], [300, 300, 400, 400, 0.4, 2]), stretch, opts);
    expect(out).toHaveLength(2);
    expect(out[0]!.cls).toBe('person');
    expect(out[0]!.score).toBeCloseTo(0.9, 6);
    expect(out[0]!.box).toEqual([192, 72, 384, 144]);
    expect(out[1]!.cls).toBe('car');
  });

  it('clips boxes to the frame and drops those outside it', () => {
    const out = decodeCenterNetOutput(rows([-20, -10, 100, 600, 0.8, 0], [600, 0, 700, 10, 0.8, 0]), stretch, opts);
    expect(out).toHaveLength(1);
    expect(out[0]!.box[0]).toBe(0);
    expect(out[0]!.box[1]).toBe(0);
    expect(out[0]!.box[3]).toBe(576);
  });

  it('filters classes, drops unknown class indices and applies class-aware NMS', () => {
    const input = rows(
      [10, 10, 50, 100, 0.9, 0],
      [12, 10, 52, 100, 0.8, 0], // duplicate person
      [12, 10, 52, 100, 0.7, 1], // bicycle at the same place: kept
      [100, 100, 150, 150, 0.9, 80], // no such COCO class
    );
    expect(decodeCenterNetOutput(input, stretch, opts).map((d) => d.cls)).toEqual(['person', 'bicycle']);
    expect(decodeCenterNetOutput(input, stretch, { ...opts, classes: new Set(['bicycle'] as const) }).map((d) => d.cls)).toEqual(['bicycle']);
  });

  it('undoes letterbox offsets', () => {
    const letterbox: InputMapping = { scaleX: 2 / 3, scaleY: 2 / 3, offsetX: 0, offsetY: 64, frameWidth: 768, frameHeight: 576 };
    const out = decodeCenterNetOutput(rows([0, 64, 512, 448, 0.5, 0]), letterbox, opts);
    expect(out[0]!.box).toEqual([0, 0, 768, 576]);
  });
});

describe('detector backend registry', () => {
  it('lists its backends explicitly and refuses unknown ones', async () => {
    expect(Object.keys(DETECTOR_BACKENDS)).toEqual(['centernet', 'centernet-onnx', 'yolo-onnx']);
    expect(isDetectorBackendName('centernet')).toBe(true);
    expect(isDetectorBackendName('toString')).toBe(false);
    await expect(createDetector('yolo' as never, {} as never)).rejects.toThrow(/unknown detector backend "yolo": use one of centernet/);
  });
});
