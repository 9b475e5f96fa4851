/**
 * The yolo-onnx detector through a real ONNX Runtime run. The test writes tiny
 * ONNX models itself: their output is a constant tensor of known boxes, plus one
 * anchor whose class scores are the centre pixel of the model input, so the
 * detections also prove the input normalisation of each format (channel order,
 * value scale) and the letterbox mapping back to a non-square frame.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Detection } from '../../src/contracts/detection.js';
import type { DetectorFrame } from '../../src/vision/detect/detector.js';
import {
  encodeOnnxModel,
  floatTensor,
  int64Tensor,
  OnnxDataType,
  type OnnxNode,
  type OnnxTensor,
} from '../../src/vision/detect/onnx/onnx-model.js';
import { createYoloOnnxDetector } from '../../src/vision/detect/onnx/yolo-detector.js';

const INPUT = 64;
/** 128x64, letterboxed into 64x64: scale 0.5, bands of 16 input rows above and below. */
const FRAME_WIDTH = 128;
const FRAME_HEIGHT = 64;
/** Uniform frame colour: the model reads it back from the centre input pixel. */
const RGB = [204, 51, 102] as const;

function uniformFrame(): DetectorFrame {
  const data = new Uint8Array(FRAME_WIDTH * FRAME_HEIGHT * 3);
  for (let i = 0; i < data.length; i += 3) data.set(RGB, i);
  return { data, width: FRAME_WIDTH, height: FRAME_HEIGHT };
}

/** Nodes taking the centre pixel of input `images` ([1, 3, H, W], H, W > 32) as `centre` ([1, 3, 1, 1]). */
function centrePixelNodes(): { nodes: OnnxNode[]; initializers: OnnxTensor[] } {
  return {
    nodes: [{ opType: 'Slice', name: 'centre', inputs: ['images', 'starts', 'ends', 'axes'], outputs: ['centre'] }],
    initializers: [int64Tensor('starts', [2], [32, 32]), int64Tensor('ends', [2], [33, 33]), int64Tensor('axes', [2], [2, 3])],
  };
}

/**
 * Ultralytics-style model, COCO classes, static input [1, 3, 64, 64], output
 * [1, 84, 4]: three constant anchors and a last anchor at cx 16, cy 40, 8x8
 * whose scores for classes 0, 1, 2 are the centre pixel's channels 0, 1, 2.
 */
function ultralyticsModel(): Uint8Array {
  const nc = 80;
  const constant: [number, number, number, number, Record<number, number>][] = [
    [32, 32, 16, 8, { 0: 0.9 }], // person -> frame [48, 24, 80, 40]
    [33, 32, 16, 8, { 0: 0.85 }], // the same person, shifted one pixel: removed by NMS
    [52, 25, 16, 10, { 7: 0.6, 0: 0.3 }], // truck -> frame [88, 8, 120, 28]
  ];
  const k = constant.length;
  const fixed = new Float32Array((4 + nc) * k);
  constant.forEach(([cx, cy, w, h, scores], i) => {
    [cx, cy, w, h].forEach((v, a) => (fixed[a * k + i] = v));
    for (const [c, s] of Object.entries(scores)) fixed[(4 + Number(c)) * k + i] = s;
  });
  const centre = centrePixelNodes();
  return encodeOnnxModel({
    producerName: 'vigie-test',
    opset: 13,
    graph: {
      name: 'ultralytics-like',
      inputs: [{ name: 'images', type: OnnxDataType.FLOAT, shape: [1, 3, INPUT, INPUT] }],
      outputs: [{ name: 'output0', type: OnnxDataType.FLOAT, shape: [1, 4 + nc, k + 1] }],
      initializers: [
        ...centre.initializers,
        int64Tensor('column_shape', [3], [1, 3, 1]),
        floatTensor('dyn_box', [1, 4, 1], [16, 40, 8, 8]),
        floatTensor('dyn_rest', [1, nc - 3, 1], new Float32Array(nc - 3)),
        floatTensor('fixed', [1, 4 + nc, k], fixed),
      ],
      nodes: [
        ...centre.nodes,
        { opType: 'Reshape', name: 'column', inputs: ['centre', 'column_shape'], outputs: ['pixel'] },
        { opType: 'Concat', name: 'dyn', inputs: ['dyn_box', 'pixel', 'dyn_rest'], outputs: ['dyn'], attributes: { axis: { kind: 'int', value: 1 } } },
        { opType: 'Concat', name: 'all', inputs: ['fixed', 'dyn'], outputs: ['output0'], attributes: { axis: { kind: 'int', value: 2 } } },
      ],
    },
  });
}

/**
 * Official-YOLOX-style model (raw grid outputs), COCO classes, dynamic input
 * [batch, 3, height, width] used at 64: output [1, 84, 85] (8x8 + 4x4 + 2x2 anchors).
 * Anchor 70 (stride 16, cell (2, 1)) scores classes 0, 1, 2 with the centre pixel's
 * channels / 255 (YOLOX takes 0..255 inputs).
 */
function yoloxModel(): Uint8Array {
  const nc = 80;
  const attrs = 5 + nc;
  const anchors = 84;
  const dynamicAnchor = 70;
  const rows = new Float32Array(anchors * attrs);
  const put = (i: number, head: number[], scores: Record<number, number>) => {
    head.forEach((v, a) => (rows[i * attrs + a] = v));
    for (const [c, s] of Object.entries(scores)) rows[i * attrs + 5 + Number(c)] = s;
  };
  put(43, [0.5, 0.5, 0, 0, 0.9], { 0: 0.8 }); // stride 8, cell (3, 5): cx 28, cy 44, 8x8 -> frame [48, 48, 64, 64], 0.72
  put(44, [-0.375, 0.5, 0, 0, 0.75], { 0: 0.8 }); // stride 8, cell (4, 5): cx 29, the same person, 0.6: removed by NMS
  put(83, [0, 0, 0, 0, 0.8], { 5: 0.75 }); // stride 32, cell (1, 1): 32x32 at (32, 32) -> frame [32, 0, 96, 64], bus 0.6
  put(80, [0, 0, 0, 0, 0.5], { 2: 0.5 }); // 0.25: below minScore
  const before = rows.subarray(0, dynamicAnchor * attrs);
  const after = rows.subarray((dynamicAnchor + 1) * attrs);
  const centre = centrePixelNodes();
  return encodeOnnxModel({
    producerName: 'vigie-test',
    opset: 13,
    graph: {
      name: 'yolox-like',
      inputs: [{ name: 'images', type: OnnxDataType.FLOAT, shape: ['batch', 3, 'height', 'width'] }],
      outputs: [{ name: 'output', type: OnnxDataType.FLOAT, shape: [1, anchors, attrs] }],
      initializers: [
        ...centre.initializers,
        int64Tensor('row_shape', [3], [1, 1, 3]),
        floatTensor('inv255', [1], [1 / 255]),
        // stride 16, cell (2, 1): cx (0.5 + 2) * 16 = 40, cy (0.5 + 1) * 16 = 24, 16x16, objectness 1
        floatTensor('dyn_head', [1, 1, 5], [0.5, 0.5, 0, 0, 1]),
        floatTensor('dyn_rest', [1, 1, nc - 3], new Float32Array(nc - 3)),
        floatTensor('before', [1, dynamicAnchor, attrs], before),
        floatTensor('after', [1, anchors - dynamicAnchor - 1, attrs], after),
      ],
      nodes: [
        ...centre.nodes,
        { opType: 'Reshape', name: 'row', inputs: ['centre', 'row_shape'], outputs: ['pixel255'] },
        { opType: 'Mul', name: 'scale', inputs: ['pixel255', 'inv255'], outputs: ['pixel'] },
        { opType: 'Concat', name: 'dyn', inputs: ['dyn_head', 'pixel', 'dyn_rest'], outputs: ['dyn'], attributes: { axis: { kind: 'int', value: 2 } } },
        { opType: 'Concat', name: 'all', inputs: ['before', 'dyn', 'after'], outputs: ['output'], attributes: { axis: { kind: 'int', value: 1 } } },
      ],
    },
  });
}

const rounded = (ds: readonly Detection[]) => ds.map((d) => ({ cls: d.cls, box: d.box, score: Number(d.score.toFixed(5)) }));

describe('yolo-onnx detector on ONNX Runtime', () => {
  let dir: string;
  let ultralyticsPath: string;
  let yoloxPath: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'vigie-yolo-'));
    ultralyticsPath = path.join(dir, 'ultralytics.onnx');
    yoloxPath = path.join(dir, 'yolox.onnx');
    await writeFile(ultralyticsPath, ultralyticsModel());
    await writeFile(yoloxPath, yoloxModel());
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('ultralytics: reads the input size from the model, feeds RGB 0..1, maps the letterbox back to the frame', async () => {
    const detector = await createYoloOnnxDetector({ modelPath: ultralyticsPath, format: 'ultralytics', minScore: 0.4 });
    try {
      expect(detector.name).toBe('yolo-onnx');
      const first = await detector.detect(uniformFrame());
      expect(rounded(first)).toEqual([
        { cls: 'person', box: [48, 24, 80, 40], score: 0.9 },
        // centre pixel RGB (204, 51, 102) / 255: person 0.8, bicycle 0.2, car 0.4; input [12, 36, 20, 44]
        { cls: 'person', box: [24, 40, 40, 56], score: 0.8 },
        { cls: 'truck', box: [88, 8, 120, 28], score: 0.6 },
      ]);
      // The input tensor is reused: a second frame gives the same answer.
      expect(await detector.detect(uniformFrame())).toEqual(first);
    } finally {
      await detector.close();
    }
  });

  it('yolox: decodes the raw grids of a dynamic-size model at the given inputSize, feeding BGR 0..255', async () => {
    const detector = await createYoloOnnxDetector({ modelPath: yoloxPath, format: 'yolox', inputSize: INPUT, minScore: 0.4 });
    try {
      expect(rounded(await detector.detect(uniformFrame()))).toEqual([
        // centre pixel BGR (102, 51, 204) / 255: person 0.4, bicycle 0.2, car 0.8; input [32, 16, 48, 32]
        { cls: 'car', box: [64, 0, 96, 32], score: 0.8 },
        { cls: 'person', box: [48, 48, 64, 64], score: 0.72 },
        { cls: 'bus', box: [32, 0, 96, 64], score: 0.6 },
      ]);
    } finally {
      await detector.close();
    }
  });

  it('searches only the crop of the frame and reports boxes in frame pixels', async () => {
    const detector = await createYoloOnnxDetector({ modelPath: ultralyticsPath, format: 'ultralytics', minScore: 0.4 });
    try {
      // A 64x32 crop at (32, 16) letterboxes at scale 1 with 16-pixel bands: input = frame - (32, 0).
      const crop = { x: 32, y: 16, width: 64, height: 32 };
      expect(rounded(await detector.detect({ ...uniformFrame(), crop }))).toEqual([
        // input [24, 28, 40, 36] -> frame [56, 28, 72, 36]
        { cls: 'person', box: [56, 28, 72, 36], score: 0.9 },
        // input [12, 36, 20, 44] -> frame [44, 36, 52, 44]
        { cls: 'person', box: [44, 36, 52, 44], score: 0.8 },
        // input [44, 20, 60, 30] -> frame [76, 20, 92, 30]
        { cls: 'truck', box: [76, 20, 92, 30], score: 0.6 },
      ]);
    } finally {
      await detector.close();
    }
  });

  it('applies the class filter and a custom minScore', async () => {
    const detector = await createYoloOnnxDetector({ modelPath: yoloxPath, format: 'yolox', inputSize: INPUT, minScore: 0.65, classes: ['person', 'bus'] });
    try {
      expect(rounded(await detector.detect(uniformFrame()))).toEqual([{ cls: 'person', box: [48, 48, 64, 64], score: 0.72 }]);
    } finally {
      await detector.close();
    }
  });

  it('rejects concurrent calls, and every call after close(); close() is idempotent', async () => {
    const detector = await createYoloOnnxDetector({ modelPath: ultralyticsPath, format: 'ultralytics' });
    const first = detector.detect(uniformFrame());
    await expect(detector.detect(uniformFrame())).rejects.toThrow(/called while another detect\(\) is running/);
    expect(await first).toHaveLength(3);
    await expect(detector.detect({ data: new Uint8Array(3), width: 2, height: 2 })).rejects.toThrow(/frame data has 3 bytes/);
    await Promise.all([detector.close(), detector.close()]);
    await detector.close();
    await expect(detector.detect(uniformFrame())).rejects.toThrow('yolo-onnx detector is closed');
  });

  it('names the missing model file and how to fix it', async () => {
    const missing = path.join(dir, 'no-such-model.onnx');
    await expect(createYoloOnnxDetector({ modelPath: missing, format: 'ultralytics' })).rejects.toThrow(
      `cannot read the YOLO ONNX model "${missing}": it does not exist; set the YOLO model path to an existing .onnx file`,
    );
    await expect(createYoloOnnxDetector({ modelPath: dir, format: 'ultralytics' })).rejects.toThrow(`cannot read the YOLO ONNX model "${dir}": it is not a file`);
  });

  it('names a file that is not an ONNX model', async () => {
    const garbage = path.join(dir, 'garbage.onnx');
    await writeFile(garbage, 'not a model');
    await expect(createYoloOnnxDetector({ modelPath: garbage, format: 'ultralytics' })).rejects.toThrow(
      `ONNX Runtime cannot load the YOLO model "${garbage}" (is it a valid .onnx file?)`,
    );
  });

  it('refuses an inputSize that contradicts the model, and an output that does not fit the format', async () => {
    await expect(createYoloOnnxDetector({ modelPath: ultralyticsPath, format: 'ultralytics', inputSize: 640 })).rejects.toThrow(
      `inputSize is 640 but the model "${ultralyticsPath}" takes 64x64 inputs`,
    );
    const wrong = await createYoloOnnxDetector({ modelPath: ultralyticsPath, format: 'yolov5' });
    try {
      await expect(wrong.detect(uniformFrame())).rejects.toThrow('yolov5 output has shape [1, 84, 4], with no axis of 85 values');
    } finally {
      await wrong.close();
    }
  });
});
