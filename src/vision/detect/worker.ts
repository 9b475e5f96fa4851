/**
 * The worker side of the detector pool: a message protocol and `serveDetector`,
 * which runs one `Detector` in the current worker thread. The default worker
 * module (`worker-entry.ts`) serves a backend of `DETECTOR_BACKENDS`; tests serve fakes.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Detection } from '../../contracts/detection.js';
import type { Detector, FlexibleInput } from './detector.js';
import type { InputShape } from './preprocess.js';

/** Pool -> worker: detect the frame held in `buffer` (transferred, sent back with the answer). */
export interface DetectRequest {
  readonly type: 'detect';
  readonly id: number;
  readonly buffer: ArrayBuffer;
  /** Bytes of `buffer` that hold the frame (`width * height * 3`). */
  readonly byteLength: number;
  readonly width: number;
  readonly height: number;
  /** Model input size wanted for this frame (see `DetectorFrame.input`). */
  readonly input: InputShape | undefined;
}

/** Pool -> worker: release the model after the frame in progress, then end the thread. */
export interface CloseRequest {
  readonly type: 'close';
}

export type PoolToWorkerMessage = DetectRequest | CloseRequest;

/** Worker -> pool messages. `buffer` returns the request's buffer so the pool can reuse it. */
export type WorkerToPoolMessage =
  | { readonly type: 'ready'; readonly name: string; readonly flexibleInput: FlexibleInput | undefined }
  | { readonly type: 'init-error'; readonly message: string }
  | { readonly type: 'result'; readonly id: number; readonly detections: Detection[]; readonly buffer: ArrayBuffer; readonly detectMs: number }
  | { readonly type: 'error'; readonly id: number; readonly message: string; readonly buffer: ArrayBuffer };

/** What the pool passes as `workerData` (it must be structured-cloneable). */
export interface DetectorWorkerData {
  /** URL of the worker module to import (a `.ts` file is loaded through tsx). */
  readonly entryUrl: string;
  /** URL of `tsx/esm/api`, set when the entry is TypeScript. */
  readonly tsxApiUrl: string | null;
  /** Free-form data for the worker module (the backend and its options for `worker-entry.ts`). */
  readonly payload: unknown;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

/**
 * Creates the detector with `factory`, reports `ready` (or `init-error`, then
 * exits with code 1), and answers detect requests one at a time on `port`.
 * A detect that rejects is reported as an `error` answer; the worker stays up.
 */
export function serveDetector(port: MessagePort, factory: () => Promise<Detector>): void {
  let detector: Detector | undefined;
  let chain = Promise.resolve();

  const handle = async (msg: DetectRequest): Promise<void> => {
    const { id, buffer } = msg;
    try {
      if (!detector) throw new Error('detector worker got a frame before it was ready');
      const started = performance.now();
      const detections = await detector.detect({
        data: new Uint8Array(buffer, 0, msg.byteLength), width: msg.width, height: msg.height, input: msg.input,
      });
      const reply: WorkerToPoolMessage = { type: 'result', id, detections, buffer, detectMs: performance.now() - started };
      port.postMessage(reply, [buffer]);
    } catch (err) {
      const reply: WorkerToPoolMessage = { type: 'error', id, message: errorMessage(err), buffer };
      port.postMessage(reply, [buffer]);
    }
  };

  const close = async (): Promise<void> => {
    await detector?.close();
    port.close();
    process.exit(0);
  };

  port.on('message', (msg: PoolToWorkerMessage) => {
    chain = chain.then(() => (msg.type === 'close' ? close() : handle(msg)));
  });

  factory().then(
    (d) => {
      detector = d;
      const ready: WorkerToPoolMessage = { type: 'ready', name: d.name, flexibleInput: d.flexibleInput };
      port.postMessage(ready);
    },
    (err: unknown) => {
      const failed: WorkerToPoolMessage = { type: 'init-error', message: errorMessage(err) };
      port.postMessage(failed);
      // Let the message go out before the thread ends.
      setImmediate(() => process.exit(1));
    },
  );
}
