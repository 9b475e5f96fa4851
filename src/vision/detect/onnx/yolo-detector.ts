/**
 * `yolo-onnx`: a user-supplied YOLO-family model (.onnx file) run by ONNX Runtime
 * on the CPU. Vigie ships no such model; docs/DETECTORS.md says how to export one
 * and which licences apply.
 */
import { constants as fsConstants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { Detection } from '../../../contracts/detection.js';
import type { Detector, DetectorFrame, DetectorOptions } from '../detector.js';
import { createPreprocessor, type PreprocessorOptions, type ResizeMode } from '../preprocess.js';
import { createOrtSession, floatInput } from './ort-session.js';
import { createYoloDecoder, isYoloFormat, YOLO_FORMATS, type YoloFormat } from './yolo-decode.js';

/** Input side used when the model's input shape does not fix it (dynamic export). */
export const YOLO_DEFAULT_INPUT_SIZE = 640;

export interface YoloOnnxOptions extends DetectorOptions {
  /** Path of the `.onnx` file (absolute, or relative to the working directory). Required. */
  readonly modelPath: string;
  /** Layout of the model's output (yolo-decode.ts). Required: a wrong format gives wrong boxes, not an error. */
  readonly format: YoloFormat;
  /**
   * Side of the square model input. Default: the model's input height/width when
   * they are fixed in the file, else `YOLO_DEFAULT_INPUT_SIZE`. Must equal a fixed size.
   */
  readonly inputSize?: number;
  /** How frames are fitted into the input. Default letterbox (what every YOLO was trained with). */
  readonly resize?: ResizeMode;
  /** ONNX Runtime threads per inference. Default 1 (the detector pool adds parallelism). */
  readonly threads?: number;
  /** Vigie class (or null to ignore) of each model class index. Default: the 80 COCO classes. */
  readonly classNames?: readonly (string | null)[];
  /** `yolox` only: the model was exported with `--decode_in_inference`. Default false. */
  readonly decoded?: boolean;
  /** At most this many detections per frame. Default 300. */
  readonly maxDetections?: number;
}

/** How each format expects its input: what its upstream export was trained and exported with. */
export type YoloInputNormalisation = Required<Pick<PreprocessorOptions, 'channelOrder' | 'valueScale' | 'padValue'>>;

/**
 * Ultralytics and YOLOv5: RGB scaled to 0..1, letterbox bands 114. YOLOX (the
 * official export since 0.1.1rc0, demo/ONNXRuntime): BGR as OpenCV reads it,
 * 0..255 without normalisation, bands 114. Both take NCHW float32.
 */
export function yoloInputNormalisation(format: YoloFormat): YoloInputNormalisation {
  return format === 'yolox'
    ? { channelOrder: 'bgr', valueScale: 1, padValue: 114 }
    : { channelOrder: 'rgb', valueScale: 1 / 255, padValue: 114 };
}

/** Throws an error naming the path and the fix when the model file cannot be read. */
async function assertReadableModel(modelPath: string): Promise<string> {
  const resolved = path.resolve(modelPath);
  const fix =
    'set the YOLO model path to an existing .onnx file exported from your model (see docs/DETECTORS.md, "User-supplied YOLO models")';
  try {
    const info = await stat(resolved);
    if (!info.isFile()) throw new Error('it is not a file');
    await access(resolved, fsConstants.R_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' ? 'permission denied' : err instanceof Error ? err.message : String(err);
    throw new Error(`cannot read the YOLO ONNX model "${resolved}": ${why}; ${fix}`);
  }
  return resolved;
}

/** The model's NCHW float32 input: its name and its square side when fixed. */
function inspectInput(session: InferenceSession, modelPath: string): { name: string; fixedSize: number | undefined } {
  const meta = session.inputMetadata[0];
  if (!meta) throw new Error(`YOLO ONNX model "${modelPath}" has no input`);
  if (session.inputNames.length !== 1) {
    throw new Error(`YOLO ONNX model "${modelPath}" has ${session.inputNames.length} inputs (${session.inputNames.join(', ')}); Vigie feeds exactly one image input`);
  }
  if (!meta.isTensor || meta.type !== 'float32') {
    throw new Error(
      `YOLO ONNX model "${modelPath}": input "${meta.name}" is not a float32 tensor${meta.isTensor ? ` (${meta.type})` : ''}; export a float32 model (no half/int8 input)`,
    );
  }
  const shape = meta.shape;
  if (shape.length !== 0) {
    if (shape.length !== 4 || (typeof shape[1] === 'number' && shape[1] !== 3)) {
      throw new Error(`YOLO ONNX model "${modelPath}": input "${meta.name}" has shape [${shape.join(', ')}]; expected an NCHW image [1, 3, size, size]`);
    }
    const [, , h, w] = shape;
    if (typeof h === 'number' && typeof w === 'number') {
      if (h !== w) throw new Error(`YOLO ONNX model "${modelPath}": input is ${w}x${h}; Vigie feeds square inputs, export the model with a square imgsz`);
      return { name: meta.name, fixedSize: h };
    }
    const fixed = typeof h === 'number' ? h : typeof w === 'number' ? w : undefined;
    return { name: meta.name, fixedSize: fixed };
  }
  return { name: meta.name, fixedSize: undefined };
}

/**
 * Loads a YOLO-family ONNX model. One instance runs one inference at a time
 * (the `Detector` port is not re-entrant: a `detect()` called while another is
 * running rejects); run one per worker thread for more cores. A frame's `crop`
 * is honoured; its `inputSize` is ignored (one input size per detector, so no
 * `inputSizes` is advertised).
 */
export async function createYoloOnnxDetector(options: YoloOnnxOptions): Promise<Detector> {
  const { format } = options;
  if (typeof options.modelPath !== 'string' || options.modelPath.trim() === '') {
    throw new Error('the yolo-onnx detector needs modelPath: the path of your .onnx model file (see docs/DETECTORS.md)');
  }
  if (!isYoloFormat(format)) throw new RangeError(`unknown YOLO output format "${String(format)}": use ${YOLO_FORMATS.join(', ')}`);
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads <= 0) throw new RangeError(`threads must be a positive integer, got ${threads}`);
  if (options.inputSize !== undefined && !(Number.isInteger(options.inputSize) && options.inputSize > 0)) {
    throw new RangeError(`inputSize must be a positive integer, got ${options.inputSize}`);
  }
  const modelPath = await assertReadableModel(options.modelPath);

  let session: InferenceSession;
  try {
    session = await createOrtSession(modelPath, { threads });
  } catch (err) {
    throw new Error(
      `ONNX Runtime cannot load the YOLO model "${modelPath}" (is it a valid .onnx file?): ${err instanceof Error ? err.message : String(err)}`,
    );
  }

  let inputName: string;
  let outputName: string;
  let inputSize: number;
  let decoder: ReturnType<typeof createYoloDecoder>;
  let preprocessor: ReturnType<typeof createPreprocessor>;
  try {
    const input = inspectInput(session, modelPath);
    inputName = input.name;
    const first = session.outputNames[0];
    if (first === undefined) throw new Error(`YOLO ONNX model "${modelPath}" has no output`);
    outputName = first;
    if (input.fixedSize !== undefined && options.inputSize !== undefined && options.inputSize !== input.fixedSize) {
      throw new RangeError(`inputSize is ${options.inputSize} but the model "${modelPath}" takes ${input.fixedSize}x${input.fixedSize} inputs: drop inputSize or set it to ${input.fixedSize}`);
    }
    inputSize = input.fixedSize ?? options.inputSize ?? YOLO_DEFAULT_INPUT_SIZE;
    decoder = createYoloDecoder({
      format,
      inputSize,
      decoded: options.decoded,
      classNames: options.classNames,
      minScore: options.minScore,
      nmsIouThreshold: options.nmsIouThreshold,
      classes: options.classes,
      maxDetections: options.maxDetections,
    });
    preprocessor = createPreprocessor({
      inputSize,
      mode: options.resize,
      layout: 'nchw',
      ...yoloInputNormalisation(format),
    });
  } catch (err) {
    await session.release();
    throw err;
  }

  // The preprocessor fills the same buffer every frame, so one tensor over it serves every run.
  let inputTensor: Tensor | undefined;
  let inputBuffer: Float32Array | undefined;
  let running: Promise<unknown> | undefined;
  let closing: Promise<void> | undefined;
  const name = 'yolo-onnx';

  async function infer(frame: DetectorFrame): Promise<Detection[]> {
    // `crop` limits the search to a rectangle of the frame; the mapping keeps boxes in frame pixels.
    const { input, mapping } = preprocessor.prepare(frame, frame.crop);
    if (input !== inputBuffer || !inputTensor) {
      inputTensor = await floatInput(input, [1, 3, inputSize, inputSize]);
      inputBuffer = input;
    }
    const results = await session.run({ [inputName]: inputTensor }, [outputName]);
    const output = results[outputName];
    if (!output) throw new Error(`YOLO ONNX model "${modelPath}" returned no output "${outputName}"`);
    try {
      if (output.type !== 'float32') throw new Error(`YOLO ONNX model "${modelPath}": output "${outputName}" is ${output.type}, not float32`);
      return decoder.decode(output.data as Float32Array, output.dims, mapping);
    } finally {
      output.dispose();
    }
  }

  return {
    name,
    async detect(frame: DetectorFrame): Promise<Detection[]> {
      if (closing) throw new Error('yolo-onnx detector is closed');
      if (running) throw new Error('yolo-onnx detect() called while another detect() is running: await each call (a detector is not re-entrant)');
      const run = infer(frame);
      running = run;
      try {
        return await run;
      } finally {
        running = undefined;
      }
    },
    close(): Promise<void> {
      closing ??= (async () => {
        // Releasing the session under a running inference would free memory it still uses.
        if (running) await running.catch(() => undefined);
        await session.release();
      })();
      return closing;
    },
  };
}
