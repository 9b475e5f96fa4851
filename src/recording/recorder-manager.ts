/**
 * The recorders of every camera that records: one per camera with
 * `enabled` and `recording.enabled`, started, stopped and restarted as the
 * configuration changes (a new source, loop or segment length restarts it).
 */
import type { CameraConfig, VigieConfig } from '../config/schema.js';
import type { BackoffPolicy } from '../media/backoff.js';
import type { RecorderRun, RecorderRunOptions } from '../media/recorder.js';
import type { Clock as WallClock } from '../store/time.js';
import type { Clock } from '../time/clock.js';
import { startCameraRecorder, type CameraRecorder, type GapReason, type RecorderStatus } from './camera-recorder.js';
import type { FreeSpaceProbe } from './disk-space.js';
import type { SegmentIndex } from './segment-index.js';

export interface RecorderManagerOptions {
  readonly recordingsDir: string;
  readonly index: SegmentIndex;
  /** Wall clock alone (the process's monotonic clock measures durations) or both (tests fake them). */
  readonly clock: WallClock | Clock;
  readonly freeSpace: FreeSpaceProbe;
  /** Free bytes below which recording stops, from the configuration; see minFreeBytesOf. */
  readonly minFreeBytes?: (config: VigieConfig) => number;
  readonly diskPollMs?: number;
  readonly backoff?: BackoffPolicy;
  readonly random?: () => number;
  readonly onLog?: (line: string) => void;
  readonly startRun?: (options: RecorderRunOptions) => RecorderRun;
  /** Codec probe of a source (default ffprobe; null skips the check). */
  readonly probeCodec?: ((source: string) => Promise<string>) | null;
}

export interface RecorderManager {
  /**
   * Starts the recorders of `config`. `interrupted`: cameras whose last segment
   * was lost in a crash (from reconciliation), so their first gap says so.
   */
  start(config: VigieConfig, interrupted?: ReadonlySet<string>): Promise<void>;
  /** Applies a new configuration: starts, stops or restarts recorders whose settings changed. */
  apply(config: VigieConfig): Promise<void>;
  /** Every camera that records or was asked to (stopped ones too), by camera id. */
  status(): readonly RecorderStatus[];
  stop(): Promise<void>;
}

/**
 * Recording stops at half of `recording.min_free_mb`: above that, retention's
 * disk-pressure pass deletes the oldest unheld footage to keep min_free_mb
 * free; recording stops only when it could not (held footage fills the disk).
 */
export function minFreeBytesOf(config: VigieConfig): number {
  return (config.recording.min_free_mb * 1024 * 1024) / 2;
}

const STARTUP_GAP_TOLERANCE_MS = 1500;

const recordedMasks = (c: CameraConfig): CameraConfig['masks'] => (c.recording.privacy_masks ? c.masks : []);
const recorderKey = (c: CameraConfig): string => JSON.stringify([c.source, c.loop, c.recording.segment_s, recordedMasks(c)]);
const records = (c: CameraConfig): boolean => c.enabled && c.recording.enabled;

export function createRecorderManager(options: RecorderManagerOptions): RecorderManager {
  const running = new Map<string, { key: string; recorder: CameraRecorder }>();
  const stopped = new Map<string, RecorderStatus>();
  const minFree = options.minFreeBytes ?? minFreeBytesOf;
  const wallNow = (): number => (typeof options.clock === 'function' ? options.clock() : options.clock.wallMs());
  let queue: Promise<void> = Promise.resolve();

  /**
   * Where the camera's timeline resumes. At Vigie's start the span since its last segment is written
   * as a gap at once (`vigie_stopped` or `lost_on_crash`), so it is known even if no segment ever
   * follows; what comes after (connecting, the first segment) is `stream_down` if it is long.
   */
  const resumeFrom = async (camera: string, reason: GapReason, atStart: boolean): Promise<{ atMs: number; reason: GapReason } | null> => {
    const [last] = await options.index.list({ camera, order: 'newest', limit: 1 });
    if (!last) return null;
    const lastEnd = Date.parse(last.end);
    const now = wallNow();
    // A wall clock behind the last segment (now < lastEnd) is no gap: the recorder files after that segment.
    if (!atStart || now - lastEnd <= STARTUP_GAP_TOLERANCE_MS) return { atMs: lastEnd, reason };
    await options.index.addGap({ camera, start: last.end, end: new Date(now).toISOString(), reason });
    return { atMs: now, reason: 'stream_down' };
  };

  const stopOne = async (camera: string): Promise<void> => {
    const entry = running.get(camera);
    if (!entry) return;
    running.delete(camera);
    await entry.recorder.stop();
    stopped.set(camera, entry.recorder.status());
  };

  const reconcileWith = async (config: VigieConfig, reasonOf: (camera: string) => GapReason, atStart: boolean): Promise<void> => {
    const wanted = new Map(config.cameras.filter(records).map((c) => [c.id, c]));
    for (const camera of [...running.keys()]) {
      const next = wanted.get(camera);
      if (!next || recorderKey(next) !== running.get(camera)?.key) await stopOne(camera);
    }
    for (const camera of [...stopped.keys()]) if (!config.cameras.some((c) => c.id === camera)) stopped.delete(camera);
    for (const [id, camera] of wanted) {
      if (running.has(id)) continue;
      stopped.delete(id);
      const recorder = startCameraRecorder({
        camera: id,
        source: camera.source,
        loop: camera.loop,
        segmentS: camera.recording.segment_s,
        masks: recordedMasks(camera),
        recordingsDir: options.recordingsDir,
        index: options.index,
        clock: options.clock,
        freeSpace: options.freeSpace,
        minFreeBytes: minFree(config),
        resumeFrom: await resumeFrom(id, reasonOf(id), atStart),
        ...(options.diskPollMs !== undefined ? { diskPollMs: options.diskPollMs } : {}),
        ...(options.backoff ? { backoff: options.backoff } : {}),
        ...(options.random ? { random: options.random } : {}),
        ...(options.onLog ? { onLog: options.onLog } : {}),
        ...(options.startRun ? { startRun: options.startRun } : {}),
        ...(options.probeCodec !== undefined ? { probeCodec: options.probeCodec } : {}),
      });
      running.set(id, { key: recorderKey(camera), recorder });
    }
  };
  // Changes are applied one after the other, never interleaved.
  const enqueue = (work: () => Promise<void>): Promise<void> => {
    const next = queue.then(work);
    queue = next.catch(() => undefined);
    return next;
  };

  return {
    start: (config, interrupted = new Set()) => enqueue(() => reconcileWith(config, (id) => (interrupted.has(id) ? 'lost_on_crash' : 'vigie_stopped'), true)),
    apply: (config) => enqueue(() => reconcileWith(config, () => 'recording_disabled', false)),
    status: () =>
      [...[...running.values()].map((e) => e.recorder.status()), ...stopped.values()].sort((a, b) => (a.camera < b.camera ? -1 : a.camera > b.camera ? 1 : 0)),
    stop: () =>
      enqueue(async () => {
        await Promise.all([...running.keys()].map((camera) => stopOne(camera)));
      }),
  };
}
