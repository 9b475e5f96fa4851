/**
 * The pieces of the CenterNet-to-ONNX path that need no model: protobuf
 * encoding, TF.js weight decoding, the converter's refusals, and the decoding
 * of CenterNet's raw heads into peaks and boxes.
 */
import { describe, expect, it } from 'vitest';
import { decodeCenterNetHeads } from '../../src/vision/detect/onnx/centernet-onnx.js';
import { ProtoWriter } from '../../src/vision/detect/onnx/protobuf-writer.js';
import { convertTfjsGraphToOnnx, UnsupportedTfOpError, type TfjsGraphNode } from '../../src/vision/detect/onnx/tfjs-to-onnx.js';
import { decodeTfjsWeights, float16ToNumber } from '../../src/vision/detect/onnx/tfjs-weights.js';

describe('ProtoWriter', () => {
  it('writes varints, negative int64 as ten bytes, fixed32 floats and nested messages', () => {
    expect([...new ProtoWriter().int(1, 300).finish()]).toEqual([0x08, 0xac, 0x02]);
    expect([...new ProtoWriter().int(2, -1).finish()]).toEqual([0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect([...new ProtoWriter().float(2, 1).finish()]).toEqual([0x15, 0x00, 0x00, 0x80, 0x3f]);
    expect([...new ProtoWriter().string(3, 'ab').finish()]).toEqual([0x1a, 0x02, 0x61, 0x62]);
    expect([...new ProtoWriter().message(4, (w) => w.int(1, 1)).finish()]).toEqual([0x22, 0x02, 0x08, 0x01]);
    expect([...new ProtoWriter().packedInts(5, [1, 2, 300]).finish()]).toEqual([0x2a, 0x04, 0x01, 0x02, 0xac, 0x02]);
  });

  it('grows past its initial buffer', () => {
    const data = new Uint8Array(5000).fill(7);
    const out = new ProtoWriter().bytesField(1, data).finish();
    expect(out.length).toBe(1 + 2 + 5000);
    expect(out[4999]).toBe(7);
  });
});

describe('TF.js weight decoding', () => {
  it('decodes IEEE half floats, including subnormals and infinities', () => {
    expect(float16ToNumber(0x3c00)).toBe(1);
    expect(float16ToNumber(0xc000)).toBe(-2);
    expect(float16ToNumber(0x3555)).toBeCloseTo(0.33325, 5);
    expect(float16ToNumber(0x0001)).toBe(2 ** -24);
    expect(float16ToNumber(0x7c00)).toBe(Number.POSITIVE_INFINITY);
    expect(Number.isNaN(float16ToNumber(0x7e00))).toBe(true);
  });

  it('decodes float16, uint8-affine, float32 and int32 weights in manifest order', () => {
    const buf = new ArrayBuffer(2 * 2 + 2 + 4 + 4);
    const view = new DataView(buf);
    view.setUint16(0, 0x3c00, true); // 1
    view.setUint16(2, 0xc000, true); // -2
    view.setUint8(4, 0);
    view.setUint8(5, 10);
    view.setFloat32(6, 0.5, true);
    view.setInt32(10, -7, true);
    const weights = decodeTfjsWeights(
      [
        { name: 'half', shape: [2], dtype: 'float32', quantization: { dtype: 'float16' } },
        { name: 'q', shape: [2], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
        { name: 'f', shape: [], dtype: 'float32' },
        { name: 'i', shape: [1], dtype: 'int32' },
      ],
      buf,
    );
    expect([...weights.get('half')!.values]).toEqual([1, -2]);
    expect([...weights.get('q')!.values]).toEqual([-1, 4]);
    expect([...weights.get('f')!.values]).toEqual([0.5]);
    expect([...weights.get('i')!.values]).toEqual([-7]);
  });

  it('names the weight when the file is too short', () => {
    expect(() => decodeTfjsWeights([{ name: 'w', shape: [4], dtype: 'float32' }], new ArrayBuffer(8))).toThrow(/weight w/);
  });
});

describe('TF.js graph to ONNX', () => {
  const options = { input: 'x', inputHeight: 8, inputWidth: 8, inputChannels: 3, outputs: ['y'] };

  it('refuses an op it cannot translate, naming it and its node', () => {
    const nodes: TfjsGraphNode[] = [
      { name: 'x', op: 'Placeholder' },
      { name: 'y', op: 'Softmax', input: ['x'] },
    ];
    expect(() => convertTfjsGraphToOnnx(nodes, new Map(), options)).toThrow(UnsupportedTfOpError);
    expect(() => convertTfjsGraphToOnnx(nodes, new Map(), options)).toThrow(/TF op Softmax \(node y\)/);
  });

  it('converts only what the outputs need, into NCHW ops', () => {
    const nodes: TfjsGraphNode[] = [
      { name: 'x', op: 'Placeholder' },
      { name: 'unused', op: 'Softmax', input: ['x'] },
      { name: 'r', op: 'Relu6', input: ['x'] },
      { name: 'axes', op: 'Const' },
      { name: 'y', op: 'Mean', input: ['r', 'axes'], attr: { keep_dims: { b: true } } },
    ];
    const weights = new Map([['axes', { dtype: 'int32' as const, shape: [2], values: Int32Array.of(1, 2) }]]);
    const model = convertTfjsGraphToOnnx(nodes, weights, options);
    expect(model.graph.nodes.map((n) => n.opType)).toEqual(['Clip', 'ReduceMean', 'Identity']);
    // NHWC spatial axes 1, 2 are NCHW axes 2, 3.
    expect(model.graph.nodes[1]!.attributes?.axes).toEqual({ kind: 'ints', value: [2, 3] });
  });
});

describe('decodeCenterNetHeads', () => {
  const gridH = 4;
  const gridW = 5;
  const plane = gridH * gridW;

  /** Two classes of heat map and constant box sizes (left 2, top 3, right 4, bottom 5 input pixels). */
  function heads(): { keypoints: Float32Array; sizes: Float32Array } {
    const keypoints = new Float32Array(2 * plane);
    const sizes = new Float32Array(4 * plane);
    sizes.fill(2, 0, plane);
    sizes.fill(3, plane, 2 * plane);
    sizes.fill(4, 2 * plane, 3 * plane);
    sizes.fill(5, 3 * plane, 4 * plane);
    return { keypoints, sizes };
  }

  it('keeps local maxima above the threshold, best first, with boxes around the cell centre (stride 4)', () => {
    const { keypoints, sizes } = heads();
    keypoints[1 * gridW + 1] = 0.9; // class 0 peak at (1, 1)
    keypoints[1 * gridW + 2] = 0.5; // its neighbour: not a peak
    keypoints[3 * gridW + 4] = 0.2; // below the threshold
    keypoints[plane + 2 * gridW + 3] = 0.6; // class 1 peak at (3, 2)
    const rows = new Float32Array(6 * 10);
    const n = decodeCenterNetHeads(keypoints, sizes, gridH, gridW, [0, 1], 0.3, { rows });
    expect(n).toBe(2);
    expect([...rows.subarray(0, 6)]).toEqual([4 - 2, 4 - 3, 4 + 4, 4 + 5, Math.fround(0.9), 0]);
    expect([...rows.subarray(6, 12)]).toEqual([12 - 2, 8 - 3, 12 + 4, 8 + 5, Math.fround(0.6), 1]);
  });

  it('counts equal neighbours as peaks (as the TF graph\'s max-pool equality does) and only scans the asked classes', () => {
    const { keypoints, sizes } = heads();
    keypoints[0] = 0.7;
    keypoints[1] = 0.7;
    keypoints[plane] = 0.95;
    const n = decodeCenterNetHeads(keypoints, sizes, gridH, gridW, [0], 0.3, { rows: new Float32Array(60) });
    expect(n).toBe(2);
  });

  it('keeps only the best maxPeaks', () => {
    const { keypoints, sizes } = heads();
    // Isolated peaks with scores 0.31..0.36 (every other cell of row 0 and row 2).
    const cells = [0, 2, 4, 10, 12, 14];
    cells.forEach((c, i) => (keypoints[c] = 0.31 + i * 0.01));
    const rows = new Float32Array(6 * 3);
    const n = decodeCenterNetHeads(keypoints, sizes, gridH, gridW, [0], 0.3, { rows }, 3);
    expect(n).toBe(3);
    expect([rows[4], rows[10], rows[16]].map((v) => Math.round(v! * 100))).toEqual([36, 35, 34]);
  });
});
