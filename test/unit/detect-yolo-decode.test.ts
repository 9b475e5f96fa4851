/**
 * YOLO output decoders on hand-built tensors with known answers: ultralytics
 * (both layouts), yolov5 (objectness x class), yolox (raw grid and decoded),
 * class mapping and filtering, NMS, and the letterbox mapping back to frame pixels.
 */
import { describe, expect, it } from 'vitest';
import type { Detection } from '../../src/contracts/detection.js';
import {
  createYoloDecoder,
  decodeYoloOutput,
  resolveYoloClasses,
  yoloxGrid,
  type YoloDecodeOptions,
} from '../../src/vision/detect/onnx/yolo-decode.js';
import { clipBox, createPreprocessor, inputBoxToFrame, type InputMapping } from '../../src/vision/detect/preprocess.js';

/** One anchor: box cx, cy, w, h (input pixels or raw YOLOX offsets), objectness, class scores by index. */
interface Anchor {
  readonly box: readonly [number, number, number, number];
  readonly obj?: number;
  readonly scores: Readonly<Record<number, number>>;
}

/** `[1, 4 + nc, N]` (or `[1, N, 4 + nc]` when transposed) ultralytics output. */
function ultralytics(anchors: readonly Anchor[], nc = 80, transposed = false): { data: Float32Array; dims: number[] } {
  const attrs = 4 + nc;
  const n = anchors.length;
  const data = new Float32Array(attrs * n);
  const at = (i: number, a: number) => (transposed ? i * attrs + a : a * n + i);
  anchors.forEach((anchor, i) => {
    anchor.box.forEach((v, a) => (data[at(i, a)] = v));
    for (const [c, s] of Object.entries(anchor.scores)) data[at(i, 4 + Number(c))] = s;
  });
  return { data, dims: transposed ? [1, n, attrs] : [1, attrs, n] };
}

/** `[1, N, 5 + nc]` yolov5 / yolox output; anchors are given by index (or in order), the others (up to `total`) are all zero. */
function withObjectness(anchors: ReadonlyMap<number, Anchor> | readonly Anchor[], nc = 80, total?: number): { data: Float32Array; dims: number[] } {
  const attrs = 5 + nc;
  const byIndex: ReadonlyMap<number, Anchor> = isAnchorList(anchors) ? new Map(anchors.map((a, i) => [i, a])) : anchors;
  const n = total ?? byIndex.size;
  const data = new Float32Array(attrs * n);
  for (const [i, anchor] of byIndex) {
    anchor.box.forEach((v, a) => (data[i * attrs + a] = v));
    data[i * attrs + 4] = anchor.obj ?? 1;
    for (const [c, s] of Object.entries(anchor.scores)) data[i * attrs + 5 + Number(c)] = s;
  }
  return { data, dims: [1, n, attrs] };
}

function isAnchorList(anchors: ReadonlyMap<number, Anchor> | readonly Anchor[]): anchors is readonly Anchor[] {
  return Array.isArray(anchors);
}

/** A 128x64 frame letterboxed into a 64x64 input: scale 0.5, 16-pixel bands above and below. */
const letterbox: InputMapping = createPreprocessor({ inputSize: 64, mode: 'letterbox', layout: 'nchw' }).prepare({
  data: new Uint8Array(128 * 64 * 3),
  width: 128,
  height: 64,
}).mapping;
const identity64: InputMapping = { scaleX: 1, scaleY: 1, offsetX: 0, offsetY: 0, frameWidth: 64, frameHeight: 64 };

const summary = (ds: readonly Detection[]) => ds.map((d) => ({ cls: d.cls, box: d.box, score: Number(d.score.toFixed(5)) }));

describe('letterbox mapping used below', () => {
  it('is the preprocessor mapping of a 128x64 frame into 64x64', () => {
    expect(letterbox).toEqual({ scaleX: 0.5, scaleY: 0.5, offsetX: 0, offsetY: 16, frameWidth: 128, frameHeight: 64 });
  });
});

describe('ultralytics format', () => {
  const anchors: Anchor[] = [
    // person, input [24, 28, 40, 36] -> frame [48, 24, 80, 40]
    { box: [32, 32, 16, 8], scores: { 0: 0.9, 2: 0.1 } },
    // the same person shifted by one input pixel, lower score: suppressed by NMS
    { box: [33, 32, 16, 8], scores: { 0: 0.8 } },
    // a car on the same box: another class, so not suppressed
    { box: [32, 32, 16, 8], scores: { 2: 0.7 } },
    // below minScore
    { box: [10, 40, 4, 4], scores: { 0: 0.3 } },
    // truck (COCO 7), input [44, 20, 60, 30] -> frame [88, 8, 120, 28]
    { box: [52, 25, 16, 10], scores: { 7: 0.6, 0: 0.5 } },
  ];
  const opts: YoloDecodeOptions = { format: 'ultralytics', inputSize: 64, minScore: 0.4 };
  const expected = [
    { cls: 'person', box: [48, 24, 80, 40], score: 0.9 },
    { cls: 'car', box: [48, 24, 80, 40], score: 0.7 },
    { cls: 'truck', box: [88, 8, 120, 28], score: 0.6 },
  ];

  it('decodes [1, 84, N]: best class per anchor, letterbox back to frame pixels, class-aware NMS', () => {
    const { data, dims } = ultralytics(anchors);
    expect(dims).toEqual([1, 84, 5]);
    expect(summary(decodeYoloOutput(data, dims, letterbox, opts))).toEqual(expected);
  });

  it('decodes the transposed [1, N, 84] to the same detections', () => {
    const { data, dims } = ultralytics(anchors, 80, true);
    expect(dims).toEqual([1, 5, 84]);
    expect(summary(decodeYoloOutput(data, dims, letterbox, opts))).toEqual(expected);
  });

  it('accepts an output without the batch axis', () => {
    const { data, dims } = ultralytics(anchors);
    expect(summary(decodeYoloOutput(data, dims.slice(1), letterbox, opts))).toEqual(expected);
  });

  it('reads [1, 84, 84] as attributes on axis 1 (the export layout) when both axes match', () => {
    const many: Anchor[] = Array.from({ length: 84 }, (_, i): Anchor =>
      i === 10 ? { box: [32, 32, 16, 8], scores: { 5: 0.75 } } : { box: [0, 0, 0, 0], scores: {} },
    );
    const { data, dims } = ultralytics(many);
    expect(dims).toEqual([1, 84, 84]);
    expect(summary(decodeYoloOutput(data, dims, letterbox, opts))).toEqual([{ cls: 'bus', box: [48, 24, 80, 40], score: 0.75 }]);
  });

  it('keeps only the requested classes, after choosing the best class over all', () => {
    const filtered = decodeYoloOutput(ultralytics(anchors).data, [1, 84, 5], letterbox, { ...opts, classes: ['person'] });
    // The truck anchor (truck 0.6, person 0.5) is a truck, so it does not become a person.
    expect(summary(filtered)).toEqual([{ cls: 'person', box: [48, 24, 80, 40], score: 0.9 }]);
  });

  it('suppresses a duplicate only above the IoU threshold', () => {
    // IoU of [24,28,40,36] and [25,28,41,36] is 15/17 = 0.88.
    const loose = decodeYoloOutput(ultralytics(anchors).data, [1, 84, 5], letterbox, { ...opts, nmsIouThreshold: 0.9 });
    expect(summary(loose).map((d) => [d.cls, d.score])).toEqual([['person', 0.9], ['person', 0.8], ['car', 0.7], ['truck', 0.6]]);
    expect(loose[1]!.box).toEqual([50, 24, 82, 40]);
  });

  it('clips boxes to the frame and drops boxes left entirely in the letterbox band', () => {
    const edge: Anchor[] = [
      // input [-4, 20, 12, 40] -> frame [-8, 8, 24, 48] -> clipped x1 = 0
      { box: [4, 30, 16, 20], scores: { 0: 0.9 } },
      // input y 2..10: above the content (rows 16..48), nothing left after clipping
      { box: [32, 6, 10, 8], scores: { 0: 0.9 } },
    ];
    const out = decodeYoloOutput(ultralytics(edge).data, [1, 84, 2], letterbox, opts);
    expect(summary(out)).toEqual([{ cls: 'person', box: [0, 8, 24, 48], score: 0.9 }]);
    expect(out[0]!.box).toEqual(clipBox(inputBoxToFrame([-4, 20, 12, 40], letterbox), 128, 64));
  });

  it('caps the number of detections', () => {
    const out = decodeYoloOutput(ultralytics(anchors).data, [1, 84, 5], letterbox, { ...opts, maxDetections: 2 });
    expect(out.map((d) => d.cls)).toEqual(['person', 'car']);
  });

  it('maps a custom class list, ignoring null classes', () => {
    const custom: Anchor[] = [
      { box: [32, 32, 16, 8], scores: { 0: 0.9 } }, // class 0: ignored
      { box: [16, 32, 8, 8], scores: { 1: 0.8 } }, // class 1: car
      { box: [48, 32, 8, 8], scores: { 2: 0.7 } }, // class 2: person
    ];
    const { data, dims } = ultralytics(custom, 3);
    expect(dims).toEqual([1, 7, 3]);
    const out = decodeYoloOutput(data, dims, identity64, { ...opts, classNames: [null, 'car', 'person'] });
    expect(summary(out)).toEqual([
      { cls: 'car', box: [12, 28, 20, 36], score: 0.8 },
      { cls: 'person', box: [44, 28, 52, 36], score: 0.7 },
    ]);
  });

  it('explains an output that does not fit the class count', () => {
    const { data, dims } = ultralytics([{ box: [1, 1, 1, 1], scores: { 0: 1 } }], 3);
    expect(() => decodeYoloOutput(data, dims, identity64, opts)).toThrow(
      'ultralytics output has shape [1, 7, 1], with no axis of 84 values (4 + 80 classes): check format; a model with 3 classes needs classNames with 3 entries (80 classes now)',
    );
    expect(() => decodeYoloOutput(new Float32Array(1800), [1, 300, 6], identity64, opts)).toThrow(/end-to-end export with NMS inside/);
    expect(() => decodeYoloOutput(new Float32Array(84), [2, 84, 1], identity64, opts)).toThrow(/expected \[1, a, b\]/);
    expect(() => decodeYoloOutput(new Float32Array(83), [1, 84, 1], identity64, opts)).toThrow(/but 83 values/);
  });
});

describe('yolov5 format', () => {
  const opts: YoloDecodeOptions = { format: 'yolov5', inputSize: 64, minScore: 0.4 };

  it('scores objectness x best class score', () => {
    const { data, dims } = withObjectness([
      // 0.5 x 0.9 = 0.45: kept as dog (16); its best class is chosen by class score
      { box: [32, 32, 16, 8], obj: 0.5, scores: { 16: 0.9, 0: 0.2 } },
      // 0.9 x 0.4 = 0.36: dropped
      { box: [10, 40, 8, 8], obj: 0.9, scores: { 0: 0.4 } },
      // objectness below minScore: dropped whatever the class score
      { box: [50, 40, 8, 8], obj: 0.3, scores: { 0: 1 } },
      // 1 x 0.8 = 0.8, bicycle, input [40, 36, 56, 44] -> frame [80, 40, 112, 56]
      { box: [48, 40, 16, 8], obj: 1, scores: { 1: 0.8 } },
    ]);
    expect(dims).toEqual([1, 4, 85]);
    expect(summary(decodeYoloOutput(data, dims, letterbox, opts))).toEqual([
      { cls: 'bicycle', box: [80, 40, 112, 56], score: 0.8 },
      { cls: 'dog', box: [48, 24, 80, 40], score: 0.45 },
    ]);
  });

  it('removes a duplicate box of the same class with NMS', () => {
    const { data, dims } = withObjectness([
      { box: [32, 32, 16, 8], obj: 0.9, scores: { 0: 0.9 } },
      { box: [32, 33, 16, 8], obj: 0.9, scores: { 0: 0.8 } },
    ]);
    expect(summary(decodeYoloOutput(data, dims, letterbox, opts))).toEqual([{ cls: 'person', box: [48, 24, 80, 40], score: 0.81 }]);
  });
});

describe('yolox format', () => {
  it('builds the stride 8/16/32 grid of the input, row by row', () => {
    const grid = yoloxGrid(64);
    expect(grid.anchors).toBe(64 + 16 + 4);
    expect([grid.gridX[9], grid.gridY[9], grid.stride[9]]).toEqual([1, 1, 8]);
    expect([grid.gridX[70], grid.gridY[70], grid.stride[70]]).toEqual([2, 1, 16]);
    expect([grid.gridX[83], grid.gridY[83], grid.stride[83]]).toEqual([1, 1, 32]);
    expect(yoloxGrid(640).anchors).toBe(8400);
    expect(yoloxGrid(416).anchors).toBe(3549);
  });

  const raw = new Map<number, Anchor>([
    // stride 8, cell (3, 5) = anchor 5*8+3: cx (0.5+3)*8 = 28, cy (0.5+5)*8 = 44, w e^ln2*8 = 16, h 8
    [43, { box: [0.5, 0.5, Math.log(2), 0], obj: 0.9, scores: { 0: 0.8 } }],
    // stride 16, cell (2, 1) = anchor 64+1*4+2: cx 40, cy 24, w 16, h 32 -> [32, 8, 48, 40]
    [70, { box: [0.5, 0.5, 0, Math.log(2)], obj: 0.5, scores: { 2: 0.9, 7: 0.6 } }],
    // stride 32, cell (1, 1) = anchor 64+16+3: cx 32, cy 32, w 32, h 32 -> [16, 16, 48, 48]
    [83, { box: [0, 0, 0, 0], obj: 0.8, scores: { 5: 0.75 } }],
    // stride 32, cell (0, 0): objectness x class 0.5 x 0.5 below minScore
    [80, { box: [0.5, 0.5, 0, 0], obj: 0.5, scores: { 0: 0.5 } }],
  ]);

  it('decodes raw grid outputs of a 64x64 input', () => {
    const { data, dims } = withObjectness(raw, 80, 84);
    expect(dims).toEqual([1, 84, 85]);
    const out = decodeYoloOutput(data, dims, identity64, { format: 'yolox', inputSize: 64, minScore: 0.4 });
    expect(out.map((d) => [d.cls, Number(d.score.toFixed(5))])).toEqual([['person', 0.72], ['bus', 0.6], ['car', 0.45]]);
    const boxes = out.map((d) => d.box.map((v) => Number(v.toFixed(4))));
    expect(boxes).toEqual([[20, 40, 36, 48], [16, 16, 48, 48], [32, 8, 48, 40]]);
  });

  it('maps raw grid boxes back through a letterbox', () => {
    const { data, dims } = withObjectness(raw, 80, 84);
    const out = decodeYoloOutput(data, dims, letterbox, { format: 'yolox', inputSize: 64, minScore: 0.4, classes: ['person'] });
    expect(out).toHaveLength(1);
    // input [20, 40, 36, 48] -> frame [40, 48, 72, 64]
    expect(out[0]!.box.map((v) => Number(v.toFixed(4)))).toEqual([40, 48, 72, 64]);
  });

  it('refuses an anchor count that does not match the input grid', () => {
    const { data, dims } = withObjectness(raw, 80, 84);
    expect(() => decodeYoloOutput(data, dims, identity64, { format: 'yolox', inputSize: 96, minScore: 0.4 })).toThrow(
      'yolox output has 84 anchors, but a 96x96 input gives 189 on the stride 8/16/32 grids',
    );
  });

  it('reads already decoded boxes with decoded: true', () => {
    const { data, dims } = withObjectness([
      { box: [32, 32, 16, 8], obj: 0.9, scores: { 0: 0.8 } },
      { box: [48, 40, 16, 8], obj: 0.6, scores: { 3: 0.9 } },
    ]);
    const out = decodeYoloOutput(data, dims, letterbox, { format: 'yolox', inputSize: 64, decoded: true, minScore: 0.4 });
    expect(summary(out)).toEqual([
      { cls: 'person', box: [48, 24, 80, 40], score: 0.72 },
      { cls: 'motorcycle', box: [80, 40, 112, 56], score: 0.54 },
    ]);
  });
});

describe('decoder options', () => {
  it('defaults to the COCO classes and checks custom names', () => {
    expect(resolveYoloClasses()).toHaveLength(80);
    expect(resolveYoloClasses(['person', null, 'object'])).toEqual(['person', null, 'object']);
    expect(() => resolveYoloClasses(['person', 'traffic light'])).toThrow(
      'classNames[1] is "traffic light", which is not a Vigie class: use a COCO name in snake_case',
    );
    expect(() => resolveYoloClasses([])).toThrow(/classNames is empty/);
  });

  it('refuses a class filter that the model can never satisfy, and bad thresholds', () => {
    expect(() => createYoloDecoder({ format: 'yolov5', inputSize: 64, classNames: ['car', null], classes: ['person'] })).toThrow(
      "none of the classes person is among the model's classes (car)",
    );
    expect(() => createYoloDecoder({ format: 'yolov5', inputSize: 64, minScore: 1.5 })).toThrow(/minScore must be in \[0,1\]/);
    expect(() => createYoloDecoder({ format: 'yolov7' as 'yolov5', inputSize: 64 })).toThrow(/unknown YOLO output format "yolov7"/);
    expect(() => createYoloDecoder({ format: 'yolox', inputSize: 0 })).toThrow(/inputSize must be a positive integer/);
  });

  it('reports the class count and attributes per anchor', () => {
    const d = createYoloDecoder({ format: 'ultralytics', inputSize: 640 });
    expect([d.classCount, d.attributes]).toEqual([80, 84]);
    const x = createYoloDecoder({ format: 'yolox', inputSize: 640, classNames: ['person'] });
    expect([x.classCount, x.attributes]).toEqual([1, 6]);
  });
});
