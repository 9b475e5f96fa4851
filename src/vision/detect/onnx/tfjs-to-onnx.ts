/**
 * Converts the convolutional part of a TF.js graph model (NHWC) to an ONNX
 * graph (NCHW) that ONNX Runtime runs natively, several times faster than
 * TF.js's wasm backend. Covers the op types of the bundled CenterNet's backbone
 * and heads (convolutions with fused bias and activation, depthwise
 * convolutions, element-wise arithmetic, Relu/Relu6/Sigmoid, Mean, bilinear
 * resize, concatenation); any other op is an error that names it, never a
 * silent approximation. Post-processing ops (peak extraction, top-k) are left
 * out on purpose: the caller decodes the raw heads in TypeScript.
 *
 * The graph is kept NCHW throughout: the input is NCHW, weights are transposed
 * once here, and channel axes of Mean/Concat are remapped, so no Transpose runs
 * at inference time.
 */
import type { DecodedWeight } from './tfjs-weights.js';
import {
  floatTensor,
  OnnxDataType,
  type OnnxAttributeValue,
  type OnnxGraph,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
} from './onnx-model.js';

/** A TF GraphDef attribute as the TF.js converter writes it in JSON. */
export interface TfjsAttr {
  readonly s?: string;
  readonly i?: string;
  readonly f?: number;
  readonly b?: boolean;
  readonly list?: { readonly s?: readonly string[]; readonly i?: readonly string[] };
}

export interface TfjsGraphNode {
  readonly name: string;
  readonly op: string;
  readonly input?: readonly string[];
  readonly attr?: Readonly<Record<string, TfjsAttr>>;
}

export interface TfjsToOnnxOptions {
  /** Name of the graph's image placeholder (NHWC). */
  readonly input: string;
  /** Size of the input the shapes are inferred at (height, width); resize factors are derived from it. */
  readonly inputHeight: number;
  readonly inputWidth: number;
  readonly inputChannels: number;
  /** Graph tensors to expose as the ONNX model's outputs (NCHW), by TF name. */
  readonly outputs: readonly string[];
  /** Name of the ONNX input. Default `images`. */
  readonly onnxInputName?: string;
  readonly producerName?: string;
}

/** ONNX operator set used by the converted graphs (Resize with scales, Clip with inputs, ReduceMean with an axes attribute). */
export const CONVERTED_OPSET = 13;

/** A TF op the converter does not translate. */
export class UnsupportedTfOpError extends Error {
  readonly code = 'ONNX_CONVERT_UNSUPPORTED_OP';
  constructor(op: string, node: string, why = 'has no ONNX translation in Vigie') {
    super(`TF op ${op} (node ${node}) ${why}`);
    this.name = 'UnsupportedTfOpError';
  }
}

type Value =
  | { readonly kind: 'const'; readonly weight: DecodedWeight }
  | { readonly kind: 'tensor'; readonly onnxName: string; readonly shape: readonly number[] };

/** NHWC axis -> NCHW axis. */
const NCHW_AXIS: readonly number[] = [0, 2, 3, 1];

const decodeString = (s: string | undefined): string => (s === undefined ? '' : Buffer.from(s, 'base64').toString('utf8'));
const intList = (attr: TfjsAttr | undefined): number[] => (attr?.list?.i ?? []).map(Number);

/** `name:1` -> [`name`, 1]; control inputs (`^name`) are dropped by the caller. */
function parseInputRef(ref: string): [string, number] {
  const colon = ref.lastIndexOf(':');
  if (colon > 0 && /^\d+$/.test(ref.slice(colon + 1))) return [ref.slice(0, colon), Number(ref.slice(colon + 1))];
  return [ref, 0];
}

/** The weight of a Const node, from the decoded manifest or (small constants) inlined in the node's attribute. */
function constWeight(node: TfjsGraphNode, weights: ReadonlyMap<string, DecodedWeight>): DecodedWeight {
  const w = weights.get(node.name);
  if (w) return w;
  throw new UnsupportedTfOpError('Const', node.name, 'has no value in the weight manifest');
}

function convOutputSize(size: number, kernel: number, stride: number, dilation: number, padding: string): number {
  if (padding === 'SAME') return Math.ceil(size / stride);
  return Math.floor((size - (kernel - 1) * dilation - 1) / stride) + 1;
}

/** HWIO (TF Conv2D) -> OIHW (ONNX Conv). */
function convWeights(w: DecodedWeight): Float32Array {
  const [kh, kw, ci, co] = w.shape as [number, number, number, number];
  const out = new Float32Array(w.values.length);
  for (let h = 0; h < kh; h++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++) out[((o * ci + i) * kh + h) * kw + x] = w.values[((h * kw + x) * ci + i) * co + o]!;
  return out;
}

/** TF depthwise [kh, kw, C, M] -> ONNX grouped [C*M, 1, kh, kw] (output channel c*M+m, as TF orders them). */
function depthwiseWeights(w: DecodedWeight): Float32Array {
  const [kh, kw, c, m] = w.shape as [number, number, number, number];
  const out = new Float32Array(w.values.length);
  for (let h = 0; h < kh; h++)
    for (let x = 0; x < kw; x++)
      for (let ch = 0; ch < c; ch++)
        for (let k = 0; k < m; k++) out[((ch * m + k) * kh + h) * kw + x] = w.values[((h * kw + x) * c + ch) * m + k]!;
  return out;
}

/**
 * Converts the part of `nodes` that `options.outputs` depend on.
 * `weights` are the decoded Const values by node name (see tfjs-weights.ts).
 */
export function convertTfjsGraphToOnnx(
  nodes: readonly TfjsGraphNode[],
  weights: ReadonlyMap<string, DecodedWeight>,
  options: TfjsToOnnxOptions,
): OnnxModel {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const values = new Map<string, Value>();
  const onnxNodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  const onnxInput = options.onnxInputName ?? 'images';
  let initCount = 0;

  const addInit = (dims: readonly number[], data: Float32Array, hint: string): string => {
    const name = `${hint}/init${initCount++}`;
    initializers.push(floatTensor(name, dims, data));
    return name;
  };
  const tensorOf = (v: Value, node: TfjsGraphNode): Extract<Value, { kind: 'tensor' }> => {
    if (v.kind !== 'tensor') throw new UnsupportedTfOpError(node.op, node.name, 'takes a constant where a computed tensor is expected');
    return v;
  };

  const resolve = (ref: string): Value => {
    const [name, index] = parseInputRef(ref);
    if (index !== 0) throw new UnsupportedTfOpError(byName.get(name)?.op ?? '?', name, `output ${index} is not supported`);
    const v = values.get(name);
    if (!v) throw new Error(`tensor ${name} used before it was converted`);
    return v;
  };

  /** A constant operand of an element-wise op, made NCHW-broadcastable. */
  const broadcastConst = (w: DecodedWeight, node: TfjsGraphNode): string => {
    const data = Float32Array.from(w.values);
    if (w.shape.length === 0) return addInit([], data, node.name);
    if (w.shape.length === 1) return addInit([w.shape[0]!, 1, 1], data, node.name);
    if (w.shape.length === 4 && w.shape[1] === 1 && w.shape[2] === 1) return addInit([w.shape[0]!, w.shape[3]!, 1, 1], data, node.name);
    throw new UnsupportedTfOpError(node.op, node.name, `has a constant of shape [${w.shape.join(',')}] that cannot be broadcast in NCHW`);
  };

  const convert = (node: TfjsGraphNode): void => {
    const inputs = (node.input ?? []).filter((i) => !i.startsWith('^'));
    const attr = node.attr ?? {};
    const out = (onnxName: string, shape: readonly number[]) => values.set(node.name, { kind: 'tensor', onnxName, shape });
    const emit = (opType: string, ins: readonly string[], attributes?: Record<string, OnnxAttributeValue>, name = node.name): string => {
      onnxNodes.push({ opType, name, inputs: ins, outputs: [name], ...(attributes ? { attributes } : {}) });
      return name;
    };

    switch (node.op) {
      case 'Placeholder': {
        if (node.name !== options.input) throw new UnsupportedTfOpError(node.op, node.name, 'is a second input: only one image input is supported');
        out(onnxInput, [1, options.inputChannels, options.inputHeight, options.inputWidth]);
        return;
      }
      case 'Const':
        values.set(node.name, { kind: 'const', weight: constWeight(node, weights) });
        return;
      case 'Identity': {
        values.set(node.name, resolve(inputs[0]!));
        return;
      }
      case 'Conv2D':
      case '_FusedConv2D':
      case 'DepthwiseConv2dNative':
      case 'FusedDepthwiseConv2dNative': {
        const x = tensorOf(resolve(inputs[0]!), node);
        const filter = resolve(inputs[1]!);
        if (filter.kind !== 'const') throw new UnsupportedTfOpError(node.op, node.name, 'has a computed filter');
        if (decodeString(attr.data_format?.s) !== 'NHWC' && attr.data_format?.s !== undefined) {
          throw new UnsupportedTfOpError(node.op, node.name, `has data_format ${decodeString(attr.data_format.s)}`);
        }
        const padding = decodeString(attr.padding?.s);
        if (padding !== 'SAME' && padding !== 'VALID') throw new UnsupportedTfOpError(node.op, node.name, `has padding ${padding}`);
        const strides = intList(attr.strides);
        const dilations = intList(attr.dilations);
        const [sh, sw] = [strides[1] ?? 1, strides[2] ?? 1];
        const [dh, dw] = [dilations[1] ?? 1, dilations[2] ?? 1];
        const depthwise = node.op.includes('Depthwise');
        const [kh, kw, ci, cm] = filter.weight.shape as [number, number, number, number];
        const outChannels = depthwise ? ci * cm : cm;
        const w = addInit([outChannels, depthwise ? 1 : ci, kh, kw], depthwise ? depthwiseWeights(filter.weight) : convWeights(filter.weight), node.name);
        const fused = (attr.fused_ops?.list?.s ?? []).map(decodeString);
        const convInputs = [x.onnxName, w];
        let activation: string | undefined;
        for (const [i, op] of fused.entries()) {
          if (op === 'BiasAdd' && i === 0) {
            const bias = resolve(inputs[2]!);
            if (bias.kind !== 'const') throw new UnsupportedTfOpError(node.op, node.name, 'has a computed bias');
            convInputs.push(addInit([outChannels], Float32Array.from(bias.weight.values), node.name));
          } else if ((op === 'Relu' || op === 'Relu6') && i === fused.length - 1) {
            activation = op;
          } else {
            throw new UnsupportedTfOpError(`${node.op}+${op}`, node.name);
          }
        }
        const shape = [1, outChannels, convOutputSize(x.shape[2]!, kh, sh, dh, padding), convOutputSize(x.shape[3]!, kw, sw, dw, padding)];
        const attributes: Record<string, OnnxAttributeValue> = {
          kernel_shape: { kind: 'ints', value: [kh, kw] },
          strides: { kind: 'ints', value: [sh, sw] },
          dilations: { kind: 'ints', value: [dh, dw] },
          auto_pad: { kind: 'string', value: padding === 'SAME' ? 'SAME_UPPER' : 'VALID' },
          group: { kind: 'int', value: depthwise ? ci : 1 },
        };
        if (!activation) {
          out(emit('Conv', convInputs, attributes), shape);
        } else {
          const conv = emit('Conv', convInputs, attributes, `${node.name}/conv`);
          out(activation === 'Relu' ? emit('Relu', [conv]) : emitClip6(conv, node.name), shape);
        }
        return;
      }
      case 'Add':
      case 'AddV2':
      case 'Mul':
      case 'Sub': {
        const [a, b] = [resolve(inputs[0]!), resolve(inputs[1]!)];
        if (a.kind === 'const' && b.kind === 'const') throw new UnsupportedTfOpError(node.op, node.name, 'has two constant operands');
        const name = (v: Value) => (v.kind === 'const' ? broadcastConst(v.weight, node) : v.onnxName);
        const shapes = [a, b].flatMap((v) => (v.kind === 'tensor' ? [v.shape] : []));
        const shape = shapes.reduce((acc, s) => acc.map((d, i) => Math.max(d, s[i] ?? 1)));
        out(emit(node.op === 'AddV2' ? 'Add' : node.op, [name(a), name(b)]), shape);
        return;
      }
      case 'Relu':
      case 'Sigmoid': {
        const x = tensorOf(resolve(inputs[0]!), node);
        out(emit(node.op, [x.onnxName]), x.shape);
        return;
      }
      case 'Relu6': {
        const x = tensorOf(resolve(inputs[0]!), node);
        out(emitClip6(x.onnxName, node.name), x.shape);
        return;
      }
      case 'Mean': {
        const x = tensorOf(resolve(inputs[0]!), node);
        const axesValue = resolve(inputs[1]!);
        if (axesValue.kind !== 'const') throw new UnsupportedTfOpError(node.op, node.name, 'has computed axes');
        const axes = [...axesValue.weight.values].map((a) => NCHW_AXIS[a < 0 ? a + 4 : a]!);
        const keep = attr.keep_dims?.b === true;
        const shape = keep ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
        out(emit('ReduceMean', [x.onnxName], { axes: { kind: 'ints', value: axes }, keepdims: { kind: 'int', value: keep ? 1 : 0 } }), shape);
        return;
      }
      case 'ResizeBilinear': {
        const x = tensorOf(resolve(inputs[0]!), node);
        const size = resolve(inputs[1]!);
        if (size.kind !== 'const') throw new UnsupportedTfOpError(node.op, node.name, 'has a computed size');
        const [h, w] = [...size.weight.values] as [number, number];
        const alignCorners = attr.align_corners?.b === true;
        const halfPixel = attr.half_pixel_centers?.b === true;
        const mode = alignCorners ? 'align_corners' : halfPixel ? 'half_pixel' : 'asymmetric';
        // Scales rather than sizes, so that the converted model also runs at other input sizes.
        const scales = addInit([4], Float32Array.from([1, 1, h / x.shape[2]!, w / x.shape[3]!]), node.name);
        const attributes: Record<string, OnnxAttributeValue> = {
          mode: { kind: 'string', value: 'linear' },
          coordinate_transformation_mode: { kind: 'string', value: mode },
        };
        out(emit('Resize', [x.onnxName, '', scales], attributes), [x.shape[0]!, x.shape[1]!, h, w]);
        return;
      }
      case 'ConcatV2': {
        const axisValue = resolve(inputs[inputs.length - 1]!);
        if (axisValue.kind !== 'const') throw new UnsupportedTfOpError(node.op, node.name, 'has a computed axis');
        const tfAxis = axisValue.weight.values[0]!;
        const axis = NCHW_AXIS[tfAxis < 0 ? tfAxis + 4 : tfAxis]!;
        const parts = inputs.slice(0, -1).map((i) => tensorOf(resolve(i), node));
        const shape = parts[0]!.shape.map((d, i) => (i === axis ? parts.reduce((n, p) => n + p.shape[i]!, 0) : d));
        out(emit('Concat', parts.map((p) => p.onnxName), { axis: { kind: 'int', value: axis } }), shape);
        return;
      }
      default:
        throw new UnsupportedTfOpError(node.op, node.name);
    }
  };

  const clipBounds: string[] = [];
  function emitClip6(input: string, name: string): string {
    if (clipBounds.length === 0) clipBounds.push(addInit([], Float32Array.of(0), 'relu6'), addInit([], Float32Array.of(6), 'relu6'));
    onnxNodes.push({ opType: 'Clip', name, inputs: [input, clipBounds[0]!, clipBounds[1]!], outputs: [name] });
    return name;
  }

  // Depth-first from the outputs: converts exactly the nodes they need, each after its inputs.
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string): void => {
    const s = state.get(name);
    if (s === 'done') return;
    if (s === 'visiting') throw new Error(`the graph has a cycle through ${name}`);
    const node = byName.get(name);
    if (!node) throw new Error(`the graph has no node ${name}`);
    state.set(name, 'visiting');
    for (const ref of node.input ?? []) if (!ref.startsWith('^')) visit(parseInputRef(ref)[0]);
    convert(node);
    state.set(name, 'done');
  };
  for (const o of options.outputs) visit(o);

  const outputs = options.outputs.map((o) => {
    const v = values.get(o);
    if (v?.kind !== 'tensor') throw new Error(`output ${o} is not a computed tensor`);
    onnxNodes.push({ opType: 'Identity', name: `${o}/output`, inputs: [v.onnxName], outputs: [o] });
    return { name: o, type: OnnxDataType.FLOAT, shape: [1, v.shape[1]!, `${o}_height`, `${o}_width`] };
  });
  const graph: OnnxGraph = {
    name: 'converted-from-tfjs',
    nodes: onnxNodes,
    initializers,
    inputs: [{ name: onnxInput, type: OnnxDataType.FLOAT, shape: [1, options.inputChannels, 'input_height', 'input_width'] }],
    outputs,
  };
  return { graph, opset: CONVERTED_OPSET, producerName: options.producerName ?? 'vigie tfjs-to-onnx' };
}
