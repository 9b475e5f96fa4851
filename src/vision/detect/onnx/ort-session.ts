/**
 * ONNX Runtime (CPU) sessions as Vigie runs them: one thread per session, since
 * the detector pool already runs one session per core and more threads per
 * session only make them fight over the same cores.
 */
import type * as OrtNamespace from 'onnxruntime-node';
import type { InferenceSession, Tensor } from 'onnxruntime-node';

export type OrtModule = typeof OrtNamespace;

let ortModule: Promise<OrtModule> | undefined;

/** Imports onnxruntime-node once (lazily, so other backends never load its native library). */
export function loadOrt(): Promise<OrtModule> {
  ortModule ??= import('onnxruntime-node').catch((err: unknown) => {
    ortModule = undefined;
    throw new Error(`cannot load onnxruntime-node (is it installed? run npm ci): ${err instanceof Error ? err.message : String(err)}`);
  });
  return ortModule;
}

export interface OrtSessionOptions {
  /** Threads ONNX Runtime may use inside one inference. Default 1 (the pool adds parallelism). */
  readonly threads?: number;
}

/** Creates an inference session from a model file path or the model's bytes. */
export async function createOrtSession(model: string | Uint8Array, options: OrtSessionOptions = {}): Promise<InferenceSession> {
  const ort = await loadOrt();
  const threads = options.threads ?? 1;
  const sessionOptions: InferenceSession.SessionOptions = {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  };
  return typeof model === 'string'
    ? ort.InferenceSession.create(model, sessionOptions)
    : ort.InferenceSession.create(model, sessionOptions);
}

/** A float32 tensor over `data` (not copied). */
export async function floatInput(data: Float32Array, dims: readonly number[]): Promise<Tensor> {
  const ort = await loadOrt();
  return new ort.Tensor('float32', data, dims);
}
