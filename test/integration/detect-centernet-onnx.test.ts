/**
 * The bundled CenterNet converted to ONNX against the original TF.js graph, on
 * real PETS09-S2L1 frames: the raw heads agree within 1e-3 and the decoded
 * detections are the same boxes; the converted model also runs at other input
 * sizes and on crops.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Detection } from '../../src/contracts/detection.js';
import { createCenterNetDetector, readAllowedModel, useWasmBackend } from '../../src/vision/detect/centernet.js';
import type { Detector } from '../../src/vision/detect/detector.js';
import { convertBundledCenterNet, createCenterNetOnnxDetector } from '../../src/vision/detect/onnx/centernet-onnx.js';
import { createOrtSession, loadOrt } from '../../src/vision/detect/onnx/ort-session.js';
import { createPreprocessor } from '../../src/vision/detect/preprocess.js';
import { decodeFrames, findPets, PETS_FRAME_COUNT, PETS_HEIGHT, PETS_WIDTH, spreadFrameIndices, type DecodedFrame } from '../helpers/detect-pets.js';

const pets = findPets();
if (pets.missing) console.warn(`skipping CenterNet ONNX comparison: ${pets.missing}`);

const SAMPLE_FRAMES = 6;
const SIZE = 512;
const GRID = SIZE / 4;

/** Largest |a - b| over every head value, reading TF.js NHWC against ONNX NCHW. */
function maxHeadDifference(nhwc: Float32Array, nchw: Float32Array, channels: number, relative: boolean): number {
  let worst = 0;
  for (let y = 0; y < GRID; y++) {
    for (let x = 0; x < GRID; x++) {
      for (let c = 0; c < channels; c++) {
        const a = nhwc[(y * GRID + x) * channels + c]!;
        const b = nchw[(c * GRID + y) * GRID + x]!;
        const diff = Math.abs(a - b) / (relative ? Math.max(1, Math.abs(a)) : 1);
        worst = Math.max(worst, diff);
      }
    }
  }
  return worst;
}

const sameDetections = (a: readonly Detection[], b: readonly Detection[]): boolean =>
  a.length === b.length &&
  a.every((d, i) => {
    const o = b[i]!;
    return d.cls === o.cls && Math.abs(d.score - o.score) < 1e-3 && d.box.every((v, k) => Math.abs(v - o.box[k]!) < 0.05);
  });

describe.skipIf(pets.missing !== undefined)('CenterNet converted to ONNX, against TF.js on PETS09-S2L1', () => {
  const frames: DecodedFrame[] = [];
  let tfjs: Detector | undefined;
  let onnx: Detector | undefined;

  beforeAll(async () => {
    for await (const f of decodeFrames(pets.dataset!.video, PETS_WIDTH, PETS_HEIGHT, new Set(spreadFrameIndices(SAMPLE_FRAMES, PETS_FRAME_COUNT)))) {
      frames.push(f);
    }
    tfjs = await createCenterNetDetector({ minScore: 0.3 });
    onnx = await createCenterNetOnnxDetector({ minScore: 0.3 });
  });

  afterAll(async () => {
    await tfjs?.close();
    await onnx?.close();
  });

  it('gives the same class heat maps (within 1e-3) and box sizes (within 1e-3 relative) as the TF.js graph', async () => {
    const artifacts = await readAllowedModel('centernet');
    await useWasmBackend();
    const graph = await tf.loadGraphModel({ load: () => Promise.resolve(artifacts) });
    const ort = await loadOrt();
    const session = await createOrtSession(await convertBundledCenterNet());
    const nhwc = createPreprocessor({ inputSize: SIZE, mode: 'stretch' });
    const nchw = createPreprocessor({ inputSize: SIZE, mode: 'stretch', layout: 'nchw' });
    try {
      for (const f of frames) {
        const [kp, wh] = tf.tidy(
          () => graph.execute({ 'tower_0/images': tf.tensor4d(nhwc.prepare(f).input, [1, SIZE, SIZE, 3]) }, ['tower_0/keypoints', 'tower_0/wh']) as tf.Tensor[],
        );
        const tfKeypoints = (await kp!.data()) as Float32Array;
        const tfSizes = (await wh!.data()) as Float32Array;
        kp!.dispose();
        wh!.dispose();
        const out = await session.run({ images: new ort.Tensor('float32', nchw.prepare(f).input, [1, 3, SIZE, SIZE]) });
        expect(maxHeadDifference(tfKeypoints, out['tower_0/keypoints']!.data as Float32Array, 80, false)).toBeLessThan(1e-3);
        expect(maxHeadDifference(tfSizes, out['tower_0/wh']!.data as Float32Array, 4, true)).toBeLessThan(1e-3);
      }
    } finally {
      graph.dispose();
      await session.release();
    }
  });

  it('decodes the same detections as the TF.js backend on every sampled frame', async () => {
    let total = 0;
    for (const f of frames) {
      const expected = await tfjs!.detect(f);
      const actual = await onnx!.detect(f);
      total += expected.length;
      expect(sameDetections(actual, expected), `frame ${f.index}`).toBe(true);
    }
    // PETS09 frames hold 4 to 8 people each: the comparison is not vacuous.
    expect(total).toBeGreaterThan(SAMPLE_FRAMES * 3);
  });

  it('finds the same people with a non-square input that fits the frame (no letterbox bands)', async () => {
    const f = frames[2]!;
    const square = (await onnx!.detect(f)).filter((d) => d.cls === 'person' && d.score >= 0.5);
    const fitted = (await onnx!.detect({ ...f, input: { width: 512, height: 384 } })).filter((d) => d.cls === 'person' && d.score >= 0.5);
    expect(fitted.length).toBe(square.length);
    for (const d of square) {
      const nearest = Math.min(...fitted.map((o) => Math.hypot(o.box[0] - d.box[0], o.box[1] - d.box[1])));
      expect(nearest).toBeLessThan(4);
    }
  });

  it('detects inside a crop with boxes in frame pixels, and nothing outside it', async () => {
    const f = frames[2]!;
    const people = (await onnx!.detect(f)).filter((d) => d.cls === 'person' && d.score >= 0.5);
    const target = people[0]!;
    const pad = 60;
    const crop = {
      x: Math.max(0, Math.floor(target.box[0]) - pad),
      y: Math.max(0, Math.floor(target.box[1]) - pad),
      width: 0,
      height: 0,
    };
    const rect = {
      ...crop,
      width: Math.min(f.width, Math.ceil(target.box[2]) + pad) - crop.x,
      height: Math.min(f.height, Math.ceil(target.box[3]) + pad) - crop.y,
    };
    const inCrop = await onnx!.detect({ ...f, crop: rect, input: { width: 256, height: 256 } });
    const match = inCrop.find((d) => d.cls === 'person' && Math.abs(d.box[0] - target.box[0]) < 8 && Math.abs(d.box[3] - target.box[3]) < 8);
    expect(match).toBeDefined();
    for (const d of inCrop) {
      expect(d.box[0]).toBeGreaterThanOrEqual(rect.x - 1);
      expect(d.box[2]).toBeLessThanOrEqual(rect.x + rect.width + 1);
    }
  });

  it('refuses an input size the backbone cannot take', async () => {
    await expect(onnx!.detect({ ...frames[0]!, input: { width: 500, height: 384 } })).rejects.toThrow(/multiple of 32/);
  });
});
