import { redactText } from './redact.js';

/**
 * Stable codes of media failures. Codes are never reused for another meaning;
 * callers (CLI, pipeline supervisor, console) switch on them.
 */
export const MEDIA_ERROR_CODES = [
  'NOT_FOUND', // the file (or the URL's path: HTTP 404) does not exist
  'NOT_READABLE', // the file exists but cannot be read (permissions, a directory)
  'NOT_VIDEO', // the input opens but holds no decodable video stream
  'UNREACHABLE', // network source: refused, timed out, unknown host, dropped
  'AUTH_FAILED', // network source: 401/403
  'UNSUPPORTED_SOURCE', // a URL scheme we do not handle
  'FFMPEG_MISSING', // ffmpeg/ffprobe is not installed or not on PATH
  'DECODE_FAILED', // ffmpeg failed for a reason not listed above
  'STALLED', // a non-restartable source stopped delivering frames
  'INVALID_OPTIONS', // a caller passed options that cannot work (e.g. width <= 0)
  'FRAME_TOO_LARGE', // the video declares frames larger than Vigie decodes (media/frame-limits)
] as const;

export type MediaErrorCode = (typeof MEDIA_ERROR_CODES)[number];

/**
 * A media failure with a one-line, credential-free message fit to show an
 * operator as is (`vigie analyze` prints `message`, never the stack).
 * `detail` keeps the last ffmpeg stderr lines (redacted) for logs.
 */
export class MediaError extends Error {
  override readonly name = 'MediaError';
  readonly code: MediaErrorCode;
  /** The source, redacted. */
  readonly source: string;
  readonly detail: readonly string[];

  constructor(code: MediaErrorCode, source: string, reason: string, detail: readonly string[] = []) {
    const safeSource = redactText(source);
    super(oneLine(`${DESCRIPTIONS[code]}: ${safeSource}${reason ? ` (${redactText(reason)})` : ''}`));
    this.code = code;
    this.source = safeSource;
    this.detail = detail.map(redactText);
  }
}

export function isMediaError(err: unknown): err is MediaError {
  return err instanceof MediaError;
}

const DESCRIPTIONS: Record<MediaErrorCode, string> = {
  NOT_FOUND: 'video source not found',
  NOT_READABLE: 'video source not readable',
  NOT_VIDEO: 'not a video (no decodable video stream)',
  UNREACHABLE: 'video source unreachable',
  AUTH_FAILED: 'video source refused the credentials',
  UNSUPPORTED_SOURCE: 'unsupported video source (use a file path, rtsp:// or http(s)://)',
  FFMPEG_MISSING: 'ffmpeg/ffprobe not found (install ffmpeg, e.g. apt-get install ffmpeg)',
  DECODE_FAILED: 'video decoding failed',
  STALLED: 'video source stopped delivering frames',
  INVALID_OPTIONS: 'invalid video source options',
  FRAME_TOO_LARGE: 'video frames too large',
};

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

// Ordered: the first matching rule wins. ffmpeg's wording is stable across 4.x-6.x.
const STDERR_RULES: readonly (readonly [RegExp, MediaErrorCode])[] = [
  // ffmpeg's own size check (libavutil imgutils), for sizes past what it can allocate at all.
  [/Picture size \d+x\d+ is invalid/i, 'FRAME_TOO_LARGE'],
  [/Server returned 40[13]|\b40[13] (Unauthorized|Forbidden)|Unauthorized|Forbidden/i, 'AUTH_FAILED'],
  [/Server returned 404|\b404 Not Found|No such file or directory/i, 'NOT_FOUND'],
  [/Permission denied|Is a directory/i, 'NOT_READABLE'],
  [
    /Invalid data found when processing input|could not find codec parameters|matches no streams|does not contain any stream|no video stream/i,
    'NOT_VIDEO',
  ],
  [
    /Connection refused|timed out|Connection reset|Broken pipe|Network is unreachable|No route to host|Name or service not known|Temporary failure in name resolution|Failed to resolve|Host is down|Server returned 5(\d\d|XX)|End of file/i,
    'UNREACHABLE',
  ],
];

/** Maps ffmpeg/ffprobe stderr lines to a code; DECODE_FAILED when nothing is recognised. */
export function classifyStderr(lines: readonly string[]): MediaErrorCode {
  for (const [pattern, code] of STDERR_RULES) {
    if (lines.some((line) => pattern.test(line))) return code;
  }
  return 'DECODE_FAILED';
}

/**
 * The most telling stderr line, shortened to its reason: ffmpeg prefixes errors
 * with the input URL (`http://host/x: Connection refused`), which the message
 * already names.
 */
export function stderrReason(lines: readonly string[]): string {
  const last = [...lines].reverse().find((line) => line.trim() !== '');
  if (last === undefined) return '';
  const withoutPrefix = last.replace(/^\[[^\]]*\]\s*/, '');
  const colon = withoutPrefix.lastIndexOf(': ');
  return (colon >= 0 ? withoutPrefix.slice(colon + 2) : withoutPrefix).trim().slice(0, 200);
}

/** Builds the MediaError for a failed ffmpeg/ffprobe run from its stderr tail. */
export function mediaErrorFromStderr(source: string, lines: readonly string[]): MediaError {
  const code = classifyStderr(lines);
  if (code === 'FRAME_TOO_LARGE') {
    const size = /Picture size (\d+x\d+)/i.exec(lines.join('\n'))?.[1] ?? '?';
    return new MediaError(code, source, `the video declares ${size} frames, more than ffmpeg or Vigie decode: re-encode it smaller`, lines);
  }
  return new MediaError(code, source, stderrReason(lines), lines);
}
