/**
 * Default worker module of the detector pool: serves one detector of
 * `DETECTOR_BACKENDS` in this worker thread. Started by `createDetectorPool`, never imported.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createDetector, isDetectorBackendName, type DetectorBackendOptions } from './detector.js';
import { serveDetector, type DetectorWorkerData } from './worker.js';

/** `payload` of `DetectorWorkerData` for this module. */
export interface BackendWorkerPayload {
  readonly backend: string;
  readonly options: unknown;
}

const port = parentPort;
if (!port) throw new Error('worker-entry.ts runs only as a worker thread started by the detector pool');
const { backend, options } = (workerData as DetectorWorkerData).payload as BackendWorkerPayload;

serveDetector(port, () => {
  if (!isDetectorBackendName(backend)) return Promise.reject(new Error(`unknown detector backend "${backend}"`));
  return createDetector(backend, options as DetectorBackendOptions<typeof backend>);
});
