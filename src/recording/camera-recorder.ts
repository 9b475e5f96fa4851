/**
 * Continuous recording of one camera: keeps a recorder run (ffmpeg, stream
 * copy) going, restarts it with backoff when it dies, stops it while the disk
 * is too full and resumes when space returns, indexes every completed segment
 * and records what was not recorded as a gap.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import type { NormPolygon } from '../contracts/geometry.js';
import { dirname, join } from 'node:path';
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffPolicy } from '../media/backoff.js';
import { isMediaError, mediaErrorFromStderr } from '../media/errors.js';
import { probeSource } from '../media/ffprobe.js';
import { startRecorderRun, type CompletedSegment, type RecorderRun, type RecorderRunOptions } from '../media/recorder.js';
import { maskImagePam } from '../privacy/mask-image.js';
import { rasterizeMasks } from '../privacy/mask.js';
import type { Clock as WallClock } from '../store/time.js';
import { clockFrom, describeClockJump, detectClockJump, formatDuration, readClock, type Clock, type ClockJump, type ClockReading } from '../time/clock.js';
import { isDiskFullError, type FreeSpaceProbe } from './disk-space.js';
import { finalizeSegment, TruncatedSegmentError } from './finalize.js';
import { incomingPattern, PART_SUFFIX } from './layout.js';
import type { SegmentIndex } from './segment-index.js';
import { createWakeableSleep } from '../time/wakeable-sleep.js';

export const RECORDER_STATES = ['recording', 'stopped', 'disk_full', 'error'] as const;
export type RecorderState = (typeof RECORDER_STATES)[number];

/** Why a span was not recorded. */
export type GapReason = 'stream_down' | 'vigie_stopped' | 'disk_full' | 'lost_on_crash' | 'recording_disabled';

export interface RecorderStatus {
  readonly camera: string;
  readonly state: RecorderState;
  /** ISO time the state began. */
  readonly since: string;
  /** ISO end of the last indexed segment, null before the first. */
  readonly lastSegmentAt: string | null;
  /** What went wrong, fit for an operator (state disk_full or error); null otherwise. */
  readonly error: string | null;
  /** Wall-clock jumps seen while this recorder ran (each one logged); segments kept their monotonic timeline. */
  readonly clockJumps: number;
  /** The latest of them, null before the first: when it was seen (ISO, wall clock after the jump), which way, how far (s). */
  readonly lastClockJump: ClockJumpStatus | null;
}

export interface ClockJumpStatus {
  readonly at: string;
  readonly direction: ClockJump['direction'];
  readonly seconds: number;
}

export interface CameraRecorderOptions {
  readonly camera: string;
  readonly source: string;
  readonly loop: boolean;
  readonly segmentS: number;
  readonly recordingsDir: string;
  readonly index: SegmentIndex;
  /** Wall clock alone (the process's monotonic clock measures durations) or both (tests fake them). */
  readonly clock: WallClock | Clock;
  readonly freeSpace: FreeSpaceProbe;
  /** Recording stops below this many free bytes and resumes above it. */
  readonly minFreeBytes: number;
  /** How often free space is checked while recording and while waiting for space. Default 10 s. */
  readonly diskPollMs?: number;
  readonly backoff?: BackoffPolicy;
  readonly random?: () => number;
  /** End of the camera's last indexed segment and why nothing was recorded since (the first gap). */
  readonly resumeFrom?: { readonly atMs: number; readonly reason: GapReason } | null;
  readonly onLog?: (line: string) => void;
  /** Starts one ffmpeg run; injected by tests. */
  readonly startRun?: (options: RecorderRunOptions) => RecorderRun;
  /** Codec of the source's video (ffprobe); injected by tests. Null skips the check. */
  readonly probeCodec?: ((source: string, signal?: AbortSignal) => Promise<string>) | null;
  /**
   * Masked recording (`recording.privacy_masks`): these polygons are filled in
   * black in the recorded video, which is then re-encoded. Empty: stream copy.
   */
  readonly masks?: readonly NormPolygon[];
  /** Picture size of the source (ffprobe), for the mask image; injected by tests. */
  readonly probeSize?: (source: string, signal?: AbortSignal) => Promise<{ readonly width: number; readonly height: number }>;
}

/** Video codecs MPEG-TS carries, so a stream copy stays playable (cameras send H.264 or H.265). */
export const TS_VIDEO_CODECS: ReadonlySet<string> = new Set(['h264', 'hevc', 'mpeg2video', 'mpeg1video', 'mpeg4']);

const probeSizeWithFfprobe = async (source: string, signal?: AbortSignal): Promise<{ width: number; height: number }> =>
  probeSource(source, { timeoutMs: 20_000, ...(signal ? { signal } : {}) });

const probeCodecWithFfprobe = async (source: string, signal?: AbortSignal): Promise<string> =>
  (await probeSource(source, { timeoutMs: 20_000, ...(signal ? { signal } : {}) })).codec;

export interface CameraRecorder {
  readonly camera: string;
  status(): RecorderStatus;
  /** Stops ffmpeg (the segment being written is completed and indexed); resolves once it is reaped. */
  stop(): Promise<void>;
}

/** Spans shorter than this between two segments are timing noise, not gaps. */
const GAP_TOLERANCE_MS = 1500;
/** A completed segment's computed start within this of the previous end continues it exactly. */
const CHAIN_TOLERANCE_MS = 2000;

/**
 * Where one recorder run puts its segments: its wall time at the start (the anchor) plus
 * monotonic time since, moved later by `shiftMs` when that would file footage before
 * footage already recorded (a wall clock behind).
 */
interface RunTimeline {
  readonly anchor: ClockReading;
  shiftMs: number;
  /** Whether the run's first segment checked the index for the camera's latest recorded end. */
  flooredOnIndex: boolean;
}

export function startCameraRecorder(options: CameraRecorderOptions): CameraRecorder {
  const { camera, index } = options;
  const time: Clock = typeof options.clock === 'function' ? clockFrom(options.clock) : options.clock;
  const clock = (): number => time.wallMs();
  const log = (line: string): void => options.onLog?.(`recording ${camera}: ${line}`);
  const diskPollMs = options.diskPollMs ?? 10_000;
  const policy = options.backoff ?? DEFAULT_BACKOFF;
  const startRun = options.startRun ?? startRecorderRun;
  const iso = (ms: number): string => new Date(ms).toISOString();

  let state: RecorderState = 'recording';
  let since = clock();
  let error: string | null = null;
  let lastSegmentEnd: number | null = options.resumeFrom?.atMs ?? null;
  let down: { sinceMs: number; reason: GapReason } | null = options.resumeFrom ? { sinceMs: options.resumeFrom.atMs, reason: options.resumeFrom.reason } : null;
  let stopping = false;
  let run: RecorderRun | null = null;
  const pause = createWakeableSleep();
  let clockJumps = 0;
  let lastClockJump: ClockJumpStatus | null = null;
  let lastReading: ClockReading | null = null;

  /** Compares the clocks with their previous reading: a wall clock that moved more (or less) than the monotonic one jumped. */
  const watchClock = (): void => {
    const reading = readClock(time);
    const jump = lastReading === null ? null : detectClockJump(lastReading, reading);
    lastReading = reading;
    if (jump === null) return;
    clockJumps += 1;
    lastClockJump = { at: iso(reading.wallMs), direction: jump.direction, seconds: Math.round(jump.sizeMs / 1000) };
    log(
      `wall clock ${describeClockJump(jump)} (NTP, an operator or the hardware clock): this run keeps filing segments on its own timeline ` +
        '(start time plus monotonic time), so no footage is misfiled; check the time source (NTP) of this server',
    );
  };

  const setState = (next: RecorderState, message: string | null): void => {
    if (next !== state || message !== error) {
      if (next !== state) since = clock();
      if (next !== state || message) log(message ? `${next}: ${message}` : next);
      state = next;
      error = message;
    }
  };
  // stop()/close() cuts a backoff short.
  const sleep = (ms: number): Promise<void> => pause.sleep(ms);
  const markDown = (reason: GapReason, atMs: number): void => {
    if (down === null) down = { sinceMs: lastSegmentEnd ?? atMs, reason };
  };
  const freeBytes = async (): Promise<number> => {
    try {
      return await options.freeSpace(options.recordingsDir);
    } catch (err) {
      log(`free space unknown (${String(err)}): recording anyway`);
      return Number.POSITIVE_INFINITY;
    }
  };
  const diskFullMessage = (free: number): string =>
    `disk almost full: ${Math.floor(free / 1048576)} MiB free, recording needs ${Math.ceil(options.minFreeBytes / 1048576)} MiB; free space (retention, legal holds) and recording resumes by itself`;

  let diskFullDuringRun: string | null = null;

  /** End of the camera's latest indexed segment (this recorder's or an earlier one's), null when none. */
  const latestIndexedEnd = async (): Promise<number | null> => {
    try {
      const [newest] = await index.list({ camera, order: 'newest', limit: 1 });
      return newest ? Date.parse(newest.end) : null;
    } catch (err) {
      log(`latest recorded segment unknown (${String(err)}): filing after this recorder's own segments only`);
      return null;
    }
  };

  const onSegment = async (segment: CompletedSegment, timeline: RunTimeline): Promise<void> => {
    watchClock();
    const durationMs = Math.max(0, Math.round((segment.endS - segment.startS) * 1000));
    // receivedAtMs comes from the run's monotonic timeline (see `now` below), never straight from the wall clock.
    let startMs = segment.receivedAtMs + timeline.shiftMs - durationMs;
    // Within a run, segments follow each other exactly; after any stop the new start is measured.
    if (down === null && lastSegmentEnd !== null && Math.abs(startMs - lastSegmentEnd) <= CHAIN_TOLERANCE_MS) startMs = lastSegmentEnd;
    // Never before recorded footage: a wall clock behind would overlap it (and could collide with its files).
    let floor = lastSegmentEnd;
    if (!timeline.flooredOnIndex) {
      timeline.flooredOnIndex = true;
      const indexed = await latestIndexedEnd();
      if (indexed !== null && (floor === null || indexed > floor)) floor = indexed;
    }
    if (floor !== null && startMs < floor) {
      const behindMs = floor - startMs;
      if (behindMs > CHAIN_TOLERANCE_MS) {
        log(`wall clock behind the recordings by ${formatDuration(behindMs)}: this run's segments are filed after the latest recorded one (${iso(floor)}); check the time source (NTP) of this server`);
      }
      timeline.shiftMs += behindMs;
      startMs = floor;
    }
    const endMs = startMs + durationMs;
    // The gap before the segment is written first: whoever sees the segment sees the gap too.
    if (down !== null && startMs - down.sinceMs > GAP_TOLERANCE_MS) {
      const gap = { camera, start: iso(down.sinceMs), end: iso(startMs), reason: down.reason };
      await index.addGap(gap).catch((err: unknown) => log(`gap could not be stored: ${String(err)}`));
      down = { sinceMs: startMs, reason: down.reason };
    }
    try {
      await finalizeSegment(index, { recordingsDir: options.recordingsDir, camera, tempPath: segment.path, startMs, endMs, createdAt: iso(clock()), onLog: log });
    } catch (err) {
      if (err instanceof TruncatedSegmentError) {
        // ffmpeg is failing on a write and ends by itself; its exit says why.
        log(err.message);
        return;
      }
      const message = `segment ${segment.path} could not be indexed: ${String(err)}`;
      if (isDiskFullError(String(err))) diskFullDuringRun = message;
      log(message);
      void run?.stop();
      return;
    }
    down = null;
    lastSegmentEnd = endMs;
  };

  const masks = options.masks ?? [];
  // Stopping kills a probe in progress: stop() never waits for ffprobe, nor leaves one behind.
  const halt = new AbortController();
  const probeCodec = options.probeCodec === undefined ? probeCodecWithFfprobe : options.probeCodec;
  /** true once the source's codec is known to fit MPEG-TS; false when it never will (the recorder waits for a new config). */
  const codecFits = async (): Promise<boolean | null> => {
    // A masked recording is re-encoded to H.264: any codec ffmpeg decodes will do.
    if (probeCodec === null || masks.length > 0) return true;
    try {
      const codec = await probeCodec(options.source, halt.signal);
      if (TS_VIDEO_CODECS.has(codec)) return true;
      setState('error', `the camera sends ${codec} video, which cannot be recorded without re-encoding (MPEG-TS carries ${[...TS_VIDEO_CODECS].join(', ')}): set the camera to H.264 or H.265`);
      return false;
    } catch (err) {
      setState('error', `${isMediaError(err) ? err.message : String(err)}; retrying`);
      return null;
    }
  };

  let maskPam: Buffer | null = null;
  /** Writes the mask image of a masked recording next to the run's segments (rasterised once, at the source's size). */
  const writeMaskImage = async (path: string): Promise<void> => {
    maskPam ??= maskImagePam(rasterizeMasks(masks, await (options.probeSize ?? probeSizeWithFfprobe)(options.source, halt.signal)));
    await writeFile(path, maskPam);
  };

  const loop = async (): Promise<void> => {
    let attempt = 0;
    let codecChecked = false;
    while (!stopping) {
      if (!codecChecked) {
        const fits = await codecFits();
        if (fits === false) return; // a configuration change (new source) replaces this recorder
        if (fits === null) {
          markDown('stream_down', clock());
          await sleep(backoffDelayMs(attempt++, policy, options.random));
          continue;
        }
        codecChecked = true;
      }
      const free = await freeBytes();
      if (free < options.minFreeBytes) {
        markDown('disk_full', clock());
        setState('disk_full', diskFullMessage(free));
        await sleep(diskPollMs);
        continue;
      }
      diskFullDuringRun = null;
      // Each run re-reads the wall clock once; its segments are then timed on the monotonic clock.
      watchClock();
      const anchor = readClock(time);
      const timeline: RunTimeline = { anchor, shiftMs: 0, flooredOnIndex: false };
      const runStart = anchor.wallMs;
      const pattern = incomingPattern(options.recordingsDir, camera, String(runStart));
      try {
        await mkdir(dirname(pattern), { recursive: true });
      } catch (err) {
        markDown(isDiskFullError(String(err)) ? 'disk_full' : 'stream_down', runStart);
        setState(isDiskFullError(String(err)) ? 'disk_full' : 'error', `cannot create ${dirname(pattern)}: ${String(err)}`);
        await sleep(diskPollMs);
        continue;
      }
      const maskImage = masks.length > 0 ? join(dirname(pattern), `${runStart}-privacy-mask.pam`) : undefined;
      if (maskImage !== undefined) {
        try {
          await writeMaskImage(maskImage);
        } catch (err) {
          // Never record unmasked what must be masked: wait and retry.
          markDown('stream_down', runStart);
          const delay = backoffDelayMs(attempt++, policy, options.random);
          setState('error', `cannot prepare the privacy mask image: ${isMediaError(err) ? err.message : String(err)}; retrying in ${(delay / 1000).toFixed(1)} s`);
          await sleep(delay);
          continue;
        }
      }
      // stop() may have come during an await above: it found no run to stop, so none may start now.
      if (stopping) break;
      const current = startRun({
        source: options.source,
        segmentS: options.segmentS,
        outputPattern: pattern,
        loop: options.loop,
        ...(maskImage !== undefined ? { maskImage } : {}),
        now: () => timeline.anchor.wallMs + (time.monoMs() - timeline.anchor.monoMs),
        onSegment: (segment) => onSegment(segment, timeline),
        onHandlerError: (err) => log(String(err)),
      });
      run = current;
      setState('recording', null);
      const watch = setInterval(() => {
        void freeBytes().then((bytes) => {
          if (bytes < options.minFreeBytes && diskFullDuringRun === null) {
            diskFullDuringRun = diskFullMessage(bytes);
            void current.stop();
          }
        });
      }, diskPollMs);
      const exit = await current.done;
      clearInterval(watch);
      run = null;
      await removeLeftovers(dirname(pattern), `${runStart}-`);
      if (maskImage !== undefined) await rm(maskImage, { force: true });
      if (stopping) break;
      const stderr = exit.stderrTail.join('\n');
      if (diskFullDuringRun !== null || isDiskFullError(stderr)) {
        markDown('disk_full', clock());
        setState('disk_full', diskFullDuringRun ?? `disk full while writing (${exit.stderrTail.at(-1) ?? 'no space left'}): free space (retention, legal holds) and recording resumes by itself`);
        await sleep(diskPollMs); // then the loop checks free space before starting again
        continue;
      }
      markDown('stream_down', clock());
      if (exit.segments > 0) attempt = 0;
      const reason = exit.spawnError ? `ffmpeg could not be started (${exit.spawnError.code ?? exit.spawnError.message}): install ffmpeg` : mediaErrorFromStderr(options.source, exit.stderrTail).message;
      const delay = backoffDelayMs(attempt, policy, options.random);
      attempt += 1;
      setState('error', `${reason}; retrying in ${(delay / 1000).toFixed(1)} s`);
      await sleep(delay);
    }
  };
  /** A run that ended without completing its last segment (ffmpeg died, write failed) leaves a partial file: never indexed, so removed. */
  const removeLeftovers = async (dir: string, prefix: string): Promise<void> => {
    try {
      for (const name of await readdir(dir)) {
        if (!name.startsWith(prefix) || !name.endsWith(PART_SUFFIX)) continue;
        await rm(join(dir, name), { force: true });
        log(`incomplete segment ${name} removed (the recorder ended before completing it)`);
      }
    } catch (err) {
      log(`incomplete segments of ${dir} could not be removed: ${String(err)}`);
    }
  };

  const done = loop().catch((err: unknown) => {
    setState('error', `recorder failed: ${String(err)}`);
  });

  return {
    camera,
    status: () => ({ camera, state, since: iso(since), lastSegmentAt: lastSegmentEnd === null ? null : iso(lastSegmentEnd), error, clockJumps, lastClockJump }),
    async stop() {
      stopping = true;
      halt.abort();
      pause.wake();
      await run?.stop();
      await done;
      setState('stopped', null);
    },
  };
}
