import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { Detection } from '../../contracts/detection.js';
import type { ObjectClass } from '../../contracts/classes.js';
import { cocoClassFromIndex } from './coco.js';
import { DEFAULT_MIN_SCORE, type Detector, type DetectorFrame, type DetectorOptions } from './detector.js';
import { DEFAULT_NMS_IOU_THRESHOLD, nonMaxSuppression } from './nms.js';
import {
  clipBox,
  createPreprocessor,
  inputBoxToFrame,
  type InputMapping,
  type ResizeMode,
} from './preprocess.js';

/**
 * The only model files Vigie may open, by model name. The package that ships
 * CenterNet (`@vladmandic/human`) also ships face, age, gender and emotion
 * models: they are not listed, so no code path can load them (privacy by
 * construction; test/unit/detect-model-allow-list.test.ts keeps it so).
 */
export const ALLOWED_MODELS = Object.freeze({
  centernet: Object.freeze({ topology: 'centernet.json', weights: Object.freeze(['centernet.bin']) }),
});

export type AllowedModelName = keyof typeof ALLOWED_MODELS;

/** Raised when code asks for a model file outside `ALLOWED_MODELS`. */
export class ModelNotAllowedError extends Error {
  readonly code = 'DETECT_MODEL_NOT_ALLOWED';
  constructor(readonly modelName: string) {
    super(
      `model "${modelName}" is not on Vigie's model allow-list (allowed: ${Object.keys(ALLOWED_MODELS).join(', ')}); ` +
        'face and attribute models are never loaded',
    );
    this.name = 'ModelNotAllowedError';
  }
}

/** CenterNet's input side in pixels. */
export const CENTERNET_INPUT_SIZE = 512;
const CENTERNET_INPUT_NAME = 'tower_0/images';
/** `[1, 100, 6]`: x1, y1, x2, y2 (input pixels), score, COCO index from 0. */
const CENTERNET_OUTPUT_NAME = 'tower_0/detections';
const CENTERNET_OUTPUT_STRIDE = 6;

export interface CenterNetOptions extends DetectorOptions {
  /** How frames are fitted into the 512x512 input. Default `DEFAULT_RESIZE_MODE` (letterbox). */
  readonly resize?: ResizeMode;
  /** Folder holding the allow-listed model files. Default: the `models/` folder of `@vladmandic/human`. */
  readonly modelDir?: string;
}

/** Finds the root folder of an installed package from this module. */
function packageRoot(packageName: string): string {
  const require = createRequire(import.meta.url);
  let dir = path.dirname(require.resolve(packageName));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && dir.endsWith(path.join(...packageName.split('/')))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the folder of the package ${packageName}: is it installed?`);
    dir = parent;
  }
}

/** The folder the bundled model files are read from by default. */
export function defaultModelDir(): string {
  return path.join(packageRoot('@vladmandic/human'), 'models');
}

function isAllowedModelName(name: string): name is AllowedModelName {
  return Object.hasOwn(ALLOWED_MODELS, name);
}

/**
 * Paths of an allow-listed model's files in `modelDir`.
 * Throws `ModelNotAllowedError` for any other name (including paths such as `../x`).
 */
export function allowedModelPaths(modelName: string, modelDir: string = defaultModelDir()): { topology: string; weights: string[] } {
  if (!isAllowedModelName(modelName)) throw new ModelNotAllowedError(modelName);
  const files = ALLOWED_MODELS[modelName];
  return {
    topology: path.join(modelDir, files.topology),
    weights: files.weights.map((w) => path.join(modelDir, w)),
  };
}

interface GraphModelJson {
  readonly modelTopology: unknown;
  readonly weightsManifest: readonly { readonly paths: readonly string[]; readonly weights: tf.io.WeightsManifestEntry[] }[];
  readonly format?: string;
  readonly generatedBy?: string;
  readonly convertedBy?: string | null;
  readonly signature?: unknown;
}

/**
 * Reads an allow-listed TF.js graph model from disk into the artifacts that
 * `tf.loadGraphModel` takes through an IO handler (no fetch, no other file).
 * The JSON's weight manifest must name exactly the allow-listed weight files.
 */
export async function readAllowedModel(modelName: string, modelDir: string = defaultModelDir()): Promise<tf.io.ModelArtifacts> {
  const files = allowedModelPaths(modelName, modelDir);
  const json = JSON.parse(await readFile(files.topology, 'utf8')) as GraphModelJson;
  const allowedWeights = ALLOWED_MODELS[modelName as AllowedModelName].weights;
  const manifestPaths = json.weightsManifest.flatMap((g) => g.paths);
  if (manifestPaths.length !== allowedWeights.length || manifestPaths.some((p, i) => p !== allowedWeights[i])) {
    throw new Error(`model "${modelName}": its weight manifest names ${manifestPaths.join(', ')}, not the allow-listed ${allowedWeights.join(', ')}`);
  }
  const chunks = await Promise.all(files.weights.map((w) => readFile(w)));
  const weightData = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const c of chunks) {
    weightData.set(c, offset);
    offset += c.byteLength;
  }
  return {
    modelTopology: json.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
    weightData: weightData.buffer,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy ?? null,
    signature: json.signature as tf.io.ModelArtifacts['signature'],
  };
}

// TF.js keeps one engine per thread (global by design); this only remembers
// that its wasm backend was already selected, so it happens once per thread.
let wasmBackendReady: Promise<void> | undefined;

function wasmDistDir(): string {
  return path.join(packageRoot('@tensorflow/tfjs-backend-wasm'), 'dist') + path.sep;
}

/** Selects TF.js's wasm backend (SIMD, wasm files read from the package's dist/ folder). */
export function useWasmBackend(): Promise<void> {
  wasmBackendReady ??= (async () => {
    setWasmPaths(wasmDistDir());
    if (!(await tf.setBackend('wasm'))) throw new Error('TF.js could not start its wasm backend');
    await tf.ready();
  })().catch((err: unknown) => {
    wasmBackendReady = undefined;
    throw err;
  });
  return wasmBackendReady;
}

export interface DecodeOptions {
  readonly minScore: number;
  readonly nmsIouThreshold: number;
  /** Keep only these classes; undefined keeps all. */
  readonly classes?: ReadonlySet<ObjectClass> | undefined;
}

/**
 * Turns CenterNet's `[N, 6]` rows (x1, y1, x2, y2 in input pixels, score, COCO
 * index from 0) into detections in frame pixels: score filter, class filter,
 * mapping back, clipping to the frame, class-aware NMS. Pure.
 */
export function decodeCenterNetOutput(rows: ArrayLike<number>, mapping: InputMapping, options: DecodeOptions): Detection[] {
  const found: Detection[] = [];
  for (let i = 0; i + CENTERNET_OUTPUT_STRIDE <= rows.length; i += CENTERNET_OUTPUT_STRIDE) {
    const score = rows[i + 4]!;
    if (!(score >= options.minScore)) continue;
    const cls = cocoClassFromIndex(Math.round(rows[i + 5]!));
    if (cls === undefined || (options.classes && !options.classes.has(cls))) continue;
    const box = clipBox(
      inputBoxToFrame([rows[i]!, rows[i + 1]!, rows[i + 2]!, rows[i + 3]!], mapping),
      mapping.frameWidth,
      mapping.frameHeight,
    );
    if (box) found.push({ box, score: Math.min(score, 1), cls });
  }
  return nonMaxSuppression(found, { iouThreshold: options.nmsIouThreshold });
}

/**
 * Loads the bundled CenterNet (MobileNetV3, COCO, 512x512) on TF.js's wasm
 * backend. About 300 ms per frame on one core; run one per worker thread to use
 * several cores (`createDetectorPool`).
 */
export async function createCenterNetDetector(options: CenterNetOptions = {}): Promise<Detector> {
  const minScore = options.minScore ?? DEFAULT_MIN_SCORE;
  if (!(minScore >= 0 && minScore <= 1)) throw new RangeError(`minScore must be in [0,1], got ${minScore}`);
  const decode: DecodeOptions = {
    minScore,
    nmsIouThreshold: options.nmsIouThreshold ?? DEFAULT_NMS_IOU_THRESHOLD,
    classes: options.classes ? new Set(options.classes) : undefined,
  };
  const preprocessor = createPreprocessor({ inputSize: CENTERNET_INPUT_SIZE, mode: options.resize });
  const artifacts = await readAllowedModel('centernet', options.modelDir);
  await useWasmBackend();
  const model = await tf.loadGraphModel({ load: () => Promise.resolve(artifacts) });
  let closed = false;

  return {
    name: 'centernet',
    async detect(frame: DetectorFrame): Promise<Detection[]> {
      if (closed) throw new Error('centernet detector is closed');
      const { input, mapping } = preprocessor.prepare(frame, frame.crop);
      // The input tensor copies `input` into wasm memory, so the buffer is free again after this.
      const output = tf.tidy(() => {
        const x = tf.tensor4d(input, [1, CENTERNET_INPUT_SIZE, CENTERNET_INPUT_SIZE, 3], 'float32');
        return model.execute({ [CENTERNET_INPUT_NAME]: x }, CENTERNET_OUTPUT_NAME) as tf.Tensor;
      });
      let rows: Float32Array;
      try {
        rows = (await output.data()) as Float32Array;
      } finally {
        output.dispose();
      }
      return decodeCenterNetOutput(rows, mapping, decode);
    },
    close(): Promise<void> {
      if (!closed) {
        closed = true;
        model.dispose();
      }
      return Promise.resolve();
    },
  };
}
