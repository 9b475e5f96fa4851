/**
 * Continuous recording: recorders per camera (`recorder-manager.ts`), the
 * segment index (`segment-index.ts`), start-up reconciliation (`reconcile.ts`),
 * HLS playlists (`playlist.ts`). See docs/RECORDING.md.
 */
import type { RecorderStatus } from './camera-recorder.js';
import type { SegmentIndex } from './segment-index.js';

/** What the API needs of recording. */
export interface RecordingRuntime {
  readonly index: SegmentIndex;
  /** Absolute folder the index's relative paths start from. */
  readonly recordingsDir: string;
  status(): readonly RecorderStatus[];
}

export { startCameraRecorder, RECORDER_STATES, type CameraRecorder, type RecorderState, type RecorderStatus, type GapReason } from './camera-recorder.js';
export { createRecorderManager, minFreeBytesOf, type RecorderManager, type RecorderManagerOptions } from './recorder-manager.js';
export { reconcileRecordings, type ReconcileReport, type ReconcileAction } from './reconcile.js';
export { buildVodPlaylist, clipSpan } from './playlist.js';
export { statfsFreeSpace, type FreeSpaceProbe } from './disk-space.js';
export { createSegmentIndex, type Segment, type SegmentIndex, type RecordingGap } from './segment-index.js';
