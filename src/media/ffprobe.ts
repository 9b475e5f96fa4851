/**
 * Facts about a video source from ffprobe, with one-line MediaErrors for the
 * ways a source can be wrong (missing, not a video, unreachable).
 */
import { stat } from 'node:fs/promises';
import { MediaError, mediaErrorFromStderr } from './errors.js';
import { buildProbeArgs, sourceKind } from './ffmpeg-args.js';
import { startFfmpeg } from './ffmpeg-process.js';
import { assertFrameSizeWithinLimits } from './frame-limits.js';

export interface StreamInfo {
  readonly width: number;
  readonly height: number;
  /** Frames per second of the source (average rate when the container gives one). */
  readonly fps: number;
  /** null for live streams. */
  readonly durationSec: number | null;
  /** Frame count from the container header; null when it does not say (live streams, mkv, ts). */
  readonly frameCount: number | null;
  /** ffmpeg codec name, e.g. `h264`. */
  readonly codec: string;
}

export interface ProbeOptions {
  /** Give up after this long (network sources can hang in connect or analysis). */
  readonly timeoutMs?: number;
  /** Socket I/O timeout passed to ffprobe for network sources. */
  readonly networkTimeoutMs?: number;
  /** Executable; default `ffprobe`. */
  readonly command?: string;
  /** Aborting kills ffprobe and rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 30_000;

export async function probeSource(source: string, options: ProbeOptions = {}): Promise<StreamInfo> {
  options.signal?.throwIfAborted();
  if (sourceKind(source) === 'file') await checkFile(source);

  const proc = startFfmpeg({
    command: options.command ?? 'ffprobe',
    args: buildProbeArgs(source, { networkTimeoutMs: options.networkTimeoutMs }),
  });
  const chunks: Buffer[] = [];
  proc.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));

  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void proc.stop();
  }, timeoutMs);
  const onAbort = (): void => void proc.stop();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const exit = await proc.exited.finally(() => {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  });

  options.signal?.throwIfAborted();
  if (exit.spawnError) {
    throw exit.spawnError.code === 'ENOENT'
      ? new MediaError('FFMPEG_MISSING', source, exit.spawnError.message)
      : new MediaError('DECODE_FAILED', source, exit.spawnError.message);
  }
  if (timedOut) {
    const code = sourceKind(source) === 'file' ? 'DECODE_FAILED' : 'UNREACHABLE';
    throw new MediaError(code, source, `no answer from ffprobe within ${Math.round(timeoutMs / 1000)} s`, exit.stderrTail);
  }
  if (exit.code !== 0) throw mediaErrorFromStderr(source, exit.stderrTail);

  const info = parseProbeJson(Buffer.concat(chunks).toString('utf8'));
  if (typeof info === 'string') throw new MediaError('NOT_VIDEO', source, info, exit.stderrTail);
  // Refused here, before any caller sizes a frame buffer from it.
  assertFrameSizeWithinLimits(info, source);
  return info;
}

/**
 * Parses `ffprobe -of json` output (see buildProbeArgs); returns the reason as a
 * string when it describes no usable video stream.
 */
export function parseProbeJson(json: string): StreamInfo | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    if (err instanceof SyntaxError) return 'unreadable ffprobe output';
    throw err;
  }
  const root = (parsed ?? {}) as { streams?: Record<string, unknown>[]; format?: Record<string, unknown> };
  const stream = root.streams?.[0];
  if (!stream) return 'no video stream';
  const format = typeof root.format?.format_name === 'string' ? root.format.format_name : '';
  // ffmpeg renders text files as "video" (tty demuxer) and opens still images as
  // one-frame videos; neither is footage.
  if (format === 'tty') return 'a text file';
  if (format === 'image2' || format.endsWith('_pipe')) return 'a still image';
  const width = Number(stream.width);
  const height = Number(stream.height);
  if (!(width > 0 && height > 0)) return 'video stream without a frame size';
  const fps = parseRate(stream.avg_frame_rate) ?? parseRate(stream.r_frame_rate);
  if (fps === null) return 'video stream without a frame rate';
  const frameCount = positiveNumber(stream.nb_frames);
  return {
    width,
    height,
    fps,
    durationSec: positiveNumber(stream.duration) ?? positiveNumber(root.format?.duration),
    frameCount: frameCount === null ? null : Math.round(frameCount),
    codec: typeof stream.codec_name === 'string' ? stream.codec_name : 'unknown',
  };
}

/**
 * Frames a decode will produce: every frame (fps undefined) or the fps
 * filter's output, which covers the source duration rounded to the nearest
 * frame. null when the source does not say how long it is (live streams).
 */
export function estimateFrameCount(info: StreamInfo, fps?: number): number | null {
  if (fps === undefined) {
    return info.frameCount ?? (info.durationSec === null ? null : Math.round(info.durationSec * info.fps));
  }
  // The frame count is exact where the container's duration is not (mp4 edit lists, audio-padded AVI).
  const durationSec = info.frameCount !== null ? info.frameCount / info.fps : info.durationSec;
  return durationSec === null ? null : Math.round(durationSec * fps);
}

async function checkFile(path: string): Promise<void> {
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new MediaError('NOT_READABLE', path, 'is a directory');
    if (st.size === 0) throw new MediaError('NOT_VIDEO', path, 'empty file');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new MediaError('NOT_FOUND', path, 'no such file');
    if (code === 'EACCES' || code === 'EPERM') throw new MediaError('NOT_READABLE', path, 'permission denied');
    throw err;
  }
}

function parseRate(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const [num, den = '1'] = value.split('/');
  const rate = Number(num) / Number(den);
  return Number.isFinite(rate) && rate > 0 ? rate : null;
}

function positiveNumber(value: unknown): number | null {
  const n = typeof value === 'string' || typeof value === 'number' ? Number(value) : NaN;
  return Number.isFinite(n) && n > 0 ? n : null;
}
