/**
 * A typed description of an ONNX model (the subset Vigie writes: one graph of
 * standard-domain nodes with float32/int64 initialisers) and its encoder to the
 * ONNX protobuf format (onnx/onnx.proto field numbers).
 */
import { ProtoWriter } from './protobuf-writer.js';

/** ONNX TensorProto.DataType values used here. */
export const OnnxDataType = Object.freeze({ FLOAT: 1, INT32: 6, INT64: 7 });
export type OnnxDataTypeValue = (typeof OnnxDataType)[keyof typeof OnnxDataType];

/** A constant tensor (initialiser or attribute value). */
export type OnnxTensor =
  | { readonly name: string; readonly dims: readonly number[]; readonly type: typeof OnnxDataType.FLOAT; readonly data: Float32Array }
  | { readonly name: string; readonly dims: readonly number[]; readonly type: typeof OnnxDataType.INT64; readonly data: BigInt64Array };

export type OnnxAttributeValue =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'floats'; readonly value: readonly number[] }
  | { readonly kind: 'tensor'; readonly value: OnnxTensor };

export interface OnnxNode {
  readonly opType: string;
  readonly name: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes?: Readonly<Record<string, OnnxAttributeValue>>;
}

/** A graph input or output: float32/int64 tensor, each dimension a size or a symbolic name. */
export interface OnnxValueInfo {
  readonly name: string;
  readonly type: OnnxDataTypeValue;
  readonly shape: readonly (number | string)[];
}

export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxTensor[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
}

export interface OnnxModel {
  readonly graph: OnnxGraph;
  /** Version of the default ("ai.onnx") operator set the nodes follow. */
  readonly opset: number;
  readonly producerName: string;
  readonly docString?: string;
}

/** ONNX IR version written; 8 is read by every ONNX Runtime since 1.10. */
const IR_VERSION = 8;

const ATTRIBUTE_TYPE = Object.freeze({ float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7 });

function writeTensor(w: ProtoWriter, t: OnnxTensor): void {
  w.packedInts(1, t.dims);
  w.int(2, t.type);
  w.string(8, t.name);
  // raw_data: little-endian bytes, which is how typed arrays lay them out on x86/ARM.
  w.bytesField(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
}

function writeAttribute(w: ProtoWriter, name: string, a: OnnxAttributeValue): void {
  w.string(1, name);
  w.int(20, ATTRIBUTE_TYPE[a.kind]);
  switch (a.kind) {
    case 'float':
      w.float(2, a.value);
      break;
    case 'int':
      w.int(3, a.value);
      break;
    case 'string':
      w.string(4, a.value);
      break;
    case 'tensor':
      w.message(5, (tw) => writeTensor(tw, a.value));
      break;
    case 'floats':
      w.packedFloats(7, a.value);
      break;
    case 'ints':
      w.packedInts(8, a.value);
      break;
  }
}

function writeNode(w: ProtoWriter, n: OnnxNode): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name);
  w.string(4, n.opType);
  for (const [name, value] of Object.entries(n.attributes ?? {})) w.message(5, (aw) => writeAttribute(aw, name, value));
}

function writeValueInfo(w: ProtoWriter, v: OnnxValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensorType) => {
      tensorType.int(1, v.type);
      tensorType.message(2, (shape) => {
        for (const d of v.shape) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}

/** Encodes `model` as the bytes of an `.onnx` file (ONNX Runtime takes them directly). */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, IR_VERSION);
  w.string(2, model.producerName);
  if (model.docString) w.string(6, model.docString);
  w.message(7, (g) => {
    for (const n of model.graph.nodes) g.message(1, (nw) => writeNode(nw, n));
    g.string(2, model.graph.name);
    for (const t of model.graph.initializers) g.message(5, (tw) => writeTensor(tw, t));
    for (const i of model.graph.inputs) g.message(11, (vw) => writeValueInfo(vw, i));
    for (const o of model.graph.outputs) g.message(12, (vw) => writeValueInfo(vw, o));
  });
  w.message(8, (op) => op.string(1, '').int(2, model.opset));
  return w.finish();
}

/** A float32 initialiser. */
export function floatTensor(name: string, dims: readonly number[], data: Float32Array | readonly number[]): OnnxTensor {
  return { name, dims, type: OnnxDataType.FLOAT, data: data instanceof Float32Array ? data : Float32Array.from(data) };
}

/** An int64 initialiser. */
export function int64Tensor(name: string, dims: readonly number[], data: readonly number[]): OnnxTensor {
  return { name, dims, type: OnnxDataType.INT64, data: BigInt64Array.from(data, (v) => BigInt(v)) };
}
