/**
 * Pure argv builder of the recorder: the camera's first video stream copied
 * (no re-encoding) into MPEG-TS segments, each completed segment announced as a
 * CSV line on stdout; or, with a mask image, re-encoded (libx264 veryfast) with
 * the privacy masks overlaid. Nothing here spawns or reads the clock.
 */
import { MediaError } from './errors.js';
import { DEFAULT_NETWORK_TIMEOUT_MS, PROTOCOL_WHITELIST, sourceKind } from './ffmpeg-args.js';

export interface SegmentArgsOptions {
  /** File path, rtsp(s):// or http(s):// URL. */
  readonly source: string;
  /** Target segment length in seconds; segments are cut at the first keyframe after it. */
  readonly segmentS: number;
  /**
   * Output pattern of the segments being written, with one `%d`-style counter
   * (e.g. `/rec/gare/.incoming/1700000000000-%06d.ts.part`); the recorder renames each one once complete.
   */
  readonly outputPattern: string;
  /** Files only: read in real time and loop forever, as the demo camera does. */
  readonly loop?: boolean;
  /** Network sources: socket I/O timeout. */
  readonly networkTimeoutMs?: number;
  /**
   * Masked recording: an RGBA image of the source's size (see privacy/mask-image),
   * overlaid on every frame; the video is then re-encoded instead of copied.
   */
  readonly maskImage?: string;
}

/** One line of `-segment_list_type csv`: file name, start and end in stream seconds. */
export interface SegmentListEntry {
  readonly file: string;
  readonly startS: number;
  readonly endS: number;
}

/** argv (without `ffmpeg`) of one recorder run. `-nostdin` is left out: stop() asks ffmpeg to quit with `q`. */
export function buildSegmentArgs(options: SegmentArgsOptions): string[] {
  const kind = sourceKind(options.source);
  const bad = (reason: string): MediaError => new MediaError('INVALID_OPTIONS', options.source, reason);
  if (!(Number.isFinite(options.segmentS) && options.segmentS >= 1)) throw bad(`segment length must be >= 1 s, got ${options.segmentS}`);
  if (!/%0?\d*d/.test(options.outputPattern)) throw bad(`segment output pattern needs a %d counter, got ${options.outputPattern}`);
  if (kind !== 'file' && options.loop === true) throw bad('loop applies to files only (network sources are live)');
  const timeoutUs = String(Math.round((options.networkTimeoutMs ?? DEFAULT_NETWORK_TIMEOUT_MS) * 1000));
  const args = ['-hide_banner', '-loglevel', 'error', '-protocol_whitelist', PROTOCOL_WHITELIST[kind]];
  if (kind === 'rtsp') args.push('-rtsp_transport', 'tcp', '-timeout', timeoutUs);
  if (kind === 'http') args.push('-rw_timeout', timeoutUs);
  // A file is read at its own rate, like a camera delivers it, so recorded time is wall time.
  if (kind === 'file') args.push('-re');
  if (options.loop === true) args.push('-stream_loop', '-1');
  args.push('-i', options.source);
  if (options.maskImage === undefined) {
    args.push('-map', '0:v:0', '-an', '-c', 'copy');
  } else {
    // A single still image: overlay repeats it on every frame. scale2ref keeps it aligned should
    // the camera's size differ from the probed one (pixel-exact when it does not).
    // Keyframes are forced on the segment length so the segments are cut as with stream copy.
    args.push(
      '-i', options.maskImage,
      '-filter_complex', '[1:v][0:v]scale2ref=flags=neighbor[mask][video];[video][mask]overlay=format=auto,format=yuv420p[out]',
      '-map', '[out]', '-an',
      '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23',
      '-force_key_frames', `expr:gte(t,n_forced*${options.segmentS})`,
    );
  }
  args.push(
    '-f', 'segment',
    '-segment_time', String(options.segmentS),
    '-segment_format', 'mpegts',
    '-reset_timestamps', '1',
    '-segment_list', 'pipe:1',
    '-segment_list_type', 'csv',
    options.outputPattern,
  );
  return args;
}

/** Parses one CSV line of the segment list; null for anything else. */
export function parseSegmentListLine(line: string): SegmentListEntry | null {
  const match = /^(.*),(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)$/.exec(line.trim());
  if (!match) return null;
  // The CSV quotes names holding commas or quotes; ours never do, but unquote anyway.
  const raw = match[1] as string;
  const file = raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : raw;
  const startS = Number(match[2]);
  const endS = Number(match[3]);
  if (file === '' || !(endS >= startS)) return null;
  return { file, startS, endS };
}
