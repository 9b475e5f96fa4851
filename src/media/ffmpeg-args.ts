/**
 * Pure argv builders for ffmpeg and ffprobe. Nothing here spawns or reads the
 * clock, so every argv is pinned by golden tests (test/unit/media/ffmpeg-args.test.ts).
 */
import { classifySource } from '../config/source-policy.js';
import { MediaError } from './errors.js';
import { redactText } from './redact.js';

export { redactUrl, redactText } from './redact.js';

export type SourceKind = 'file' | 'rtsp' | 'http';

/**
 * ffmpeg protocols an input of each kind may open (`-protocol_whitelist`), so a
 * playlist, an SDP or a redirect cannot pull another protocol (a local file, concat:, data:...).
 */
export const PROTOCOL_WHITELIST: Readonly<Record<SourceKind, string>> = {
  file: 'file',
  rtsp: 'rtsp,rtsps,rtp,srtp,udp,tcp,tls',
  http: 'http,https,tcp,tls',
};

export interface FrameSize {
  readonly width: number;
  readonly height: number;
}

/** Socket I/O timeout for network sources: long enough for a slow camera, short enough to notice a dead one. */
export const DEFAULT_NETWORK_TIMEOUT_MS = 10_000;

/** Global flags: quiet (errors only, which we keep for messages), no banner, never read the terminal. */
const GLOBAL_ARGS = ['-hide_banner', '-loglevel', 'error', '-nostdin'] as const;

/**
 * Classifies a source string with the camera source allow-list (config/source-policy):
 * any other scheme, an option-like or control-character value is rejected rather than guessed.
 */
export function sourceKind(source: string): SourceKind {
  const check = classifySource(source);
  if (!check.ok) throw new MediaError('UNSUPPORTED_SOURCE', source, check.problem);
  return check.kind;
}

/**
 * Size of analysed frames: `width` wide, height keeping the aspect ratio rounded
 * to an even number (encoders of snapshots and clips need even sizes);
 * native size when `width` is undefined.
 */
export function analysisSize(native: FrameSize, width?: number): FrameSize {
  if (width === undefined) return { width: native.width, height: native.height };
  const height = Math.max(2, 2 * Math.round((width * native.height) / native.width / 2));
  return { width, height };
}

export interface DecodeArgsOptions {
  /** File path, rtsp(s):// or http(s):// URL. */
  readonly source: string;
  /** Analysis rate in frames per second; undefined keeps every source frame (`vigie track` needs them all). */
  readonly fps?: number;
  /** Analysis width in pixels; undefined keeps the native size. */
  readonly width?: number;
  /**
   * Native size when known (probed): the scale filter then gets an explicit
   * height, so the caller knows the exact frame size before the first byte.
   */
  readonly sourceSize?: FrameSize;
  /** Files only: start again at the end, forever (demo camera, soak tests). */
  readonly loop?: boolean;
  /** Files only: read at the native frame rate, as a camera would deliver it. */
  readonly realtime?: boolean;
  /** Network sources: socket I/O timeout. */
  readonly networkTimeoutMs?: number;
}

/** argv (without the `ffmpeg` itself) that decodes `source` to packed RGB24 frames on stdout. */
export function buildDecodeArgs(options: DecodeArgsOptions): string[] {
  const kind = sourceKind(options.source);
  validate(options, kind);
  const args: string[] = [...GLOBAL_ARGS];
  args.push(...inputArgs(kind, options.networkTimeoutMs));
  if (options.realtime === true) args.push('-re');
  if (options.loop === true) args.push('-stream_loop', '-1');
  args.push('-i', options.source, '-map', '0:v:0');

  const filters: string[] = [];
  // fps before scale: frames the fps filter drops are never scaled.
  if (options.fps !== undefined) filters.push(`fps=${options.fps}`);
  if (options.width !== undefined) {
    const height = options.sourceSize ? analysisSize(options.sourceSize, options.width).height : -2;
    filters.push(`scale=${options.width}:${height}:flags=bilinear`);
  }
  if (filters.length > 0) args.push('-vf', filters.join(','));
  // Without an fps filter, rawvideo output would default to constant-rate sync and
  // duplicate or drop frames of variable-rate sources; passthrough emits each decoded frame once.
  if (options.fps === undefined) args.push('-fps_mode', 'passthrough');
  args.push('-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1');
  return args;
}

export interface ProbeArgsOptions {
  readonly networkTimeoutMs?: number;
}

/** argv (without `ffprobe`) that prints the first video stream's facts as JSON. */
export function buildProbeArgs(source: string, options: ProbeArgsOptions = {}): string[] {
  const kind = sourceKind(source);
  return [
    '-hide_banner', '-loglevel', 'error',
    ...inputArgs(kind, options.networkTimeoutMs),
    '-select_streams', 'v:0',
    '-show_entries', 'stream=codec_name,width,height,r_frame_rate,avg_frame_rate,nb_frames,duration:format=format_name,duration',
    '-of', 'json',
    '-i', source,
  ];
}

/** One printable, credential-free command line for logs. */
export function formatCommandForLog(command: string, args: readonly string[]): string {
  const quoted = args.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`));
  return redactText([command, ...quoted].join(' '));
}

function inputArgs(kind: SourceKind, timeoutMs = DEFAULT_NETWORK_TIMEOUT_MS): string[] {
  const timeoutUs = String(Math.round(timeoutMs * 1000));
  const whitelist = ['-protocol_whitelist', PROTOCOL_WHITELIST[kind]];
  switch (kind) {
    case 'file':
      return whitelist;
    case 'rtsp':
      // TCP: no lost UDP packets (smeared frames) and it crosses NAT/firewalls.
      return [...whitelist, '-rtsp_transport', 'tcp', '-timeout', timeoutUs];
    case 'http':
      // We reconnect ourselves (with backoff and state reporting), so no -reconnect here.
      return [...whitelist, '-rw_timeout', timeoutUs];
    default: {
      const never: never = kind;
      return never;
    }
  }
}

function validate(options: DecodeArgsOptions, kind: SourceKind): void {
  const bad = (reason: string): MediaError => new MediaError('INVALID_OPTIONS', options.source, reason);
  if (options.fps !== undefined && !(Number.isFinite(options.fps) && options.fps > 0)) {
    throw bad(`fps must be a positive number, got ${options.fps}`);
  }
  if (options.width !== undefined && !(Number.isInteger(options.width) && options.width >= 2)) {
    throw bad(`width must be an integer >= 2, got ${options.width}`);
  }
  if (kind !== 'file' && (options.loop === true || options.realtime === true)) {
    throw bad('loop and realtime apply to files only (network sources are live)');
  }
  if (options.networkTimeoutMs !== undefined && !(options.networkTimeoutMs > 0)) {
    throw bad(`networkTimeoutMs must be > 0, got ${options.networkTimeoutMs}`);
  }
}
