/**
 * Decodes the weights of a TF.js graph model (the `.bin` bytes described by the
 * JSON's weight manifest) into float32/int32 arrays by name, undoing the
 * converter's quantisation (float16, or uint8/uint16 affine).
 */

/** One entry of a TF.js weight manifest. */
export interface TfjsWeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly quantization?: {
    readonly dtype: string;
    readonly scale?: number;
    readonly min?: number;
    readonly original_dtype?: string;
  };
}

export type DecodedWeight =
  | { readonly dtype: 'float32'; readonly shape: readonly number[]; readonly values: Float32Array }
  | { readonly dtype: 'int32'; readonly shape: readonly number[]; readonly values: Int32Array };

/** IEEE 754 half precision to a JS number (subnormals, infinities and NaN included). */
export function float16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

const elementCount = (shape: readonly number[]): number => shape.reduce((n, d) => n * d, 1);

const STORED_BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, float16: 2, uint8: 1, uint16: 2 };

/**
 * Decodes every weight of `specs` from `data` (the concatenated `.bin` files),
 * in manifest order. Throws on a dtype or quantisation it does not know, or when
 * the bytes run out, naming the weight.
 */
export function decodeTfjsWeights(specs: readonly TfjsWeightSpec[], data: ArrayBuffer): Map<string, DecodedWeight> {
  const view = new DataView(data);
  const out = new Map<string, DecodedWeight>();
  let offset = 0;
  for (const spec of specs) {
    const count = elementCount(spec.shape);
    const stored = spec.quantization?.dtype ?? spec.dtype;
    const bytes = STORED_BYTES[stored];
    if (bytes === undefined) throw new Error(`weight ${spec.name}: stored dtype ${stored} is not supported`);
    if (offset + count * bytes > data.byteLength) throw new Error(`weight ${spec.name}: the weight file ends before its ${count * bytes} bytes`);
    const read = (i: number): number => {
      const at = offset + i * bytes;
      switch (stored) {
        case 'float32':
          return view.getFloat32(at, true);
        case 'int32':
          return view.getInt32(at, true);
        case 'float16':
          return float16ToNumber(view.getUint16(at, true));
        case 'uint8':
          return view.getUint8(at);
        default:
          return view.getUint16(at, true);
      }
    };
    const affine = stored === 'uint8' || stored === 'uint16';
    const scale = spec.quantization?.scale ?? 1;
    const min = spec.quantization?.min ?? 0;
    if (spec.dtype === 'int32') {
      const values = new Int32Array(count);
      for (let i = 0; i < count; i++) values[i] = affine ? Math.round(min + read(i) * scale) : read(i);
      out.set(spec.name, { dtype: 'int32', shape: spec.shape, values });
    } else if (spec.dtype === 'float32') {
      const values = new Float32Array(count);
      for (let i = 0; i < count; i++) values[i] = affine ? min + read(i) * scale : read(i);
      out.set(spec.name, { dtype: 'float32', shape: spec.shape, values });
    } else {
      throw new Error(`weight ${spec.name}: dtype ${spec.dtype} is not supported`);
    }
    offset += count * bytes;
  }
  return out;
}
